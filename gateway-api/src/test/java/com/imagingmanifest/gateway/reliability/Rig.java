package com.imagingmanifest.gateway.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.imagingmanifest.gateway.ApiTestSupport;
import com.imagingmanifest.testing.PrivateOrthanc;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.hl7.fhir.dstu3.model.ImagingManifest;

/** What the reliability tests share: HTTP calls to a gateway child, studies on Orthanc, store queries. */
final class Rig {
    static final String FHIR_JSON = "application/fhir+json";
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1).build();

    private Rig() {
    }

    /** An answer, or status -1 with the I/O failure as body when there was none (connection refused, timeout). */
    record Answer(int status, String body, Map<String, List<String>> headers) {
        boolean isOperationOutcome() {
            return body != null && body.contains("\"resourceType\":\"OperationOutcome\"");
        }

        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream()).findFirst().orElse(null);
        }

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException("not JSON (" + status + "): " + body, e);
            }
        }
    }

    static Answer send(GatewayChild gateway, String method, String path, String contentType, byte[] body,
            Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway.base() + path))
                .timeout(REQUEST_TIMEOUT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        request.header("Accept", FHIR_JSON);
        if (!headers.containsKey("Authorization")) {
            request.header("Authorization", "Bearer " + gateway.token());
        }
        headers.forEach(request::header);
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body(), response.headers().map());
        } catch (IOException e) {
            return new Answer(-1, e.toString(), Map.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Answer send(GatewayChild gateway, String method, String path, String body, Map<String, String> headers) {
        return send(gateway, method, path, body == null ? null : FHIR_JSON,
                body == null ? null : body.getBytes(StandardCharsets.UTF_8), headers);
    }

    static Answer get(GatewayChild gateway, String path) {
        return send(gateway, "GET", path, null, Map.of());
    }

    static Answer create(GatewayChild gateway, ImagingManifest manifest) {
        return send(gateway, "POST", "/ImagingManifest", ApiTestSupport.json(manifest), Map.of());
    }

    /** PUT of {@code manifest} as manifest {@code id}, with If-Match when {@code ifMatch} is not null. */
    static Answer update(GatewayChild gateway, String id, ImagingManifest manifest, Long ifMatch) {
        manifest.setId(id);
        return send(gateway, "PUT", "/ImagingManifest/" + id, ApiTestSupport.json(manifest),
                ifMatch == null ? Map.of() : Map.of("If-Match", "W/\"" + ifMatch + "\""));
    }

    /** A new study with two CT images on {@code orthanc}. */
    static ApiTestSupport.Study newStudy(PrivateOrthanc orthanc, String patientId) {
        return ApiTestSupport.newCtStudy(orthanc, patientId, "HOSPITAL-R");
    }

    /** SOP Instance UIDs of every KOS (Modality KO) of study {@code studyUid} on {@code orthanc}. */
    static Set<String> kosOnOrthanc(PrivateOrthanc orthanc, String studyUid) {
        String answer = orthanc.post("/tools/find", "application/json",
                ("{\"Level\":\"Instance\",\"Expand\":true,\"Query\":{\"Modality\":\"KO\",\"StudyInstanceUID\":\""
                        + studyUid + "\"}}").getBytes(StandardCharsets.UTF_8));
        Set<String> uids = new HashSet<>();
        try {
            for (JsonNode instance : JSON.readTree(answer)) {
                uids.add(instance.path("MainDicomTags").path("SOPInstanceUID").asText());
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return uids;
    }

    /** The KOS UID a manifest answer names (its urn:dicom:uid identifier). */
    static String kosUid(JsonNode manifest) {
        // STU3 ImagingManifest.identifier is 0..1: an object, not an array
        return manifest.path("identifier").path("value").asText().replace("urn:oid:", "");
    }

    /** Queries on the gateway's PostgreSQL store. */
    static final class Store {
        private final String jdbcUrl;

        Store(String jdbcUrl) {
            this.jdbcUrl = jdbcUrl;
        }

        long count(String sql) {
            List<String> rows = strings(sql);
            return Long.parseLong(rows.get(0));
        }

        List<String> strings(String sql) {
            Properties p = new Properties();
            p.setProperty("user", "postgres");
            p.setProperty("password", "");
            p.setProperty("connectTimeout", "10");
            p.setProperty("socketTimeout", "60");
            try (Connection c = DriverManager.getConnection(jdbcUrl, p); Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(sql)) {
                List<String> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(rs.getString(1));
                }
                return rows;
            } catch (SQLException e) {
                throw new IllegalStateException(sql + ": " + e.getMessage(), e);
            }
        }

        long versions() {
            return count("SELECT COUNT(*) FROM manifest_version");
        }

        long openIntents() {
            return count("SELECT COUNT(*) FROM write_intent WHERE settled IS NULL OR outcome = 'recovering'");
        }

        /** KOS UIDs, in study {@code studyUid}, of the current, not deleted, versions. */
        Set<String> currentKos(String studyUid) {
            return new HashSet<>(strings("SELECT k.sop_uid FROM manifest_kos k JOIN manifest_resource r"
                    + " ON r.org_id = k.org_id AND r.res_id = k.res_id AND r.version_id = k.version_id"
                    + " WHERE r.deleted = FALSE AND k.study_uid = '" + studyUid + "'"));
        }
    }
}
