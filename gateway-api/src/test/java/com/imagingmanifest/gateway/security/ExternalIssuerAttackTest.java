package com.imagingmanifest.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.imagingmanifest.gateway.GatewayApplication;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * {@link TokenAttackTest} against an external OpenID Provider: a real HTTP server in the test publishes
 * its discovery document and a JWK Set with one P-256 key (ES256); the provider types its access tokens
 * {@code at+jwt} (RFC 9068), and the gateway is configured with its audience and that type.
 */
@TestPropertySource(properties = {
    "gateway.security.audience=" + ExternalIssuerAttackTest.AUDIENCE,
    "gateway.security.token-types=at+jwt",
})
class ExternalIssuerAttackTest extends TokenAttackTest {

    static final String AUDIENCE = "imaging-manifest-gateway";
    private static final ECKey KEY;
    private static final HttpServer PROVIDER;

    static {
        try {
            KEY = new ECKeyGenerator(Curve.P_256).keyID("site-key-1").algorithm(JWSAlgorithm.ES256).generate();
            PROVIDER = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        serve("/realms/site/.well-known/openid-configuration", "{\"issuer\":\"" + issuer() + "\","
                + "\"jwks_uri\":\"" + issuer() + "/certs\",\"token_endpoint\":\"" + issuer() + "/token\","
                + "\"authorization_endpoint\":\"" + issuer() + "/auth\"}");
        serve("/realms/site/certs", new JWKSet(KEY.toPublicJWK()).toString());
        PROVIDER.start();
    }

    private static void serve(String path, String json) {
        PROVIDER.createContext(path, exchange -> {
            byte[] body = json.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
    }

    private static String issuer() {
        return "http://127.0.0.1:" + PROVIDER.getAddress().getPort() + "/realms/site";
    }

    @DynamicPropertySource
    static void provider(DynamicPropertyRegistry registry) {
        registry.add("gateway.security.issuer-uri", ExternalIssuerAttackTest::issuer);
    }

    @AfterAll
    static void stopProvider() {
        PROVIDER.stop(0);
    }

    @Override
    ForgedTokens forgedTokens() {
        return new ForgedTokens(KEY, issuer(), AUDIENCE, "at+jwt");
    }

    @Test
    void withoutAnAudienceTheGatewayDoesNotStart() {
        for (String source : List.of("issuer-uri", "jwk-set-uri")) {
            assertThatThrownBy(() -> new SpringApplicationBuilder(GatewayApplication.class).run(
                    "--server.port=0", "--gateway.scp.port=0", "--gateway.scp.host=127.0.0.1",
                    "--gateway.data-dir=" + Files.createTempDirectory("gateway-no-audience"),
                    "--gateway.organizations[0].id=org-1", "--gateway.organizations[0].pacs.kind=orthanc",
                    "--gateway.organizations[0].pacs.rest-url=http://127.0.0.1:9",
                    "--gateway.security." + source + "=" + issuer() + (source.equals("jwk-set-uri") ? "/certs" : ""),
                    "--gateway.security.issuer=" + issuer()))
                    .rootCause()
                    .hasMessageStartingWith("gateway.security.audience must be set with gateway.security." + source);
        }
        assertThatThrownBy(() -> new GatewaySecurityProperties(true, null, java.net.URI.create(issuer() + "/certs"),
                null, AUDIENCE, "org", true, true, false, java.time.Duration.ofSeconds(60), false,
                java.time.Duration.ofHours(1), "gateway.admin", null, null, List.of("at+jwt")))
                .hasMessageStartingWith("gateway.security.issuer must be set with gateway.security.jwk-set-uri");
    }

    @Test
    void theDefaultTypesAcceptAPlainJwtButNotAnotherKind() {
        TokenTypeValidator defaults = new TokenTypeValidator(List.of("at+jwt", "JWT"));
        assertThat(defaults.validate(jwt(null)).hasErrors()).isFalse();
        assertThat(defaults.validate(jwt("JWT")).hasErrors()).isFalse();
        assertThat(defaults.validate(jwt("application/AT+JWT")).hasErrors()).isFalse();
        assertThat(defaults.validate(jwt("logout+jwt")).getErrors()).singleElement()
                .satisfies(e -> assertThat(e.getDescription()).contains("'logout+jwt' is not accepted"));
        assertThat(new TokenTypeValidator(List.of("at+jwt")).validate(jwt(null)).hasErrors()).isTrue();
    }

    private static org.springframework.security.oauth2.jwt.Jwt jwt(String typ) {
        org.springframework.security.oauth2.jwt.Jwt.Builder b = org.springframework.security.oauth2.jwt.Jwt
                .withTokenValue("t").header("alg", "ES256").claim("sub", "x");
        if (typ != null) {
            b.header("typ", typ);
        }
        return b.build();
    }
}
