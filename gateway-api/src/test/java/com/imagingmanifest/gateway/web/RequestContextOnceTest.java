package com.imagingmanifest.gateway.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.imagingmanifest.gateway.config.GatewayProperties;
import com.imagingmanifest.gateway.security.SecuredServerTest;
import com.imagingmanifest.gateway.security.TestTokens;
import com.imagingmanifest.gateway.tenant.Tenant;
import com.imagingmanifest.gateway.tenant.Tenants;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;

/**
 * The edge parses a request's path and looks its organization up once, whichever filters, security
 * decisions and providers read it (issue 22): the organizations are replaced by a copy that counts its
 * lookups by name, and each request below must cost exactly one. The refusals of malformed or foreign
 * paths keep their status and text.
 */
@Import(RequestContextOnceTest.Counting.class)
class RequestContextOnceTest extends SecuredServerTest {

    /** The real organizations, counting each {@link Tenants#find} by the name asked for. */
    static final class CountingTenants extends Tenants {
        final Map<String, AtomicInteger> lookups = new ConcurrentHashMap<>();

        CountingTenants(GatewayProperties properties) {
            super(properties);
        }

        @Override
        public Optional<Tenant> find(String idOrSlug) {
            lookups.computeIfAbsent(idOrSlug, k -> new AtomicInteger()).incrementAndGet();
            return super.find(idOrSlug);
        }
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class Counting {
        @Bean
        @Primary
        CountingTenants countingTenants(GatewayProperties properties) {
            return new CountingTenants(properties);
        }
    }

    @Autowired
    CountingTenants tenants;

    /** Sends the request and returns how often the path's organization name was looked up meanwhile. */
    private int lookups(String organization, String method, String path, String token, String body,
            int expectedStatus) {
        tenants.lookups.clear();
        HttpResponse<String> r = send(method, path, token, Map.of(), body);
        assertEquals(expectedStatus, r.statusCode(), method + " " + path + ": " + r.body());
        AtomicInteger n = tenants.lookups.get(organization);
        return n == null ? 0 : n.get();
    }

    @Test
    void eachRequestLooksItsOrganizationUpOnce() {
        String id = create("demo", "looked up once");
        String all = token("demo", TestTokens.ALL);
        String stu3 = "/organizations/demo/fhir/3/ImagingManifest";
        String r5 = "/organizations/demo/fhir/5/ImagingSelection";
        assertEquals(1, lookups("demo", "GET", stu3 + "/" + id, all, null, 200), "STU3 read");
        assertEquals(1, lookups("demo", "GET", r5 + "/" + id, all, null, 200), "R5 read");
        assertEquals(1, lookups("demo", "GET", stu3 + "?patient.identifier=PAT-KOS-1", all, null, 200), "search");
        assertEquals(1, lookups("demo", "POST", stu3, all, manifest("second"), 201), "create");
        assertEquals(1, lookups("demo", "GET", stu3 + "/" + id + "/_history", all, null, 200), "history");
        assertEquals(1, lookups("demo", "GET", "/organizations/demo/dicomweb/studies/" + STUDY_UID_FOR_TEST
                + "/series/2.25.1/instances/2.25.2/metadata", all, null, 404), "scoped DICOMweb, not selected");
        assertEquals(1, lookups("demo", "GET", "/organizations/demo/viewer/ImagingManifest/" + id, null, null, 200),
                "key-image page");
        // refused ones too: by security (another organization's token, no token) and by the FHIR server's filter
        assertEquals(1, lookups("demo", "GET", stu3 + "/" + id, token("other", TestTokens.ALL), null, 404),
                "another organization's token");
        assertEquals(1, lookups("demo", "GET", stu3 + "/" + id, null, null, 401), "no token");
        assertEquals(1, lookups("demo", "GET", "/organizations/demo/fhir/3/metadata", null, null, 200), "metadata");
        // the id names the same organization as the slug, and is looked up as written
        assertEquals(1, lookups("org-1", "GET", "/organizations/org-1/fhir/3/ImagingManifest/" + id,
                all, null, 200), "by id");
    }

    private static final String STUDY_UID_FOR_TEST = "2.25.111111111111111111111111111111111111";

    @Test
    void malformedAndForeignPathsKeepTheirAnswers() {
        String demo = token("demo", TestTokens.ALL);
        String notABase = "Not a FHIR base: use /organizations/{organization}/fhir/3 (STU3) or /fhir/5 (R5)";
        assertEquals(notABase, assertOperationOutcome(get("/organizations/demo/fhir/4/metadata", demo), 404,
                "not-found"));
        assertEquals(notABase, assertOperationOutcome(get("/organizations/demo/fhir", demo), 404, "not-found"));
        assertEquals(notABase, assertOperationOutcome(get("/organizations/demo", demo), 404, "not-found"));
        assertEquals(notABase, assertOperationOutcome(send("POST", "/organizations/demo/dicomweb/studies", demo,
                Map.of(), "{}"), 404, "not-found"));
        // an organization that does not exist, and one the token is not for: the same answer
        assertEquals("Unknown organization: nowhere", assertOperationOutcome(
                get("/organizations/nowhere/fhir/3/ImagingManifest", demo), 404, "not-found"));
        assertEquals("Unknown organization: other", assertOperationOutcome(
                get("/organizations/other/fhir/5/ImagingSelection", demo), 404, "not-found"));
        assertEquals("Unknown organization: nowhere", assertOperationOutcome(
                get("/organizations/nowhere/dicomweb/studies/1/series/2/instances/3", demo), 404, "not-found"));
        // discovery is answered for any name, known or not
        assertEquals(200, get("/organizations/nowhere/fhir/3/metadata", null).statusCode());
        assertEquals(200, get("/organizations/nowhere/fhir/5/.well-known/smart-configuration", null).statusCode());
        HttpResponse<String> postSmart = send("POST", "/organizations/demo/fhir/3/.well-known/smart-configuration",
                demo, Map.of(), "{}");
        assertOperationOutcome(postSmart, 405, "not-supported");
        assertEquals("GET, HEAD", postSmart.headers().firstValue("Allow").orElse(""));
        // the page path accepts exactly viewer/ImagingManifest/{id}: one segment more (a trailing slash) is none
        assertTrue(assertOperationOutcome(get("/organizations/demo/viewer/ImagingManifest/x/", null), 404, "not-found")
                .startsWith("No such page"));
        assertOperationOutcome(send("OPTIONS", "/organizations/demo/dicomweb/studies", demo, Map.of(), null), 405,
                "not-supported");
    }
}
