package com.imagingmanifest.gateway.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.PatchTypeEnum;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.hl7.fhir.dstu3.model.Bundle;
import org.hl7.fhir.dstu3.model.IdType;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.hl7.fhir.dstu3.model.OperationOutcome;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The tenant wall, through HAPI's generic client: a token of organization {@code other} can neither
 * read, search, see the history of, nor write organization {@code demo}'s manifests, by id or by slug,
 * and every attempt is answered exactly like a request to an organization that does not exist.
 */
class CrossOrganizationTest extends SecuredServerTest {

    private final FhirContext fhir = FhirContext.forDstu3Cached();
    private String demoId;

    @BeforeEach
    void aManifestInDemo() {
        fhir.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        demoId = create("demo", "belongs to demo");
    }

    private IGenericClient client(String organization, String token) {
        IGenericClient client = fhir.newRestfulGenericClient(uri("/organizations/" + organization + "/fhir/3").toString());
        client.registerInterceptor(new BearerTokenAuthInterceptor(token));
        return client;
    }

    @Test
    void ownerCanDoEverything() {
        IGenericClient owner = client("demo", token("demo", TestTokens.ALL));
        ImagingManifest read = owner.read().resource(ImagingManifest.class).withId(demoId).execute();
        assertEquals("belongs to demo", read.getDescription());
        Bundle search = owner.search().forResource(ImagingManifest.class).returnBundle(Bundle.class).execute();
        assertTrue(search.getEntry().stream().anyMatch(e -> e.getResource().getIdElement().getIdPart().equals(demoId)));
        Bundle history = owner.history().onInstance(new IdType("ImagingManifest", demoId))
                .returnBundle(Bundle.class).execute();
        assertEquals(1, history.getEntry().size());
    }

    @Test
    void otherOrganizationCanNeitherReadSearchHistoryNorWrite() {
        String otherToken = token("other", TestTokens.ALL);
        ImagingManifest update = fhir.newJsonParser().parseResource(ImagingManifest.class, manifest("hijacked"));
        update.setId(demoId);
        Map<String, Consumer<IGenericClient>> attempts = new LinkedHashMap<>();
        attempts.put("read", c -> c.read().resource(ImagingManifest.class).withId(demoId).execute());
        attempts.put("vread", c -> c.read().resource(ImagingManifest.class).withId(new IdType("ImagingManifest", demoId, "1")).execute());
        attempts.put("search", c -> c.search().forResource(ImagingManifest.class).returnBundle(Bundle.class).execute());
        attempts.put("search by _id", c -> c.search().forResource(ImagingManifest.class)
                .where(new ca.uhn.fhir.rest.gclient.TokenClientParam("_id").exactly().code(demoId))
                .returnBundle(Bundle.class).execute());
        attempts.put("search by POST", c -> c.search().forResource(ImagingManifest.class).usingStyle(
                ca.uhn.fhir.rest.api.SearchStyleEnum.POST).returnBundle(Bundle.class).execute());
        attempts.put("history-instance", c -> c.history().onInstance(new IdType("ImagingManifest", demoId))
                .returnBundle(Bundle.class).execute());
        attempts.put("history-type", c -> c.history().onType(ImagingManifest.class).returnBundle(Bundle.class).execute());
        attempts.put("create", c -> c.create().resource(manifest("planted")).execute());
        attempts.put("update", c -> c.update().resource(update).execute());
        attempts.put("patch", c -> c.patch().withBody("[{\"op\":\"replace\",\"path\":\"/description\",\"value\":\"x\"}]")
                .withId(new IdType("ImagingManifest", demoId)).execute());
        attempts.put("delete", c -> c.delete().resourceById(new IdType("ImagingManifest", demoId)).execute());

        String unknownBody = get("/organizations/no-such-org/fhir/3/ImagingManifest/" + demoId, otherToken).body();
        for (String base : List.of("demo", "org-1")) {
            IGenericClient intruder = client(base, otherToken);
            attempts.forEach((name, attempt) -> {
                BaseServerResponseException e = assertThrows(BaseServerResponseException.class,
                        () -> attempt.accept(intruder), name + " via " + base);
                assertEquals(404, e.getStatusCode(), name + " via " + base + ": " + e.getMessage());
                OperationOutcome outcome = (OperationOutcome) e.getOperationOutcome();
                assertEquals("Unknown organization: " + base, outcome.getIssueFirstRep().getDiagnostics(), name);
            });
            HttpResponse<String> raw = get("/organizations/" + base + "/fhir/3/ImagingManifest/" + demoId, otherToken);
            assertEquals(unknownBody.replace("no-such-org", base), raw.body(), "same body as a missing organization");
        }

        // nothing changed: still one version, still demo's description
        IGenericClient owner = client("demo", token("demo", TestTokens.ALL));
        ImagingManifest after = owner.read().resource(ImagingManifest.class).withId(demoId).execute();
        assertEquals("belongs to demo", after.getDescription());
        assertEquals("1", after.getMeta().getVersionId());
    }

    @Test
    void ownOrganizationDoesNotContainTheOthersResources() {
        IGenericClient other = client("other", token("other", TestTokens.ALL));
        BaseServerResponseException e = assertThrows(BaseServerResponseException.class,
                () -> other.read().resource(ImagingManifest.class).withId(demoId).execute());
        assertEquals(404, e.getStatusCode());
        Bundle search = other.search().forResource(ImagingManifest.class)
                .where(new ca.uhn.fhir.rest.gclient.TokenClientParam("_id").exactly().code(demoId))
                .returnBundle(Bundle.class).execute();
        assertEquals(0, search.getEntry().size());
        MethodOutcome created = other.create().resource(manifest("belongs to other")).execute();
        assertTrue(created.getCreated());
        BaseServerResponseException fromDemo = assertThrows(BaseServerResponseException.class,
                () -> client("demo", token("demo", TestTokens.ALL)).read().resource(ImagingManifest.class)
                        .withId(created.getId().getIdPart()).execute());
        assertEquals(404, fromDemo.getStatusCode());
    }
}
