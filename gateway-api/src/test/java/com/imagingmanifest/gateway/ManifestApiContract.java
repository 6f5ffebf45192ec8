package com.imagingmanifest.gateway;

import static com.imagingmanifest.gateway.ApiTestSupport.DEMO_ID;
import static com.imagingmanifest.gateway.ApiTestSupport.DEMO_SLUG;
import static com.imagingmanifest.gateway.ApiTestSupport.DOWN_SLUG;
import static com.imagingmanifest.gateway.ApiTestSupport.OTHER_SLUG;
import static com.imagingmanifest.gateway.ApiTestSupport.base;
import static com.imagingmanifest.gateway.ApiTestSupport.client;
import static com.imagingmanifest.gateway.ApiTestSupport.get;
import static com.imagingmanifest.gateway.ApiTestSupport.json;
import static com.imagingmanifest.gateway.ApiTestSupport.manifest;
import static com.imagingmanifest.gateway.ApiTestSupport.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.PatchTypeEnum;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import com.imagingmanifest.gateway.ApiTestSupport.Study;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.dstu3.model.Bundle;
import org.hl7.fhir.dstu3.model.CapabilityStatement;
import org.hl7.fhir.dstu3.model.Endpoint;
import org.hl7.fhir.dstu3.model.IdType;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.hl7.fhir.dstu3.model.OperationOutcome;
import org.hl7.fhir.dstu3.model.Reference;
import org.hl7.fhir.dstu3.model.Resource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The ImagingManifest API as clients see it (issue 7), run by subclasses against each store and
 * PACS set-up. Each test makes its own study so tests never see each other's manifests.
 */
abstract class ManifestApiContract {
    static final String FHIR_JSON = "application/fhir+json";

    @LocalServerPort
    int port;

    /** Puts a new study on the PACS (so that its context exists) and describes it. */
    protected abstract Study newStudy(String patientId);

    /** True when the PACS holds the KOS with this SOP Instance UID (in {@code study}). */
    protected abstract boolean kosOnPacs(String studyUid, String sopUid);

    /**
     * True when the KOS no longer counts on the PACS by the binding's superseded policy: deleted
     * (the default here), or, where the PACS cannot delete, referenced by a rejection note.
     */
    protected boolean kosRetired(String studyUid, String sopUid) {
        return !kosOnPacs(studyUid, sopUid);
    }

    /** Checks a KOS the gateway stored (e.g. with dciodvfy); fails the test if it is not right. */
    protected abstract void verifyKos(String studyUid, String sopUid);

    IGenericClient demo() {
        return client(port, DEMO_SLUG);
    }

    static String kosUid(ImagingManifest m) {
        assertThat(m.getIdentifier().getSystem()).isEqualTo("urn:dicom:uid");
        return m.getIdentifier().getValue().substring("urn:oid:".length());
    }

    private int typeHistorySize(String org) {
        // Bundle.total is counted only when asked for (_total=accurate): every other page reads one page of rows
        HttpResponse<String> history = get(base(port, org) + "/ImagingManifest/_history?_total=accurate&_count=1");
        assertThat(history.statusCode()).as(history.body()).isEqualTo(200);
        return ApiTestSupport.CLIENT_FHIR.newJsonParser().parseResource(Bundle.class, history.body()).getTotal();
    }

    static OperationOutcome outcome(HttpResponse<String> response) {
        assertThat(response.headers().firstValue("Content-Type").orElse("")).contains("fhir+json");
        return ApiTestSupport.CLIENT_FHIR.newJsonParser().parseResource(OperationOutcome.class, response.body());
    }

    // ---- create, read, vread

    @Test
    void createStoresKosInTheStudyAndReadAddsTheDicomWebEndpoint() {
        Study study = newStudy("PAT-C1");
        MethodOutcome created = demo().create().resource(manifest(study, 2, "create")).execute();
        assertThat(created.getCreated()).isTrue();
        IdType id = (IdType) created.getId();
        assertThat(id.getVersionIdPart()).isEqualTo("1");

        ImagingManifest read = demo().read().resource(ImagingManifest.class).withId(id.getIdPart()).execute();
        String kos = kosUid(read);
        assertThat(kosOnPacs(study.studyUid(), kos)).isTrue();
        verifyKos(study.studyUid(), kos);
        assertThat(read.getDescription()).isEqualTo("create");
        assertThat(read.getMeta().getVersionId()).isEqualTo("1");
        ImagingManifest.SeriesComponent series = read.getStudyFirstRep().getSeriesFirstRep();
        assertThat(series.getInstance()).hasSize(2);
        assertThat(series.getEndpoint()).hasSize(1);
        Endpoint endpoint = (Endpoint) read.getContained().stream().filter(r -> r instanceof Endpoint)
                .findFirst().orElseThrow();
        assertThat(endpoint.getConnectionType().getCode()).isEqualTo("dicom-wado-rs");
        assertThat(endpoint.getAddress()).contains("/dicom-web");

        ImagingManifest v1 = demo().read().resource(ImagingManifest.class)
                .withIdAndVersion(id.getIdPart(), "1").execute();
        assertThat(v1.getIdElement().getVersionIdPart()).isEqualTo("1");
    }

