package com.imagingmanifest.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.util.VersionUtil;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.Map;
import org.hl7.fhir.dstu3.model.CapabilityStatement;
import org.hl7.fhir.dstu3.model.CapabilityStatement.CapabilityStatementRestSecurityComponent;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.info.BuildProperties;

/**
 * The CapabilityStatement and the SMART discovery document of a gateway with its embedded issuer, read
 * as a client reads them (HAPI's generic client, plain HTTP without a token).
 */
class SmartDiscoveryTest extends SecuredServerTest {

    @Autowired
    BuildProperties build;

    private CapabilityStatement metadata(String org) {
        return FhirContext.forDstu3Cached().newRestfulGenericClient(uri("/organizations/" + org + "/fhir/3").toString())
                .capabilities().ofType(CapabilityStatement.class).execute();
    }

    @Test
    void softwareVersionIsTheGatewaysNotHapis() {
        CapabilityStatement cs = metadata("demo");
        assertThat(build.getVersion()).isNotBlank();
        assertThat(cs.getSoftware().getVersion()).isEqualTo(build.getVersion()).isNotEqualTo(VersionUtil.getVersion());
        assertThat(cs.getSoftware().getName()).isEqualTo("Imaging Manifest Gateway");
    }

    @Test
    void restSecurityDeclaresSmartOnFhirAndNoCors() {
        CapabilityStatementRestSecurityComponent security = metadata("demo").getRestFirstRep().getSecurity();
        assertThat(security.getCors()).isFalse();   // gateway.cors.allowed-origins is not set here
        assertThat(security.getService()).singleElement().satisfies(service -> {
            assertThat(service.getCodingFirstRep().getSystem()).isEqualTo("http://hl7.org/fhir/restful-security-service");
            assertThat(service.getCodingFirstRep().getCode()).isEqualTo("SMART-on-FHIR");
        });
        assertThat(security.getDescription()).contains("./gateway token").contains(".well-known/smart-configuration");
        // the embedded issuer has no OAuth endpoint to announce
        assertThat(security.getExtensionsByUrl("http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris")).isEmpty();
    }

    @Test
    void smartConfigurationIsServedPerBaseWithoutAToken() throws Exception {
        for (String base : new String[] {"/organizations/demo/fhir/3", "/organizations/org-2/fhir/3"}) {
            HttpResponse<String> r = get(base + "/.well-known/smart-configuration", null);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
            JsonNode doc = JSON.readTree(r.body());
            assertThat(doc.path("capabilities").isArray()).isTrue();
            assertThat(doc.path("capabilities").toString()).contains("permission-v1");
            assertThat(doc.path("grant_types_supported").isArray()).isTrue();
            assertThat(doc.path("code_challenge_methods_supported").toString()).doesNotContain("plain");
            assertThat(doc.path("scopes_supported").toString()).contains("user/ImagingManifest.read");
            assertThat(doc.has("token_endpoint")).as("no OAuth endpoint with the embedded issuer").isFalse();
        }
        // the same document for a name that is no organization: discovery does not tell which exist
        assertThat(get("/organizations/nobody/fhir/3/.well-known/smart-configuration", null).body())
                .isEqualTo(get("/organizations/demo/fhir/3/.well-known/smart-configuration", null).body());
        HttpResponse<String> post = send("POST", "/organizations/demo/fhir/3/.well-known/smart-configuration",
                token("demo", TestTokens.ALL), Map.of("Content-Type", "application/json"), "{}");
        assertOperationOutcome(post, 405, "not-supported");
    }
}
