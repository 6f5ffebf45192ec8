package com.imagingmanifest.gateway.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Who gets in: each way a token can be missing or wrong, and what the answer looks like. */
class BearerAuthenticationTest extends SecuredServerTest {

    static final String MANIFESTS = "/organizations/demo/fhir/3/ImagingManifest";

    @Test
    void validTokenReachesTheServer() {
        HttpResponse<String> r = get(MANIFESTS, token("demo", TestTokens.READ));
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("searchset"), r.body());
    }

    @Test
    void noTokenIs401WithBearerChallenge() {
        HttpResponse<String> r = get(MANIFESTS, null);
        String diagnostics = assertOperationOutcome(r, 401, "login");
        assertTrue(diagnostics.contains("bearer token is required"), diagnostics);
        String challenge = r.headers().firstValue("WWW-Authenticate").orElseThrow();
        assertTrue(challenge.startsWith("Bearer"), challenge);
        assertFalse(challenge.contains("invalid_token"), "no token is not an invalid token: " + challenge);
    }

    @Test
    void expiredTokenIs401InvalidToken() {
        String expired = TestTokens.issuer(DATA_DIR, Clock.offset(Clock.systemUTC(), Duration.ofHours(-3)))
                .issue("demo", TestTokens.ALL, Duration.ofHours(1), "tester");
        HttpResponse<String> r = get(MANIFESTS, expired);
        String diagnostics = assertOperationOutcome(r, 401, "login");
        assertTrue(diagnostics.toLowerCase().contains("expired"), diagnostics);
        assertInvalidTokenChallenge(r);
    }

    @Test
    void tokenSignedWithAnotherKeyIs401() throws Exception {
        RSAKey stranger = new RSAKeyGenerator(2048).keyID(TestTokens.key(DATA_DIR).getKeyID()).generate();
        String forged = new LocalTokenIssuer(stranger, GatewaySecurityProperties.EMBEDDED_ISSUER, "org",
                Clock.systemUTC()).issue("demo", TestTokens.ALL, Duration.ofHours(1), "mallory");
        HttpResponse<String> r = get(MANIFESTS, forged);
        assertOperationOutcome(r, 401, "login");
        assertInvalidTokenChallenge(r);
    }

    @Test
    void tamperedPayloadIs401() {
        String[] parts = token("other", TestTokens.ALL).split("\\.");
        String payload = new String(java.util.Base64.getUrlDecoder().decode(parts[1]))
                .replace("\"other\"", "\"demo\"");
        String tampered = parts[0] + "."
                + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes()) + "." + parts[2];
        HttpResponse<String> r = get(MANIFESTS, tampered);
        assertOperationOutcome(r, 401, "login");
    }

    @Test
    void wrongIssuerIs401() {
        String foreign = new LocalTokenIssuer(TestTokens.key(DATA_DIR), "https://elsewhere.example", "org",
                Clock.systemUTC()).issue("demo", TestTokens.ALL, Duration.ofHours(1), "tester");
        HttpResponse<String> r = get(MANIFESTS, foreign);
        String diagnostics = assertOperationOutcome(r, 401, "login");
        assertTrue(diagnostics.contains("iss"), diagnostics);
        assertInvalidTokenChallenge(r);
    }

    @Test
    void garbageTokenIs401() {
        HttpResponse<String> r = get(MANIFESTS, "not-a-jwt");
        assertOperationOutcome(r, 401, "login");
        assertInvalidTokenChallenge(r);
    }

    @Test
    void readOnlyScopeCannotWrite() {
        String readOnly = token("demo", TestTokens.READ);
        for (String[] write : new String[][] {{"POST", MANIFESTS}, {"PUT", MANIFESTS + "/42"},
                {"DELETE", MANIFESTS + "/42"}, {"PATCH", MANIFESTS + "/42"}}) {
            HttpResponse<String> r = send(write[0], write[1], readOnly, Map.of(), "{}");
            String diagnostics = assertOperationOutcome(r, 403, "forbidden");
            assertTrue(diagnostics.contains("ImagingManifest.write"), diagnostics);
            String challenge = r.headers().firstValue("WWW-Authenticate").orElseThrow();
            assertTrue(challenge.contains("insufficient_scope"), challenge);
        }
        // a search by POST is a read
        HttpResponse<String> search = send("POST", MANIFESTS + "/_search", readOnly,
                Map.of("Content-Type", "application/x-www-form-urlencoded"), "patient=p1");
        assertEquals(200, search.statusCode(), search.body());
    }

    @Test
    void writeOnlyScopeCannotRead() {
        HttpResponse<String> r = get(MANIFESTS + "/42", token("demo", TestTokens.WRITE));
        assertOperationOutcome(r, 403, "forbidden");
        HttpResponse<String> w = send("POST", MANIFESTS, token("demo", "system/ImagingManifest.write"), Map.of(),
                manifest("write-only"));
        assertEquals(201, w.statusCode(), w.body());
    }

    @Test
    void aConditionalCreateNeedsReadScopeToo() throws Exception {
        // a manifest the write-only caller must not be able to detect
        String id = create("demo", "conditional target");
        String condition = "_id=" + id;
        HttpResponse<String> probe = send("POST", MANIFESTS, token("demo", TestTokens.WRITE),
                Map.of("If-None-Exist", condition), manifest("probe"));
        String diagnostics = assertOperationOutcome(probe, 403, "forbidden");
        assertTrue(diagnostics.contains("If-None-Exist") && diagnostics.contains("ImagingManifest.read"), diagnostics);
        assertTrue(probe.headers().firstValue("WWW-Authenticate").orElse("").contains("insufficient_scope"));
        // the same answer when nothing matches: the 403 tells nothing about the search
        HttpResponse<String> none = send("POST", MANIFESTS, token("demo", TestTokens.WRITE),
                Map.of("If-None-Exist", "_id=no-such-manifest"), manifest("probe"));
        assertEquals(probe.body(), none.body());
        assertEquals(403, none.statusCode());
        // nothing was created by either
        HttpResponse<String> search = get(MANIFESTS + "?_id=" + id, token("demo", TestTokens.READ));
        assertEquals(1, JSON.readTree(search.body()).path("entry").size(), search.body());

        // with read and write, the conditional create finds the match (200) and creates nothing
        HttpResponse<String> found = send("POST", MANIFESTS, token("demo", TestTokens.READ + " " + TestTokens.WRITE),
                Map.of("If-None-Exist", condition), manifest("probe"));
        assertEquals(200, found.statusCode(), found.body());
        assertTrue(found.body().contains(id), found.body());
    }

    @Test
    void scopeForAnotherResourceTypeOrPatientScopeGrantsNothing() {
        assertOperationOutcome(get(MANIFESTS, token("demo", "user/Patient.read")), 403, "forbidden");
        assertOperationOutcome(get(MANIFESTS, token("demo", "patient/ImagingManifest.read")), 403, "forbidden");
        assertEquals(200, get(MANIFESTS, token("demo", "user/*.read")).statusCode());
        assertEquals(200, get(MANIFESTS, token("demo", "openid system/*.* profile")).statusCode());
    }

    @Test
    void tokenForAnotherOrganizationSeesTheSameAsAnUnknownOrganization() {
        String otherToken = token("other", TestTokens.ALL);
        HttpResponse<String> hidden = get(MANIFESTS + "/42", otherToken);
        HttpResponse<String> absent = get("/organizations/no-such-org/fhir/3/ImagingManifest/42", otherToken);
        assertOperationOutcome(hidden, 404, "not-found");
        assertOperationOutcome(absent, 404, "not-found");
        assertEquals(absent.body().replace("no-such-org", "X"), hidden.body().replace("demo", "X"));
        assertEquals(absent.headers().firstValue("WWW-Authenticate"), hidden.headers().firstValue("WWW-Authenticate"));
    }

    @Test
    void organizationMatchesByIdOrSlugEitherWay() {
        assertEquals(200, get("/organizations/org-1/fhir/3/ImagingManifest", token("demo", TestTokens.READ)).statusCode());
        assertEquals(200, get("/organizations/demo/fhir/3/ImagingManifest", token("org-1", TestTokens.READ)).statusCode());
        assertEquals(404, get("/organizations/org-2/fhir/3/ImagingManifest", token("org-1", TestTokens.READ)).statusCode());
    }

    @Test
    void metadataAndHealthAreOpenByDefault() {
        assertEquals(200, get("/organizations/demo/fhir/3/metadata", null).statusCode());
        assertEquals(200, get("/actuator/health/readiness", null).statusCode());
        assertEquals(200, get("/actuator/health/liveness", null).statusCode());
        // but nothing else next to metadata
        assertEquals(401, get("/organizations/demo/fhir/3/metadata/", null).statusCode());
    }

    @Test
    void signingKeyFileIsPrivateToItsOwner() throws Exception {
        var file = DATA_DIR.resolve(SigningKey.FILE_NAME);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(RSAKey.parse(Files.readString(file)).isPrivate());
    }

    @Test
    void requestIdIsEchoedOrMinted() {
        HttpResponse<String> r = send("GET", MANIFESTS, token("demo", TestTokens.READ), Map.of("X-Request-Id", "abc-123"), null);
        assertEquals("abc-123", r.headers().firstValue("X-Request-Id").orElseThrow());
        HttpResponse<String> bad = send("GET", MANIFESTS, null, Map.of("X-Request-Id", "has spaces and {braces}"), null);
        String minted = bad.headers().firstValue("X-Request-Id").orElseThrow();
        assertTrue(minted.matches("[0-9a-f-]{36}"), minted);
    }

    private static void assertInvalidTokenChallenge(HttpResponse<String> r) {
        String challenge = r.headers().firstValue("WWW-Authenticate").orElseThrow();
        assertTrue(challenge.startsWith("Bearer") && challenge.contains("error=\"invalid_token\""), challenge);
    }
}