    @Test
    void aClientGivenKosUidNamesTheKosOnceAndIsRefusedWhenItNamesAStoredOne() {
        Study study = newStudy("PAT-U1");
        String uid = com.imagingmanifest.dicom.data.Uid.generate();
        ImagingManifest first = manifest(study, 1, "client uid");
        first.getIdentifier().setSystem("urn:dicom:uid").setValue("urn:oid:" + uid);
        MethodOutcome created = demo().create().resource(first).execute();
        ImagingManifest read = demo().read().resource(ImagingManifest.class)
                .withId(created.getId().getIdPart()).execute();
        assertThat(kosUid(read)).isEqualTo(uid);
        assertThat(kosOnPacs(study.studyUid(), uid)).isTrue();

        int before = typeHistorySize(DEMO_SLUG);
        ImagingManifest second = manifest(study, 1, "same uid again");
        second.getIdentifier().setSystem("urn:dicom:uid").setValue("urn:oid:" + uid);
        HttpResponse<String> refused = send("POST", base(port, DEMO_SLUG) + "/ImagingManifest", FHIR_JSON,
                json(second), Map.of());
        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(outcome(refused).getIssueFirstRep().getDiagnostics()).contains(uid);
        assertThat(typeHistorySize(DEMO_SLUG)).isEqualTo(before);
    }

    @Test
    void headersOfCreateAndReadFollowFhirHttp() {
        Study study = newStudy("PAT-H1");
        HttpResponse<String> created = send("POST", base(port, DEMO_SLUG) + "/ImagingManifest", FHIR_JSON,
                json(manifest(study, 1, "headers")), Map.of());
        assertThat(created.statusCode()).isEqualTo(201);
        String location = created.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith(base(port, DEMO_SLUG) + "/ImagingManifest/").endsWith("/_history/1");
        assertThat(created.headers().firstValue("ETag")).contains("W/\"1\"");
        String id = new IdType(location).getIdPart();

        HttpResponse<String> read = get(base(port, DEMO_ID) + "/ImagingManifest/" + id);
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.headers().firstValue("ETag")).contains("W/\"1\"");
        assertThat(read.headers().firstValue("Last-Modified")).isPresent();
        assertThat(read.headers().firstValue("Content-Type").orElse("")).contains("application/fhir+json");
        // the body leaves whole, with its length, not flushed value by value in HTTP chunks
        assertThat(read.headers().firstValue("Transfer-Encoding")).isEmpty();
        assertThat(read.headers().firstValue("Content-Length"))
                .contains(Integer.toString(read.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length));

        HttpResponse<String> asJson = send("GET", base(port, DEMO_SLUG) + "/ImagingManifest/" + id, null, null,
                Map.of("Accept", "application/json"));
        assertThat(asJson.statusCode()).isEqualTo(200);
        HttpResponse<String> asXml = send("GET", base(port, DEMO_SLUG) + "/ImagingManifest/" + id
                + "?_format=xml", null, null, Map.of());
        assertThat(asXml.body()).contains("<ImagingManifest");
        assertThat(asXml.headers().firstValue("Transfer-Encoding")).isEmpty();

