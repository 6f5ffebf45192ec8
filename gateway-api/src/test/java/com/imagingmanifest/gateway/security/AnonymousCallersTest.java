package com.imagingmanifest.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What a caller without a token can learn: nothing that tells a configured organization from a name
 * that is none, and no organization's name from health or metrics.
 */
class AnonymousCallersTest extends SecuredServerTest {

    private static final String KNOWN = "demo";
    private static final String UNKNOWN = "no-such-org";

    /** Status, content type, the challenge and the body with the organization's name (and the time) replaced. */
    private List<Object> answer(String method, String pathOf, String organization, String body) {
        HttpResponse<String> r = send(method, pathOf.replace("{org}", organization), null,
                body == null ? Map.of() : Map.of("Content-Type", "application/fhir+json"), body);
        return List.of(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""),
                r.headers().firstValue("WWW-Authenticate").orElse(""),
                // generated per request: its time and (R5) its id differ from one answer to the next
                r.body().replace(organization, "{org}").replaceFirst("\"date\":\"[^\"]*\"", "\"date\":\"*\"")
                        .replaceFirst("^\\{\"resourceType\":\"CapabilityStatement\",\"id\":\"[^\"]*\"",
                                "{\"resourceType\":\"CapabilityStatement\",\"id\":\"*\""));
    }

    @Test
    void knownAndUnknownOrganizationsAnswerAlike() {
        String[][] requests = {
            {"GET", "/organizations/{org}/fhir/3/metadata"},
            {"HEAD", "/organizations/{org}/fhir/3/metadata"},
            {"GET", "/organizations/{org}/fhir/3/.well-known/smart-configuration"},
            {"GET", "/organizations/{org}/fhir/3/ImagingManifest"},
            {"GET", "/organizations/{org}/fhir/3/ImagingManifest/42"},
            {"GET", "/organizations/{org}/fhir/3/ImagingManifest/_history"},
            {"GET", "/organizations/{org}/fhir/3/_history"},
            {"POST", "/organizations/{org}/fhir/3/ImagingManifest"},
            {"DELETE", "/organizations/{org}/fhir/3/ImagingManifest/42"},
            {"POST", "/organizations/{org}/fhir/3/metadata"},
            {"GET", "/organizations/{org}/fhir/4/metadata"},
            {"GET", "/organizations/{org}/fhir/5/metadata"},
            {"GET", "/organizations/{org}/fhir/5/.well-known/smart-configuration"},
            {"GET", "/organizations/{org}/fhir/5/ImagingSelection"},
            {"GET", "/organizations/{org}/viewer/ImagingManifest/42"},
            {"GET", "/organizations/{org}/viewer/assets/viewer.js"},
            {"GET", "/organizations/{org}/dicomweb/studies/1.2/series/1.3/instances/1.4"},
        };
        for (String[] r : requests) {
            String body = r[0].equals("POST") ? manifest("anonymous") : null;
            List<Object> known = answer(r[0], r[1], KNOWN, body);
            List<Object> unknown = answer(r[0], r[1], UNKNOWN, body);
            assertThat(unknown).as("%s %s", r[0], r[1]).isEqualTo(known);
        }
        // and the discovery documents do work for the known organization
        assertThat(answer("GET", "/organizations/{org}/fhir/3/metadata", KNOWN, null).get(0)).isEqualTo(200);
        assertThat(answer("GET", "/organizations/{org}/fhir/3/.well-known/smart-configuration", KNOWN, null).get(0))
                .isEqualTo(200);
        assertThat(answer("GET", "/organizations/{org}/fhir/5/metadata", KNOWN, null).get(0)).isEqualTo(200);
    }

    @Test
    void healthShowsOnlyTheStatusAndMetricsNeedTheAdminScope() throws Exception {
        HttpResponse<String> health = get("/actuator/health", null);
        JsonNode status = JSON.readTree(health.body());
        assertThat(status.has("components")).as(health.body()).isFalse();
        assertThat(health.body()).doesNotContain("demo").doesNotContain("other").doesNotContain("pacs");
        for (String path : List.of("/actuator/health/pacs", "/actuator/health/pacs/demo", "/actuator/health/pacs/nobody",
                "/actuator/prometheus")) {
            assertOperationOutcome(get(path, null), 401, "login");
            // an organization's own token is not enough: they span every organization
            assertThat(get(path, token("demo", TestTokens.ALL)).statusCode()).as(path).isEqualTo(403);
        }
        // the probes keep their components, which name no organization
        JsonNode readiness = JSON.readTree(get("/actuator/health/readiness", null).body());
        assertThat(readiness.path("components").has("db")).as(readiness.toString()).isTrue();

        String admin = token("demo", "gateway.admin");
        JsonNode full = JSON.readTree(get("/actuator/health", admin).body());
        assertThat(full.path("components").path("pacs").path("components").has("demo")).as(full.toString()).isTrue();
        assertThat(get("/actuator/health/pacs/demo", admin).statusCode()).isEqualTo(200);
        HttpResponse<String> scrape = get("/actuator/prometheus", admin);
        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.body()).contains("tenant=\"demo\"");
    }
}
