package com.imagingmanifest.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.dstu3.model.CapabilityStatement;
import org.hl7.fhir.dstu3.model.CapabilityStatement.CapabilityStatementRestSecurityComponent;
import org.hl7.fhir.dstu3.model.Extension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A gateway behind an external OpenID Provider (a real HTTP server publishing its metadata) and open
 * to one browser origin: the OAuth endpoints reach {@code rest.security} and the SMART document, and
 * CORS answers preflights and real requests by the Fetch standard's rules.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "gateway.organizations[0].id=org-1",
    "gateway.organizations[0].slug=demo",
    "gateway.organizations[0].pacs.kind=orthanc",
    "gateway.organizations[0].pacs.ae-title=ORTHANC",
    "gateway.organizations[0].pacs.rest-url=http://127.0.0.1:9",
    "gateway.cors.allowed-origins=https://viewer.example.org",
    "gateway.security.audience=imaging-manifest-gateway",
})
@Import(SecuredServerTest.Fakes.class)
class ExternalIssuerAndCorsTest {
    private static final String VIEWER = "https://viewer.example.org";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpServer PROVIDER;

    static {
        try {
            PROVIDER = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        PROVIDER.createContext("/realms/site/.well-known/openid-configuration", exchange -> {
            String issuer = issuer();
            byte[] body = ("{\"issuer\":\"" + issuer + "\",\"authorization_endpoint\":\"" + issuer + "/auth\","
                    + "\"token_endpoint\":\"" + issuer + "/token\",\"jwks_uri\":\"" + issuer + "/certs\","
                    + "\"grant_types_supported\":[\"authorization_code\",\"client_credentials\",\"refresh_token\"],"
                    + "\"code_challenge_methods_supported\":[\"plain\",\"S256\"]}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        PROVIDER.start();
    }

    private static String issuer() {
        return "http://127.0.0.1:" + PROVIDER.getAddress().getPort() + "/realms/site";
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        registry.add("gateway.security.issuer-uri", ExternalIssuerAndCorsTest::issuer);
        registry.add("gateway.data-dir", Files.createTempDirectory("gateway-external-issuer")::toString);
    }

    @AfterAll
    static void stopProvider() {
        PROVIDER.stop(0);
    }

    @LocalServerPort
    int port;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HttpResponse<String> send(String method, String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20)).method(method, HttpRequest.BodyPublishers.noBody());
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theProvidersEndpointsAreAnnouncedInRestSecurityAndSmartConfiguration() throws Exception {
        CapabilityStatement cs = FhirContext.forDstu3Cached()
                .newRestfulGenericClient("http://127.0.0.1:" + port + "/organizations/demo/fhir/3")
                .capabilities().ofType(CapabilityStatement.class).execute();
        CapabilityStatementRestSecurityComponent security = cs.getRestFirstRep().getSecurity();
        assertThat(security.getCors()).isTrue();
        Extension uris = security.getExtensionsByUrl("http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris").get(0);
        assertThat(uris.getExtensionString("token")).isEqualTo(issuer() + "/token");
        assertThat(uris.getExtensionString("authorize")).isEqualTo(issuer() + "/auth");

        HttpResponse<String> r = send("GET", "/organizations/demo/fhir/3/.well-known/smart-configuration", Map.of());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode doc = JSON.readTree(r.body());
        assertThat(doc.path("issuer").asText()).isEqualTo(issuer());
        assertThat(doc.path("jwks_uri").asText()).isEqualTo(issuer() + "/certs");
        assertThat(doc.path("token_endpoint").asText()).isEqualTo(issuer() + "/token");
        assertThat(doc.path("authorization_endpoint").asText()).isEqualTo(issuer() + "/auth");
        assertThat(doc.path("grant_types_supported").toString()).contains("authorization_code", "client_credentials");
        // SMART 2: S256 offered, plain never
        assertThat(doc.path("code_challenge_methods_supported").toString()).isEqualTo("[\"S256\"]");
        assertThat(doc.path("response_types_supported").toString()).contains("code");
        assertThat(doc.path("capabilities").isArray()).isTrue();
    }

    @Test
    void aPreflightFromTheAllowedOriginIsAnsweredWithoutAToken() throws Exception {
        HttpResponse<String> r = send("OPTIONS", "/organizations/demo/fhir/3/ImagingManifest/abc", Map.of(
                "Origin", VIEWER, "Access-Control-Request-Method", "PUT",
                "Access-Control-Request-Headers", "authorization,content-type,if-match"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue(VIEWER);
        assertThat(r.headers().firstValue("Access-Control-Allow-Methods").orElse("")).contains("PUT");
        assertThat(r.headers().firstValue("Access-Control-Allow-Headers").orElse("").toLowerCase())
                .contains("authorization", "content-type", "if-match");
        assertThat(r.headers().firstValue("Access-Control-Max-Age")).hasValue("1800");
        // bearer tokens need no credentials mode: the header is absent (Fetch: only "true" counts)
        assertThat(r.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
        assertThat(r.headers().allValues("Vary").toString()).contains("Origin");
    }

    @Test
    void anotherOriginIsRefusedAndRealResponsesExposeTheFhirHeaders() throws Exception {
        HttpResponse<String> refused = send("OPTIONS", "/organizations/demo/fhir/3/ImagingManifest", Map.of(
                "Origin", "https://evil.example.com", "Access-Control-Request-Method", "GET"));
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();

        HttpResponse<String> metadata = send("GET", "/organizations/demo/fhir/3/metadata", Map.of("Origin", VIEWER));
        assertThat(metadata.statusCode()).isEqualTo(200);
        assertThat(metadata.headers().firstValue("Access-Control-Allow-Origin")).hasValue(VIEWER);
        assertThat(metadata.headers().firstValue("Access-Control-Expose-Headers").orElse(""))
                .contains("Location", "Content-Location", "ETag");
        // a request without a token still gets 401, with CORS headers so that the viewer can read it
        HttpResponse<String> denied = send("GET", "/organizations/demo/fhir/3/ImagingManifest", Map.of("Origin", VIEWER));
        assertThat(denied.statusCode()).isEqualTo(401);
        assertThat(denied.headers().firstValue("Access-Control-Allow-Origin")).hasValue(VIEWER);
    }

    @Test
    void credentialsWithAWildcardOriginAreRefusedAtStart() {
        assertThatThrownBy(() -> new CorsProperties(List.of("*"), true, Duration.ofMinutes(1)))
                .hasMessageContaining("allow-credentials").hasMessageContaining("'*'");
        assertThat(new CorsProperties(List.of("https://a.example"), true, Duration.ofMinutes(1)).enabled()).isTrue();
    }
}