        HttpResponse<String> minimal = send("POST", base(port, DEMO_SLUG) + "/ImagingManifest", FHIR_JSON,
                json(manifest(study, 1, "minimal")), Map.of("Prefer", "return=minimal"));
        assertThat(minimal.statusCode()).isEqualTo(201);
        assertThat(minimal.body()).isEmpty();
        HttpResponse<String> representation = send("POST", base(port, DEMO_SLUG) + "/ImagingManifest",
                "application/json+fhir", json(manifest(study, 1, "repr")), Map.of("Prefer", "return=representation"));
        assertThat(representation.statusCode()).isEqualTo(201);
        assertThat(representation.body()).contains("\"repr\"");
    }

    @Test
    void idAndSlugNameTheSameOrganization() {
        Study study = newStudy("PAT-S1");
        IdType id = (IdType) client(port, DEMO_ID).create().resource(manifest(study, 1, "by id")).execute().getId();
        ImagingManifest bySlug = client(port, DEMO_SLUG).read().resource(ImagingManifest.class)
                .withId(id.getIdPart()).execute();
        assertThat(bySlug.getDescription()).isEqualTo("by id");
    }

    @Test
    void unknownOrganizationAndUnknownIdAre404OperationOutcomes() {
        HttpResponse<String> org = get(base(port, "nobody") + "/ImagingManifest/x");
        assertThat(org.statusCode()).isEqualTo(404);
        assertThat(outcome(org).getIssueFirstRep().getDiagnostics()).contains("nobody");
        HttpResponse<String> id = get(base(port, DEMO_SLUG) + "/ImagingManifest/does-not-exist");
        assertThat(id.statusCode()).isEqualTo(404);
        assertThat(outcome(id).getIssue()).isNotEmpty();
        HttpResponse<String> notFhir = get("http://127.0.0.1:" + port + "/organizations/demo/other/ImagingManifest");
        assertThat(notFhir.statusCode()).isEqualTo(404);
    }

    @Test
    void organizationsAreIsolated() {
        Study study = newStudy("PAT-I1");
        IdType id = (IdType) demo().create().resource(manifest(study, 1, "isolated")).execute().getId();
        IGenericClient other = client(port, OTHER_SLUG);
        assertThatThrownBy(() -> other.read().resource(ImagingManifest.class).withId(id.getIdPart()).execute())
                .isInstanceOf(ResourceNotFoundException.class);
        Bundle found = other.search().forResource(ImagingManifest.class)
                .where(ImagingManifest.SELECTED_STUDY.matches().value(study.studyUid()))
                .returnBundle(Bundle.class).execute();
        assertThat(found.getEntry()).isEmpty();
        HttpResponse<String> delete = send("DELETE", base(port, OTHER_SLUG) + "/ImagingManifest/" + id.getIdPart(),
                null, null, Map.of());
        assertThat(delete.statusCode()).isEqualTo(404);
        assertThat(demo().read().resource(ImagingManifest.class).withId(id.getIdPart()).execute()).isNotNull();
    }

    // ---- update, If-Match, patch, delete

    @Test
    void updateWritesANewKosAndRemovesTheSupersededOne() {
        Study study = newStudy("PAT-U1");
        IdType id = (IdType) demo().create().resource(manifest(study, 1, "v1")).execute().getId();
        ImagingManifest v1 = demo().read().resource(ImagingManifest.class).withId(id.getIdPart()).execute();
        String kos1 = kosUid(v1);

        v1.setDescription("v2");
        v1.getStudyFirstRep().getSeriesFirstRep().addInstance().setSopClass("urn:oid:" + study.sopClassUid())
                .setUid("urn:oid:" + study.sopUids().get(1));
        MethodOutcome updated = demo().update().resource(v1).withId(id.getIdPart()).execute();
        assertThat(updated.getId().getVersionIdPart()).isEqualTo("2");

        ImagingManifest v2 = demo().read().resource(ImagingManifest.class).withId(id.getIdPart()).execute();
        String kos2 = kosUid(v2);
        assertThat(kos2).isNotEqualTo(kos1);
        assertThat(v2.getDescription()).isEqualTo("v2");
        assertThat(kosOnPacs(study.studyUid(), kos2)).isTrue();
        verifyKos(study.studyUid(), kos2);
        assertThat(kosRetired(study.studyUid(), kos1)).isTrue();
        // the client re-sent the contained endpoints (dicom-wado-rs, and the ihe-iid key-image page):
        // still one of each, one reference per series and per study, not two
        assertThat(v2.getContained()).hasSize(2);
        assertThat(v2.getStudyFirstRep().getSeriesFirstRep().getEndpoint()).hasSize(1);
        assertThat(v2.getStudyFirstRep().getEndpoint()).hasSize(1);
    }

    @Test
    void ifMatchMismatchIs412AndChangesNothing() {
        Study study = newStudy("PAT-M1");
        IdType id = (IdType) demo().create().resource(manifest(study, 1, "v1")).execute().getId();
        ImagingManifest current = demo().read().resource(ImagingManifest.class).withId(id.getIdPart()).execute();
        current.setDescription("stale");
        HttpResponse<String> stale = send("PUT", base(port, DEMO_SLUG) + "/ImagingManifest/" + id.getIdPart(),
                FHIR_JSON, json(current), Map.of("If-Match", "W/\"7\""));
        assertThat(stale.statusCode()).isEqualTo(412);
        assertThat(outcome(stale).getIssue()).isNotEmpty();
        HttpResponse<String> fresh = send("PUT", base(port, DEMO_SLUG) + "/ImagingManifest/" + id.getIdPart(),
                FHIR_JSON, json(current), Map.of("If-Match", "W/\"1\""));
        assertThat(fresh.statusCode()).isEqualTo(200);
        assertThat(fresh.headers().firstValue("ETag")).contains("W/\"2\"");
        assertThatThrownBy(() -> demo().update().resource(current).withId(id.getIdPart())
                .withAdditionalHeader("If-Match", "W/\"1\"").execute())
                .isInstanceOf(PreconditionFailedException.class);
    }

    @Test
    void updateWithAnotherIdIs400() {
        Study study = newStudy("PAT-P1");
        IdType id = (IdType) demo().create().resource(manifest(study, 1, "v1")).execute().getId();
        ImagingManifest current = demo().read().resource(ImagingManifest.class).withId(id.getIdPart()).execute();
        current.setId("someone-else");
        HttpResponse<String> response = send("PUT", base(port, DEMO_SLUG) + "/ImagingManifest/" + id.getIdPart(),
                FHIR_JSON, json(current), Map.of());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(outcome(response).getIssue()).isNotEmpty();
        assertThat(versionOf(id)).isEqualTo("1");
    }

    private String versionOf(IdType id) {
        return demo().read().resource(ImagingManifest.class).withId(id.getIdPart()).execute().getMeta()
                .getVersionId();
    }

    @Test
    void jsonPatchMakesANewVersionAndBadPatchesChangeNothing() {
        Study study = newStudy("PAT-J1");
        IdType id = (IdType) demo().create().resource(manifest(study, 1, "before")).execute().getId();
        String url = base(port, DEMO_SLUG) + "/ImagingManifest/" + id.getIdPart();
        String patchType = "application/json-patch+json";

        HttpResponse<String> patched = send("PATCH", url, patchType,
                "[{\"op\":\"replace\",\"path\":\"/description\",\"value\":\"after\"}]", Map.of());
        assertThat(patched.statusCode()).isEqualTo(200);
        ImagingManifest v2 = demo().read().resource(ImagingManifest.class).withId(id.getIdPart()).execute();
        assertThat(v2.getDescription()).isEqualTo("after");
        assertThat(v2.getMeta().getVersionId()).isEqualTo("2");
        assertThat(kosOnPacs(study.studyUid(), kosUid(v2))).isTrue();

        MethodOutcome byClient = demo().patch().withBody(
                "[{\"op\":\"replace\",\"path\":\"/description\",\"value\":\"client\"}]")
                .withId(id.toUnqualifiedVersionless()).execute();
        assertThat(byClient.getId().getVersionIdPart()).isEqualTo("3");

        HttpResponse<String> notAPatch = send("PATCH", url, patchType, "{\"op\":\"replace\"}", Map.of());
        assertThat(notAPatch.statusCode()).isEqualTo(400);
        assertThat(outcome(notAPatch).getIssue()).isNotEmpty();
        HttpResponse<String> badOp = send("PATCH", url, patchType, "[{\"op\":\"frobnicate\",\"path\":\"/x\"}]",
                Map.of());
        assertThat(badOp.statusCode()).isEqualTo(400);
        HttpResponse<String> missingPath = send("PATCH", url, patchType,
                "[{\"op\":\"remove\",\"path\":\"/nothing/here\"}]", Map.of());
        assertThat(missingPath.statusCode()).isIn(400, 422);
        HttpResponse<String> breaking = send("PATCH", url, patchType,
                "[{\"op\":\"add\",\"path\":\"/notAnElement\",\"value\":1}]", Map.of());
        assertThat(breaking.statusCode()).isIn(400, 422);
        assertThat(outcome(breaking).getIssue()).isNotEmpty();
        HttpResponse<String> noStudy = send("PATCH", url, patchType, "[{\"op\":\"remove\",\"path\":\"/study\"}]",
                Map.of());
        assertThat(noStudy.statusCode()).isIn(400, 422);
        HttpResponse<String> stale = send("PATCH", url, patchType,
                "[{\"op\":\"replace\",\"path\":\"/description\",\"value\":\"x\"}]", Map.of("If-Match", "W/\"1\""));
        assertThat(stale.statusCode()).isEqualTo(412);
        assertThat(versionOf(id)).isEqualTo("3");
    }

    @Test
    void deleteRemovesTheKosAndLaterReadsAreGone() {
        Study study = newStudy("PAT-D1");
        IdType id = (IdType) demo().create().resource(manifest(study, 1, "doomed")).execute().getId();
        String kos = kosUid(demo().read().resource(ImagingManifest.class).withId(id.getIdPart()).execute());
        demo().delete().resourceById("ImagingManifest", id.getIdPart()).execute();
        assertThatThrownBy(() -> demo().read().resource(ImagingManifest.class).withId(id.getIdPart()).execute())
                .isInstanceOf(ResourceGoneException.class);
        HttpResponse<String> gone = get(base(port, DEMO_SLUG) + "/ImagingManifest/" + id.getIdPart());
        assertThat(gone.statusCode()).isEqualTo(410);
        assertThat(outcome(gone).getIssue()).isNotEmpty();
        assertThat(kosRetired(study.studyUid(), kos)).isTrue();

        Bundle history = demo().history().onInstance(id.withVersion(null)).returnBundle(Bundle.class).execute();
        assertThat(history.getEntry()).hasSize(2);
        assertThat(history.getEntry().get(0).getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.DELETE);
        assertThat(history.getEntry().get(0).hasResource()).isFalse();
        assertThat(history.getEntry().get(1).getResource()).isInstanceOf(ImagingManifest.class);
        Bundle search = demo().search().forResource(ImagingManifest.class)
                .where(ImagingManifest.RES_ID.exactly().code(id.getIdPart())).returnBundle(Bundle.class).execute();
        assertThat(search.getEntry()).isEmpty();
    }

    // ---- history

    @Test
    void historyIsNewestFirstWithCountAndInclusiveSince() throws Exception {
        Study study = newStudy("PAT-HI1");
        IdType id = (IdType) demo().create().resource(manifest(study, 1, "h1")).execute().getId();
        String url = base(port, DEMO_SLUG) + "/ImagingManifest/" + id.getIdPart();
        Thread.sleep(5); // distinct lastUpdated per version
        send("PATCH", url, "application/json-patch+json",
                "[{\"op\":\"replace\",\"path\":\"/description\",\"value\":\"h2\"}]", Map.of());
        Thread.sleep(5);
        send("PATCH", url, "application/json-patch+json",
                "[{\"op\":\"replace\",\"path\":\"/description\",\"value\":\"h3\"}]", Map.of());

        Bundle all = demo().history().onInstance(id.withVersion(null)).returnBundle(Bundle.class).execute();
        assertThat(all.getType()).isEqualTo(Bundle.BundleType.HISTORY);
        assertThat(all.getEntry()).extracting(e -> e.getResource().getMeta().getVersionId())
                .containsExactly("3", "2", "1");
        assertThat(all.getEntry().get(2).getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.POST);
        assertThat(all.getEntry().get(0).getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.PUT);

        Bundle firstPage = demo().history().onInstance(id.withVersion(null)).returnBundle(Bundle.class).count(2)
                .execute();
        assertThat(firstPage.getEntry()).hasSize(2);
        assertThat(firstPage.hasTotal()).as("not counted unless _total=accurate").isFalse();
        assertThat(firstPage.getLink("next")).isNotNull();
        Bundle secondPage = demo().loadPage().next(firstPage).execute();
        assertThat(firstPage.getLink("next").getUrl()).as("next link").startsWith(base(port, DEMO_SLUG));
        assertThat(secondPage.getEntry()).as(firstPage.getLink("next").getUrl()).extracting(e -> e.getResource().getMeta().getVersionId())
                .containsExactly("1");
        assertThat(secondPage.getLink("next")).as("no link to an empty page").isNull();

        java.util.Date v2Time = all.getEntry().get(1).getResource().getMeta().getLastUpdated();
        Bundle since = demo().history().onInstance(id.withVersion(null)).returnBundle(Bundle.class).since(v2Time)
                .execute();
        assertThat(since.getEntry()).extracting(e -> e.getResource().getMeta().getVersionId())
                .containsExactly("3", "2");

        Bundle typeHistory = demo().history().onType(ImagingManifest.class).returnBundle(Bundle.class)
                .since(v2Time).execute();
        assertThat(typeHistory.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart())
                .contains(id.getIdPart());
    }

    // ---- conditional create

    @Test
    void ifNoneExistReturnsTheExistingManifest() {
        Study study = newStudy("PAT-CC1");
        ImagingManifest m = manifest(study, 1, "conditional");
        MethodOutcome first = demo().create().resource(m).conditionalByUrl(
                "ImagingManifest?selected-study=" + study.studyUid()).execute();
        assertThat(first.getCreated()).isTrue();
        MethodOutcome second = demo().create().resource(manifest(study, 1, "conditional")).conditionalByUrl(
                "ImagingManifest?selected-study=" + study.studyUid()).execute();
        assertThat(second.getCreated()).isNotEqualTo(Boolean.TRUE);
        assertThat(second.getId().getIdPart()).isEqualTo(first.getId().getIdPart());
        HttpResponse<String> raw = send("POST", base(port, DEMO_SLUG) + "/ImagingManifest", FHIR_JSON,
                json(manifest(study, 1, "conditional")), Map.of("If-None-Exist", "selected-study=" + study.studyUid()));
        assertThat(raw.statusCode()).isEqualTo(200);
        assertThat(raw.headers().firstValue("Location").orElse("")).contains(first.getId().getIdPart());
        HttpResponse<String> badCondition = send("POST", base(port, DEMO_SLUG) + "/ImagingManifest", FHIR_JSON,
                json(manifest(study, 1, "conditional")), Map.of("If-None-Exist", "colour=red"));
        assertThat(badCondition.statusCode()).isEqualTo(400);
        Bundle found = demo().search().forResource(ImagingManifest.class)
                .where(ImagingManifest.SELECTED_STUDY.matches().value(study.studyUid()))
                .returnBundle(Bundle.class).execute();
        assertThat(found.getEntry()).hasSize(1);
    }

    // ---- search

    @Test
    void eachSearchParameterFindsTheManifest() {
        Study study = newStudy("PAT-Q1");
        ImagingManifest m = manifest(study, 1, "searchable");
        m.setLanguage("de");
        m.setPatient(new Reference("Patient/p-" + study.studyUid().hashCode()).setIdentifier(
                m.getPatient().getIdentifier()));
        m.setAuthor(new Reference("Practitioner/doc-" + study.studyUid().hashCode()));
        m.getStudyFirstRep().setImagingStudy(new Reference("ImagingStudy/is-" + study.studyUid().hashCode()));
        m.getStudyFirstRep().addEndpoint(new Reference("Endpoint/ep-" + study.studyUid().hashCode()));
        IdType id = (IdType) demo().create().resource(m).execute().getId();
        ImagingManifest stored = demo().read().resource(ImagingManifest.class).withId(id.getIdPart()).execute();
        String h = Integer.toString(study.studyUid().hashCode());
        String s = base(port, DEMO_SLUG) + "/ImagingManifest?";

        List<String> queries = List.of(
                "_id=" + id.getIdPart(),
                "selected-study=" + study.studyUid(),
                "selected-study=urn:oid:" + study.studyUid(),
                "identifier=urn:dicom:uid|urn:oid:" + kosUid(stored),
                "identifier=urn:oid:" + kosUid(stored),
                "patient=Patient/p-" + h,
                "patient=p-" + h,
                "patient.identifier=" + study.patientId(),
                "patient.identifier=" + (study.issuer() == null ? "" : study.issuer()) + "|" + study.patientId(),
                "author=Practitioner/doc-" + h,
                "imaging-study=ImagingStudy/is-" + h,
                "endpoint=Endpoint/ep-" + h,
                "_language=de",
                "authoring-time=2024-01-15",
                "authoring-time=eq2024-01-15T10:15:00+01:00",
                "authoring-time=ge2024-01-01&authoring-time=le2024-12-31",
                "authoring-time=gt2024-01-14",
                "authoring-time=lt2024-01-16",
                "authoring-time=sa2023-12-31",
                "authoring-time=eb2024-02",
                "authoring-time=ap2024-01-15",
                "authoring-time=ne2023",
                "_lastUpdated=ge2020-01-01");
        for (String query : queries) {
            HttpResponse<String> response = get(s + query.replace("|", "%7C").replace("+", "%2B") + "&selected-study="
                    + study.studyUid());
            assertThat(response.statusCode()).as(query).isEqualTo(200);
            Bundle bundle = ApiTestSupport.CLIENT_FHIR.newJsonParser().parseResource(Bundle.class, response.body());
            assertThat(bundle.getEntry()).as(query).extracting(e -> e.getResource().getIdElement().getIdPart())
                    .containsExactly(id.getIdPart());
        }
        List<String> misses = List.of("authoring-time=lt2024-01-15", "authoring-time=gt2024-01-16",
                "authoring-time=eq2024-01-16", "authoring-time=ne2024-01-15T10:15:00+01:00",
                "patient.identifier=nobody", "_language=fr", "author=Practitioner/other",
                "authoring-time=sa2024-01-15", "authoring-time=eb2024-01-15");
        for (String query : misses) {
            HttpResponse<String> response = get(s + query.replace("+", "%2B") + "&selected-study="
                    + study.studyUid());
            assertThat(response.statusCode()).as(query).isEqualTo(200);
            Bundle bundle = ApiTestSupport.CLIENT_FHIR.newJsonParser().parseResource(Bundle.class, response.body());
            assertThat(bundle.getEntry()).as(query).isEmpty();
        }
        // '|' unencoded in the query, as curl users write it (java.net.URI refuses it: raw socket)
        assertThat(rawStatusLine("/organizations/demo/fhir/3/ImagingManifest?patient.identifier="
                + study.issuer() + "|" + study.patientId() + "&_id=" + id.getIdPart())).contains(" 200 ");
    }

    @Test
    void searchByPostCombinesUrlAndBodyParameters() {
        Study study = newStudy("PAT-PS1");
        IdType a = (IdType) demo().create().resource(manifest(study, 1, "a")).execute().getId();
        IdType b = (IdType) demo().create().resource(manifest(study, 1, "b")).execute().getId();
        String url = base(port, DEMO_SLUG) + "/ImagingManifest/_search?selected-study=" + study.studyUid();

        HttpResponse<String> form = send("POST", url, "application/x-www-form-urlencoded",
                "_id=" + a.getIdPart(), Map.of());
        assertThat(ids(form)).containsExactly(a.getIdPart());
        HttpResponse<String> object = send("POST", url, "application/json",
                "{\"_id\": [\"" + a.getIdPart() + "," + b.getIdPart() + "\"], \"_sort\": \"_id\"}", Map.of());
        assertThat(ids(object)).containsExactlyInAnyOrder(a.getIdPart(), b.getIdPart());
        HttpResponse<String> parameters = send("POST", url, "application/fhir+json",
                "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"_id\",\"valueString\":\""
                        + b.getIdPart() + "\"}]}", Map.of());
        assertThat(ids(parameters)).containsExactly(b.getIdPart());
        HttpResponse<String> bad = send("POST", url, "application/json", "[1,2]", Map.of());
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(outcome(bad).getIssue()).isNotEmpty();

        Bundle byClient = demo().search().forResource(ImagingManifest.class)
                .where(ImagingManifest.SELECTED_STUDY.matches().value(study.studyUid())).usingStyle(
                        ca.uhn.fhir.rest.api.SearchStyleEnum.POST).returnBundle(Bundle.class).execute();
        assertThat(byClient.getEntry()).hasSize(2);
    }

    private static List<String> ids(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Bundle bundle = ApiTestSupport.CLIENT_FHIR.newJsonParser().parseResource(Bundle.class, response.body());
        return bundle.getEntry().stream().map(e -> e.getResource().getIdElement().getIdPart()).toList();
    }

    @Test
    void searchPagesAndSorts() throws Exception {
        Study study = newStudy("PAT-PG1");
        List<String> created = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(demo().create().resource(manifest(study, 1, "page " + i)).execute().getId().getIdPart());
            Thread.sleep(3);
        }
        Bundle page = demo().search().forResource(ImagingManifest.class)
                .where(ImagingManifest.SELECTED_STUDY.matches().value(study.studyUid()))
                .sort().ascending("_lastUpdated").count(2)
                .totalMode(ca.uhn.fhir.rest.api.SearchTotalModeEnum.ACCURATE).returnBundle(Bundle.class).execute();
        assertThat(page.getTotal()).isEqualTo(5);
        List<String> seen = new java.util.ArrayList<>();
        String self = page.getLink("self").getUrl();
        assertThat(self).startsWith(base(port, DEMO_SLUG) + "/ImagingManifest").doesNotContain("fhir/3/fhir/3");
        while (true) {
            page.getEntry().forEach(e -> seen.add(e.getResource().getIdElement().getIdPart()));
            if (page.getLink("next") == null) {
                break;
            }
            assertThat(page.getLink("next").getUrl()).startsWith(base(port, DEMO_SLUG));
            page = demo().loadPage().next(page).execute();
        }
        assertThat(seen).containsExactlyElementsOf(created);

        // a page link of this organization used under another organization's base finds nothing
        Bundle first = demo().search().forResource(ImagingManifest.class)
                .where(ImagingManifest.SELECTED_STUDY.matches().value(study.studyUid())).count(2)
                .returnBundle(Bundle.class).execute();
        String next = first.getLink("next").getUrl();
        assertThat(get(next).statusCode()).isEqualTo(200);
        HttpResponse<String> foreign = get(next.replace("/organizations/" + DEMO_SLUG + "/",
                "/organizations/" + OTHER_SLUG + "/"));
        assertThat(foreign.statusCode()).isBetween(400, 499);
        assertThat(foreign.body()).doesNotContain(created.get(0));

        Bundle descending = demo().search().forResource(ImagingManifest.class)
                .where(ImagingManifest.SELECTED_STUDY.matches().value(study.studyUid()))
                .sort().descending("_lastUpdated").returnBundle(Bundle.class).execute();
        assertThat(descending.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart())
                .containsExactlyElementsOf(reversed(created));
    }

    @Test
    void unknownSearchParametersAndBadValuesAre400() {
        for (String query : List.of("foo=bar", "_foo=bar", "_sort=description", "authoring-time=yesterday",
                "patient.name=x", "identifier=system|", "_count=-1")) {
            HttpResponse<String> response = get(base(port, DEMO_SLUG) + "/ImagingManifest?" + query.replace("|",
                    "%7C"));
            assertThat(response.statusCode()).as(query).isEqualTo(400);
            assertThat(outcome(response).getIssue()).as(query).isNotEmpty();
        }
    }

    // ---- bad input changes nothing

    @Test
    void badManifestsAre4xxAndStoreNothing() {
        Study study = newStudy("PAT-B1");
        int before = typeHistorySize(DEMO_SLUG);
        String good = json(manifest(study, 1, "bad"));
        Map<String, String> bodies = new java.util.LinkedHashMap<>();
        bodies.put("malformed JSON", "{\"resourceType\": \"ImagingManifest\", ");
        bodies.put("wrong resourceType", good.replace("\"ImagingManifest\"", "\"Patient\""));
        bodies.put("unknown element", good.replace("{\"resourceType\":\"ImagingManifest\",",
                "{\"resourceType\":\"ImagingManifest\",\"colour\":\"red\","));
        bodies.put("invalid study UID", good.replace("urn:oid:" + study.studyUid(), "urn:oid:1.02.x"));
        ImagingManifest noStudy = manifest(study, 1, "bad");
        noStudy.getStudy().clear();
        bodies.put("missing study", json(noStudy));
        ImagingManifest noPatient = manifest(study, 1, "bad");
        noPatient.setPatient(null);
        bodies.put("missing patient", json(noPatient));
        for (Map.Entry<String, String> body : bodies.entrySet()) {
            HttpResponse<String> response = send("POST", base(port, DEMO_SLUG) + "/ImagingManifest", FHIR_JSON,
                    body.getValue(), Map.of());
            assertThat(response.statusCode()).as(body.getKey()).isBetween(400, 499);
            assertThat(outcome(response).getIssue()).as(body.getKey()).isNotEmpty();
        }
        HttpResponse<String> invalidUid = send("POST", base(port, DEMO_SLUG) + "/ImagingManifest", FHIR_JSON,
                bodies.get("invalid study UID"), Map.of());
        assertThat(outcome(invalidUid).getIssue()).anySatisfy(i -> assertThat(i.getExpression()).isNotEmpty());

        String huge = good.replace("\"bad\"", "\"" + "x".repeat(70_000) + "\"");
        HttpResponse<String> tooLarge = send("POST", base(port, DEMO_SLUG) + "/ImagingManifest", FHIR_JSON, huge,
                Map.of());
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(outcome(tooLarge).getIssue()).isNotEmpty();

        ImagingManifest otherPatient = manifest(new Study(study.studyUid(), study.seriesUid(), study.sopUids(),
                study.sopClassUid(), "SOMEONE-ELSE", study.issuer()), 1, "bad");
        HttpResponse<String> mismatch = send("POST", base(port, DEMO_SLUG) + "/ImagingManifest", FHIR_JSON,
                json(otherPatient), Map.of());
        assertThat(mismatch.statusCode()).isEqualTo(422);
        assertThat(outcome(mismatch).getIssue()).isNotEmpty();

        ImagingManifest unknownStudy = manifest(new Study("2.25.1" + System.nanoTime(), study.seriesUid(),
                study.sopUids(), study.sopClassUid(), study.patientId(), study.issuer()), 1, "bad");
        HttpResponse<String> notOnPacs = send("POST", base(port, DEMO_SLUG) + "/ImagingManifest", FHIR_JSON,
                json(unknownStudy), Map.of());
        assertThat(notOnPacs.statusCode()).isEqualTo(422);

        assertThat(typeHistorySize(DEMO_SLUG)).isEqualTo(before);
    }

    @Test
    void aPatientIdentifierForAStudyWhosePatientHasNoIdOnThePacsIs422() {
        // Patient ID is Type 2; images without one are common (anonymized, emergency). A KOS naming an ID
        // in that study would file the study under a second patient on the PACS
        Study anonymous = newStudy("");
        int before = typeHistorySize(DEMO_SLUG);
        ImagingManifest named = manifest(new Study(anonymous.studyUid(), anonymous.seriesUid(),
                anonymous.sopUids(), anonymous.sopClassUid(), "PAT-NEW", anonymous.issuer()), 1, "names a patient");
        HttpResponse<String> refused = send("POST", base(port, DEMO_SLUG) + "/ImagingManifest", FHIR_JSON,
                json(named), Map.of());
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
        assertThat(outcome(refused).getIssueFirstRep().getDiagnostics()).contains("empty Patient ID");
        assertThat(typeHistorySize(DEMO_SLUG)).as("nothing stored").isEqualTo(before);

        // the same manifest without the identifier agrees with the PACS
        named.getPatient().setIdentifier(null);
        HttpResponse<String> created = send("POST", base(port, DEMO_SLUG) + "/ImagingManifest", FHIR_JSON,
                json(named), Map.of());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    }

    @Test
    void pacsDownIs503AndStoresNothing() {
        Study study = newStudy("PAT-DN1");
        int before = typeHistorySize(DOWN_SLUG);
        HttpResponse<String> response = send("POST", base(port, DOWN_SLUG) + "/ImagingManifest", FHIR_JSON,
                json(manifest(study, 1, "down")), Map.of());
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(outcome(response).getIssueFirstRep().getDiagnostics()).contains("PACS");
        assertThat(typeHistorySize(DOWN_SLUG)).isEqualTo(before);
        // reads and searches still work without the PACS
        assertThat(get(base(port, DOWN_SLUG) + "/ImagingManifest?_count=1").statusCode()).isEqualTo(200);
    }

    // ---- metadata

    @Test
    void capabilityStatementDescribesTheTenantBase() {
        CapabilityStatement cs = demo().capabilities().ofType(CapabilityStatement.class).execute();
        assertThat(cs.getImplementation().getUrl()).isEqualTo(base(port, DEMO_SLUG));
        CapabilityStatement.CapabilityStatementRestResourceComponent resource = cs.getRestFirstRep().getResource()
                .stream().filter(r -> r.getType().equals("ImagingManifest")).findFirst().orElseThrow();
        assertThat(cs.getRestFirstRep().getResource()).extracting(r -> r.getType())
                .as("only ImagingManifest is served").containsOnly("ImagingManifest", "OperationDefinition");
        assertThat(resource.getSearchParam()).extracting(p -> p.getName()).contains("_id", "_language", "author",
                "authoring-time", "endpoint", "identifier", "imaging-study", "patient", "selected-study");
        assertThat(resource.getInteraction()).extracting(i -> i.getCode().toCode()).contains("read", "vread",
                "update", "patch", "delete", "history-instance", "history-type", "create", "search-type");
    }

    String rawStatusLine(String pathAndQuery) {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            String org = pathAndQuery.split("/")[2];
            socket.getOutputStream().write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Authorization: Bearer " + ApiTestSupport.token(org) + "\r\n"
                    + "Connection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII)).readLine();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> reversed(List<String> list) {
        List<String> copy = new java.util.ArrayList<>(list);
        java.util.Collections.reverse(copy);
        return copy;
    }

    static List<Resource> entries(Bundle bundle) {
        return bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).toList();
    }
}
