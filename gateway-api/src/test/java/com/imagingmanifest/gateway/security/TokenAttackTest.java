package com.imagingmanifest.gateway.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Forged and misfit bearer tokens against the running gateway: each is answered 401 with an
 * OperationOutcome and the {@code invalid_token} challenge, whether it reads or writes, and the write
 * it carried is not in the store afterwards; the genuine token of the same issuer reads and writes.
 */
abstract class TokenAttackTest extends SecuredServerTest {

    static final String MANIFESTS = "/organizations/demo/fhir/3/ImagingManifest";
    private static final String SYSTEM = "urn:x-jwt-attack";

    /** The issuer whose tokens the gateway trusts in this context, and forgeries of them. */
    abstract ForgedTokens forgedTokens();

    private static String identified(String identifier) {
        return SecuredServerTest.manifest("forged " + identifier).replaceFirst("\\{\"resourceType\":\"ImagingManifest\",",
                "{\"resourceType\":\"ImagingManifest\",\"identifier\":{\"system\":\"" + SYSTEM + "\",\"value\":\""
                        + identifier + "\"},");
    }

    private int matches(String token, String identifier) throws Exception {
        HttpResponse<String> r = get(MANIFESTS + "?identifier=" + SYSTEM + "%7C" + identifier, token);
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body()).path("entry").size();
    }

    @Test
    void everyForgeryIs401AndChangesNothing() throws Exception {
        ForgedTokens tokens = forgedTokens();
        String genuine = tokens.genuine("demo", TestTokens.ALL);
        for (Map.Entry<String, String> attack : tokens.attacks("demo", TestTokens.ALL).entrySet()) {
            String name = attack.getKey();
            HttpResponse<String> read = get(MANIFESTS, attack.getValue());
            assertOperationOutcome(read, 401, "login");
            String challenge = read.headers().firstValue("WWW-Authenticate").orElse("");
            assertTrue(challenge.contains("error=\"invalid_token\""), name + ": " + challenge);

            String identifier = UUID.randomUUID().toString();
            HttpResponse<String> write = send("POST", MANIFESTS, attack.getValue(), Map.of(), identified(identifier));
            assertEquals(401, write.statusCode(), name + ": " + write.body());
            assertOperationOutcome(write, 401, "login");
            assertEquals(0, matches(genuine, identifier), name + " wrote a manifest");
        }
        // the same write with the genuine token is found by the same search: the checks above can fail
        String identifier = UUID.randomUUID().toString();
        HttpResponse<String> write = send("POST", MANIFESTS, genuine, Map.of(), identified(identifier));
        assertEquals(201, write.statusCode(), write.body());
        assertEquals(1, matches(genuine, identifier));
    }
}
