package com.imagingmanifest.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagingmanifest.testing.TestTls;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * HTTPS on the API from a Spring Boot SSL bundle ({@code server.ssl.bundle}), as docs/configuration.md
 * shows it: a client that trusts the gateway's certificate reads {@code /metadata}; plain HTTP on the same
 * port gets no FHIR answer.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "server.ssl.bundle=api",
    "gateway.organizations[0].id=org-1",
    "gateway.organizations[0].slug=demo",
    "gateway.organizations[0].pacs.kind=orthanc",
    "gateway.organizations[0].pacs.ae-title=ORTHANC",
    "gateway.organizations[0].pacs.rest-url=http://127.0.0.1:9",
})
@Import(SecuredServerTest.Fakes.class)
class HttpsApiTest {
    static final Path DIR;
    static final Path STORE;

    static {
        try {
            DIR = Files.createTempDirectory("gateway-https-test");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        STORE = TestTls.keyPair(DIR.resolve("api.p12"), "gateway", "CN=gateway.test", "ip:127.0.0.1");
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("gateway.data-dir", DIR::toString);
        registry.add("spring.ssl.bundle.jks.api.keystore.location", () -> "file:" + STORE);
        registry.add("spring.ssl.bundle.jks.api.keystore.password", () -> TestTls.PASSWORD);
        registry.add("spring.ssl.bundle.jks.api.keystore.type", () -> "PKCS12");
    }

    @LocalServerPort
    int port;

    @Test
    void theApiAnswersOverTlsWithTheBundlesCertificate() throws Exception {
        KeyStore keys = TestTls.load(STORE);
        KeyStore trust = TestTls.trusting(keys.getCertificate("gateway"));
        HttpClient https = HttpClient.newBuilder().sslContext(TestTls.context("TLS", null, trust))
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> r = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port
                + "/organizations/demo/fhir/3/metadata")).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"resourceType\":\"CapabilityStatement\"")
                .contains("\"url\":\"https://127.0.0.1:" + port + "/organizations/demo/fhir/3\"");

        HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest overHttp = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/organizations/demo/fhir/3/metadata")).timeout(Duration.ofSeconds(20)).build();
        // Tomcat answers a plain request on a TLS port with 400, or the connection closes: never FHIR
        int status;
        try {
            HttpResponse<String> refused = plain.send(overHttp, HttpResponse.BodyHandlers.ofString());
            assertThat(refused.body()).doesNotContain("CapabilityStatement");
            status = refused.statusCode();
        } catch (IOException closed) {
            status = -1;
        }
        assertThat(status).as("plain HTTP on the TLS port").isIn(400, -1);
    }
}
