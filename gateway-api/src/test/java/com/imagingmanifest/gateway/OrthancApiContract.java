package com.imagingmanifest.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagingmanifest.testing.Dcmtk;
import com.imagingmanifest.testing.PrivateOrthanc;
import com.imagingmanifest.testing.ToolResult;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The API contract against a real Orthanc with the real translation (dicom-kos) and the real
 * Orthanc binding (pacs-adapter): the selected study is stored in Orthanc first, so that its
 * context exists, and each KOS the gateway writes is looked up, fetched and verified there.
 */
abstract class OrthancApiContract extends ManifestApiContract {
    static final String ISSUER = "HOSPITAL-A";

    static PrivateOrthanc orthanc() {
        return PrivateOrthanc.shared();
    }

    /** Organization properties for the shared Orthanc ({@code down} gets a port nothing listens on). */
    static void orthancOrganizations(DynamicPropertyRegistry registry) {
        PrivateOrthanc o = orthanc();
        ApiTestSupport.organizations(registry, "orthanc", o.host(), o.dicomPort(), o.dicomwebUrl().toString(),
                o.restUrl(), o.username(), o.password(), closedPort());
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort(); // closed again when this returns: connections are refused
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected ApiTestSupport.Study newStudy(String patientId) {
        return ApiTestSupport.newCtStudy(orthanc(), patientId, ISSUER);
    }

    /** Orthanc's ids of the instances with this SOP Instance UID (POST /tools/lookup). */
    private static List<String> lookup(String sopUid) {
        String answer = orthanc().post("/tools/lookup", "text/plain", sopUid.getBytes(StandardCharsets.US_ASCII));
        List<String> ids = new java.util.ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"ID\"\\s*:\\s*\"([^\"]+)\"").matcher(answer);
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }

    @org.springframework.beans.factory.annotation.Autowired
    com.imagingmanifest.gateway.store.WriteIntents intents;

    @org.springframework.beans.factory.annotation.Autowired
    com.imagingmanifest.gateway.manifest.WriteRecovery recovery;

    @org.junit.jupiter.api.Test
    void recoveryRemovesFromThePacsWhatAnUnfinishedWriteStored() {
        ApiTestSupport.Study study = newStudy("PAT-R1");
        // the study's second image stands in for a KOS stored just before the gateway crashed
        String orphan = study.sopUids().get(1);
        intents.openWrite(ApiTestSupport.DEMO_ID, "crashed-write", List.of(new com.imagingmanifest.pacs.InstanceRef(
                study.studyUid(), study.seriesUid(), orphan, study.sopClassUid())),
                java.time.Instant.now().minusSeconds(3600));
        assertThat(lookup(orphan)).hasSize(1);
        assertThat(recovery.settle(java.time.Instant.now().minusSeconds(60))).isGreaterThanOrEqualTo(1);
        assertThat(lookup(orphan)).isEmpty();
        assertThat(lookup(study.sopUids().get(0))).hasSize(1);
    }

    @Override
    protected boolean kosOnPacs(String studyUid, String sopUid) {
        List<String> ids = lookup(sopUid);
        if (ids.isEmpty()) {
            return false;
        }
        String tags = orthanc().get("/instances/" + ids.get(0) + "/simplified-tags");
        assertThat(tags).contains(studyUid).contains("\"KO\"");
        return true;
    }

    @Override
    protected void verifyKos(String studyUid, String sopUid) {
        List<String> ids = lookup(sopUid);
        assertThat(ids).as("KOS %s on Orthanc", sopUid).hasSize(1);
        byte[] file = fetch("/instances/" + ids.get(0) + "/file");
        try {
            Path dir = Files.createTempDirectory("kos");
            Path path = dir.resolve("kos.dcm");
            Files.write(path, file);
            ToolResult result = Dcmtk.dciodvfy(path);
            List<String> errors = result.output().lines().filter(l -> l.startsWith("Error")).toList();
            assertThat(errors).as("dciodvfy errors:\n%s", result.output()).isEmpty();
            Files.delete(path);
            Files.delete(dir);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] fetch(String path) {
        PrivateOrthanc o = orthanc();
        String auth = Base64.getEncoder().encodeToString((o.username() + ":" + o.password())
                .getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create(o.restUrl() + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Basic " + auth).GET().build();
        try {
            HttpResponse<byte[]> response = HttpClient.newHttpClient().send(request,
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(response.statusCode()).as("GET %s", path).isEqualTo(200);
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
