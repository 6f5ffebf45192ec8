package com.imagingmanifest.gateway.security;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.imagingmanifest.gateway.FakeKosTranslation;
import com.imagingmanifest.gateway.FakePacs;
import com.imagingmanifest.gateway.manifest.KosTranslation;
import com.imagingmanifest.gateway.tenant.PacsOpener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A running gateway (random port, embedded issuer, two organizations, H2 store in a temporary data
 * directory, the KOS translation and PACS replaced by {@link Fakes}) and a raw HTTP client.
 * Organization {@code demo} has id {@code org-1}; {@code other} has {@code org-2}; {@code third}
 * ({@code org-3}) has a PACS that is down.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "gateway.organizations[0].id=org-1",
    "gateway.organizations[0].slug=demo",
    "gateway.organizations[0].name=Demo Radiology",
    "gateway.organizations[1].id=org-2",
    "gateway.organizations[1].slug=other",
    "gateway.organizations[0].pacs.kind=orthanc",
    "gateway.organizations[0].pacs.ae-title=ORTHANC",
    "gateway.organizations[0].pacs.rest-url=http://127.0.0.1:9",
    "gateway.organizations[1].name=Other Hospital",
    "gateway.organizations[1].pacs.kind=orthanc",
    "gateway.organizations[1].pacs.ae-title=ORTHANC",
    "gateway.organizations[1].pacs.rest-url=http://127.0.0.1:9",
    "gateway.organizations[2].id=org-3",
    "gateway.organizations[2].slug=third",
    "gateway.organizations[2].pacs.kind=orthanc",
    "gateway.organizations[2].pacs.ae-title=DOWN",
    "gateway.organizations[2].pacs.rest-url=http://127.0.0.1:9",
})
@Import(SecuredServerTest.Fakes.class)
public abstract class SecuredServerTest {

    /** The one study every organization's PACS holds, and its patient; {@link #manifest} selects it. */
    static final String STUDY_UID = "2.25.111111111111111111111111111111111111";
    static final String PATIENT_ID = "PAT-KOS-1";

    /**
     * The KOS translation and the PACS replaced by in-memory fakes, so that security, logging and
     * metrics tests exercise the real FHIR server and store without a PACS (the real PACS and
     * translation are tested in their modules and in the API's own tests). A PACS whose binding's AE
     * title is {@code DOWN} fails every call as unreachable.
     */
    @TestConfiguration(proxyBeanMethods = false)
    static class Fakes {

        @Bean
        @Primary
        KosTranslation fakeKosTranslation() {
            return new FakeKosTranslation();
        }

        @Bean
        @Primary
        PacsOpener fakePacsOpener() {
            return binding -> {
                FakePacs pacs = new FakePacs();
                pacs.down = "DOWN".equals(binding.aeTitle());
                pacs.addStudy(STUDY_UID, PATIENT_ID, null);
                return pacs;
            };
        }
    }

    static final Path DATA_DIR;
    static final ObjectMapper JSON = new ObjectMapper();

    static {
        try {
            DATA_DIR = Files.createTempDirectory("gateway-security-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) {
        registry.add("gateway.data-dir", DATA_DIR::toString);
    }

    @LocalServerPort
    protected int port;

    /** Absent when a subclass configures an external issuer. */
    @Autowired(required = false)
    protected LocalTokenIssuer tokens;

    protected final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    protected String token(String organization, String scope) {
        return tokens.issue(organization, scope, Duration.ofHours(1), "tester");
    }

    protected URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** Sends {@code method path} with an optional bearer token, extra headers and a JSON body. */
    protected HttpResponse<String> send(String method, String path, String token, Map<String, String> headers,
            String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        headers.forEach(b::header);
        HttpRequest.BodyPublisher publisher = body == null
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body);
        if (body != null && !headers.containsKey("Content-Type")) {
            b.header("Content-Type", "application/fhir+json");
        }
        b.method(method, publisher);
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A valid manifest selecting {@link #STUDY_UID}, which every fake PACS holds. */
    protected static String manifest(String description) {
        return """
            {"resourceType":"ImagingManifest",
             "patient":{"identifier":{"system":"urn:oid:1.2.3.4.5","value":"%s"},"display":"Test^Patient"},
             "authoringTime":"2024-01-15T10:15:00+01:00",
             "description":"%s",
             "study":[{"uid":"urn:oid:%s",
               "series":[{"uid":"urn:oid:2.25.333333333333333333333333333333333333",
                 "instance":[{"sopClass":"urn:oid:1.2.840.10008.5.1.4.1.1.2",
                              "uid":"urn:oid:2.25.444444444444444444444444444444444441"}]}]}]}
            """.formatted(PATIENT_ID, description, STUDY_UID);
    }

    /** Creates a manifest in {@code organization}; returns its logical id. */
    protected String create(String organization, String description) {
        HttpResponse<String> r = send("POST", "/organizations/" + organization + "/fhir/3/ImagingManifest",
                token(organization, TestTokens.WRITE), Map.of(), manifest(description));
        assertEquals(201, r.statusCode(), r.body());
        String location = r.headers().firstValue("Location").orElseThrow();
        return location.replaceAll(".*/ImagingManifest/([^/]+)/_history/.*", "$1");
    }

    protected HttpResponse<String> get(String path, String token) {
        return send("GET", path, token, Map.of(), null);
    }

    /** Asserts an OperationOutcome body with one error issue of {@code code}; returns its diagnostics. */
    protected static String assertOperationOutcome(HttpResponse<String> response, int status, String code) {
        assertEquals(status, response.statusCode(), () -> "status; body " + response.body());
        assertEquals("application/fhir+json", response.headers().firstValue("Content-Type").orElse("")
                .replaceAll(";.*", ""), "content type");
        try {
            JsonNode outcome = JSON.readTree(response.body());
            assertEquals("OperationOutcome", outcome.path("resourceType").asText(), response.body());
            JsonNode issue = outcome.path("issue").path(0);
            assertEquals("error", issue.path("severity").asText(), response.body());
            assertEquals(code, issue.path("code").asText(), response.body());
            return issue.path("diagnostics").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
