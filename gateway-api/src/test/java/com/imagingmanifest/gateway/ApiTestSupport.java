package com.imagingmanifest.gateway;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import com.imagingmanifest.testing.studies.SyntheticCtStudy;
import com.imagingmanifest.gateway.security.TestTokens;
import com.imagingmanifest.testing.Dcmqrscp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.dstu3.model.Identifier;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.hl7.fhir.dstu3.model.Reference;
import org.springframework.test.context.DynamicPropertyRegistry;

/** Shared plumbing of the API tests: tenants, clients, manifests. */
public final class ApiTestSupport {
    /** Organizations every API test context has: two bound to the test PACS, one to a closed port. */
    public static final String DEMO_ID = "1";
    public static final String DEMO_SLUG = "demo";
    public static final String OTHER_ID = "2";
    public static final String OTHER_SLUG = "other";
    public static final String DOWN_SLUG = "down";

    public static final FhirContext CLIENT_FHIR = FhirContext.forDstu3();

    static {
        CLIENT_FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        CLIENT_FHIR.getRestfulClientFactory().setSocketTimeout(60_000);
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * One data directory for every API test context, so the embedded signing key (and thus the tokens
     * the tests mint) is the same whichever context serves the request.
     */
    public static final Path DATA_DIR = tempDir();

    private ApiTestSupport() {
    }

    /** A study the PACS holds, with the instances a manifest may select. */
    public record Study(String studyUid, String seriesUid, List<String> sopUids, String sopClassUid,
            String patientId, String issuer) {
    }

    /**
     * The properties binding the organization at {@code prefix} ({@code gateway.organizations[n].}) to
     * {@code orthanc}: kind orthanc, every address and credential, superseded KOS deleted.
     */
    public static Map<String, String> orthancBinding(String prefix, com.imagingmanifest.testing.PrivateOrthanc orthanc) {
        Map<String, String> p = new java.util.LinkedHashMap<>();
        p.put(prefix + "pacs.kind", "orthanc");
        p.put(prefix + "pacs.ae-title", orthanc.aeTitle());
        p.put(prefix + "pacs.host", orthanc.host());
        p.put(prefix + "pacs.port", Integer.toString(orthanc.dicomPort()));
        p.put(prefix + "pacs.dicomweb-url", orthanc.dicomwebUrl().toString());
        p.put(prefix + "pacs.public-dicomweb-url", orthanc.dicomwebUrl().toString());
        p.put(prefix + "pacs.rest-url", orthanc.restUrl());
        p.put(prefix + "pacs.username", orthanc.username());
        p.put(prefix + "pacs.password", orthanc.password());
        p.put(prefix + "pacs.superseded", "delete");
        return p;
    }

    /** Registers gateway.* properties for the three organizations bound to one PACS called ORTHANC. */
    public static void organizations(DynamicPropertyRegistry registry, String kind, String host, int port,
            String dicomwebUrl, String restUrl, String username, String password, int closedPort) {
        organizations(registry, kind, "ORTHANC", host, port, dicomwebUrl, restUrl, username, password, closedPort);
    }

    /**
     * Registers gateway.* properties for the three organizations bound to one PACS; the superseded
     * policy is the kind's default (orthanc: delete; dimse, dicomweb: reject).
     */
    public static void organizations(DynamicPropertyRegistry registry, String kind, String aeTitle, String host,
            int port, String dicomwebUrl, String restUrl, String username, String password, int closedPort) {
        registry.add("gateway.data-dir", DATA_DIR::toString);
        registry.add("gateway.max-body-size", () -> "64KB");
        String[][] orgs = {{DEMO_ID, DEMO_SLUG}, {OTHER_ID, OTHER_SLUG}, {"3", DOWN_SLUG}};
        for (int i = 0; i < orgs.length; i++) {
            String p = "gateway.organizations[" + i + "].";
            boolean down = i == 2;
            String id = orgs[i][0];
            String slug = orgs[i][1];
            registry.add(p + "id", () -> id);
            registry.add(p + "slug", () -> slug);
            registry.add(p + "name", () -> "Org " + p);
            registry.add(p + "pacs.kind", () -> kind);
            registry.add(p + "pacs.ae-title", () -> aeTitle);
            registry.add(p + "pacs.host", () -> host);
            registry.add(p + "pacs.port", () -> down ? closedPort : port);
            registry.add(p + "pacs.dicomweb-url", () -> down ? "http://127.0.0.1:" + closedPort + "/dicom-web"
                    : dicomwebUrl);
            registry.add(p + "pacs.public-dicomweb-url", () -> down ? "http://127.0.0.1:" + closedPort
                    + "/dicom-web" : dicomwebUrl);
            registry.add(p + "pacs.rest-url", () -> down ? "http://127.0.0.1:" + closedPort : restUrl);
            registry.add(p + "pacs.username", () -> username);
            registry.add(p + "pacs.password", () -> password);
            registry.add(p + "pacs.connect-timeout", () -> "2s");
            registry.add(p + "pacs.response-timeout", () -> "20s");
        }
    }

    /** Registers {@code database} as the gateway's store. */
    public static void datasource(DynamicPropertyRegistry registry, com.imagingmanifest.testing.PostgresDatabase database) {
        registry.add("spring.datasource.url", database::jdbcUrl);
        registry.add("spring.datasource.username", database::username);
        registry.add("spring.datasource.password", () -> database.password() == null ? "" : database.password());
    }

    private static Path tempDir() {
        try {
            Path dir = Files.createTempDirectory("gateway-api-test");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String base(int port, String org) {
        return "http://127.0.0.1:" + port + "/organizations/" + org + "/fhir/3";
    }

    /** A HAPI generic client for {@code org} carrying a bearer token with every ImagingManifest scope. */
    public static IGenericClient client(int port, String org) {
        IGenericClient client = CLIENT_FHIR.newRestfulGenericClient(base(port, org));
        client.registerInterceptor(new BearerTokenAuthInterceptor(token(org)));
        return client;
    }

    /** A token of the embedded issuer with only the management scope (gateway.security.admin-scope). */
    public static String adminToken(String org) {
        return TestTokens.token(DATA_DIR, org, "gateway.admin");
    }

    /** A token of the embedded issuer for {@code org} with user/ImagingManifest.*. */
    public static String token(String org) {
        return TestTokens.token(DATA_DIR, org, TestTokens.ALL);
    }

    /** The organization segment of a gateway URL ({@code /organizations/{org}/...}), or null. */
    private static String organizationOf(String url) {
        Matcher m = ORGANIZATION_IN_URL.matcher(url);
        return m.find() ? m.group(1) : null;
    }

    private static final Pattern ORGANIZATION_IN_URL = Pattern.compile("/organizations/([^/?]+)");

    /** A new study with two CT images stored on {@code orthanc} (REST), so the gateway finds its context. */
    public static Study newCtStudy(com.imagingmanifest.testing.PrivateOrthanc orthanc, String patientId,
            String issuer) {
        SyntheticCtStudy study = SyntheticCtStudy.of(com.imagingmanifest.dicom.data.Uid.generate(), 2,
                "Test^Patient", patientId, issuer);
        for (byte[] file : study.part10Files()) {
            orthanc.post("/instances", "application/dicom", file);
        }
        return new Study(study.studyUid(), study.seriesUid(), study.sopUids(), study.sopClassUid(), patientId,
                issuer);
    }

    /** A manifest selecting {@code count} instances of the study. */
    public static ImagingManifest manifest(Study study, int count, String description) {
        ImagingManifest m = new ImagingManifest();
        m.setPatient(new Reference().setIdentifier(new Identifier().setSystem(study.issuer())
                .setValue(study.patientId())).setDisplay("Test^Patient"));
        m.setAuthoringTimeElement(new org.hl7.fhir.dstu3.model.DateTimeType("2024-01-15T10:15:00+01:00"));
        m.setAuthor(new Reference().setDisplay("Doe^Jane"));
        m.setDescription(description);
        ImagingManifest.SeriesComponent series = m.addStudy().setUid("urn:oid:" + study.studyUid())
                .addSeries().setUid("urn:oid:" + study.seriesUid());
        for (String sop : study.sopUids().subList(0, count)) {
            series.addInstance().setSopClass("urn:oid:" + study.sopClassUid()).setUid("urn:oid:" + sop);
        }
        return m;
    }

    public static String json(ImagingManifest manifest) {
        return CLIENT_FHIR.newJsonParser().encodeResourceToString(manifest);
    }

    public static HttpResponse<String> send(String method, String url, String contentType, String body,
            Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        request.header("Accept", "application/fhir+json");
        String org = organizationOf(url);
        if (org != null && !headers.containsKey("Authorization")) {
            request.header("Authorization", "Bearer " + token(org));
        }
        headers.forEach(request::header);
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static HttpResponse<String> get(String url) {
        return send("GET", url, null, null, Map.of());
    }

    /**
     * The organizations bound to {@code archive} by kind dimse, on an H2 file of their own; {@code closed}
     * is a port nothing listens on (the down organization's, and the viewers' DICOMweb base).
     */
    public static void dcmqrscpOrganizations(DynamicPropertyRegistry registry, Dcmqrscp archive, int closed) {
        // no DICOMweb on this archive: the URL only names the viewers' base in Endpoint.address
        organizations(registry, "dimse", archive.aeTitle(), archive.host(), archive.port(),
                "http://127.0.0.1:" + closed + "/dicom-web", null, null, null, closed);
        // the organizations share the archive: one association each, so that two stores are never in
        // the same second on two associations of one organization (Dcmqrscp.STORING_ASSOCIATIONS)
        for (int i = 0; i < 3; i++) {
            registry.add("gateway.organizations[" + i + "].pacs.max-associations",
                    () -> Integer.toString(Dcmqrscp.STORING_ASSOCIATIONS));
        }
        // an H2 file of its own: the Orthanc contexts share the data directory, and their recovery
        // must not settle this context's intents against another PACS (nor this one theirs)
        Path h2;
        try {
            h2 = Files.createTempDirectory("dcmqrscp-api-h2");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        registry.add("spring.datasource.url", () -> "jdbc:h2:file:" + h2 + "/gateway;AUTO_SERVER=FALSE;WRITE_DELAY=0");
    }
}
