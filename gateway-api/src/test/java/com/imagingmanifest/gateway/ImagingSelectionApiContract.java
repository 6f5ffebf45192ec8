package com.imagingmanifest.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.api.SearchStyleEnum;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import com.imagingmanifest.gateway.security.TestTokens;
import com.imagingmanifest.kos.KosTitle;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.hl7.fhir.r5.model.Bundle;
import org.hl7.fhir.r5.model.CapabilityStatement;
import org.hl7.fhir.r5.model.CodeableConcept;
import org.hl7.fhir.r5.model.Coding;
import org.hl7.fhir.r5.model.Identifier;
import org.hl7.fhir.r5.model.ImagingSelection;
import org.hl7.fhir.r5.model.OperationOutcome;
import org.hl7.fhir.r5.model.Reference;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * One KOS, two FHIR views (issue 20): an STU3 and an R5 HAPI generic client, each on its own base of the
 * same organization, create, update, search and delete the same selections against the real gateway and
 * a private Orthanc, and always agree on ids and versions. Run on H2 ({@link ImagingSelectionH2ApiTest})
 * PostgreSQL ({@link ImagingSelectionPostgresApiTest}) and the DIMSE archive
 * ({@link ImagingSelectionDcmqrscpApiTest}).
 */
abstract class ImagingSelectionApiContract {
    static final FhirContext R5 = FhirContext.forR5();

    static {
        R5.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        R5.getRestfulClientFactory().setSocketTimeout(60_000);
    }

    @LocalServerPort
    int port;

    private String r5Base() {
        return "http://127.0.0.1:" + port + "/organizations/" + ApiTestSupport.DEMO_SLUG + "/fhir/5";
    }

    private IGenericClient r5(String scope) {
        IGenericClient client = R5.newRestfulGenericClient(r5Base());
        client.registerInterceptor(new BearerTokenAuthInterceptor(
                TestTokens.token(ApiTestSupport.DATA_DIR, ApiTestSupport.DEMO_SLUG, scope)));
        return client;
    }

    private IGenericClient r5() {
        return r5("user/ImagingSelection.*");
    }

    private IGenericClient stu3() {
        return ApiTestSupport.client(port, ApiTestSupport.DEMO_SLUG);
    }

    /** A new study on the organization's PACS (the shared Orthanc here). */
    protected ApiTestSupport.Study study(String patient) {
        return ApiTestSupport.newCtStudy(OrthancApiContract.orthanc(), patient, OrthancApiContract.ISSUER);
    }

    /** The PACS's public DICOMweb base, which every series' endpoint names. */
    protected String dicomwebAddress() {
        return OrthancApiContract.orthanc().dicomwebUrl().toString();
    }

    private static ImagingSelection selection(ApiTestSupport.Study study, int count) {
        ImagingSelection s = new ImagingSelection();
        s.setStatus(ImagingSelection.ImagingSelectionStatus.AVAILABLE);
        s.setCode(new CodeableConcept(new Coding("http://dicom.nema.org/resources/ontology/DCM", "113030",
                "Manifest")));
        s.setSubject(new Reference().setIdentifier(new Identifier().setSystem(study.issuer())
                .setValue(study.patientId())).setDisplay("Test^Patient"));
        s.setIssuedElement(new org.hl7.fhir.r5.model.InstantType("2024-01-15T10:15:00+01:00"));
        s.addPerformer().setActor(new Reference().setDisplay("Doe^Jane"));
        s.setStudyUid(study.studyUid()).setSeriesUid(study.seriesUid());
        for (String sop : study.sopUids().subList(0, count)) {
            s.addInstance().setUid(sop).setSopClass(new Coding("urn:ietf:rfc:3986", "urn:oid:" + study.sopClassUid(),
                    null));
        }
        return s;
    }

    private static List<String> uids(ImagingSelection s) {
        return s.getInstance().stream().map(ImagingSelection.ImagingSelectionInstanceComponent::getUid).toList();
    }

    private static List<String> uids(ImagingManifest m) {
        return m.getStudyFirstRep().getSeriesFirstRep().getInstance().stream()
                .map(i -> i.getUid().substring("urn:oid:".length())).toList();
    }

    @Test
    void bothClientsCreateUpdateSearchAndDeleteTheSameSelections() {
        ApiTestSupport.Study study = study("PAT-R5-1");
        MethodOutcome created = r5().create().resource(selection(study, 2)).execute();
        String id = created.getId().getIdPart();
        assertThat(created.getId().getVersionIdPart()).isEqualTo("1");

        ImagingManifest m = stu3().read().resource(ImagingManifest.class).withId(id).execute();
        assertThat(m.getIdElement().getVersionIdPart()).isEqualTo("1");
        assertThat(uids(m)).isEqualTo(study.sopUids().subList(0, 2));
        assertThat(((org.hl7.fhir.dstu3.model.Coding) m.getExtensionByUrl(KosTitle.EXTENSION_URL).getValue())
                .getCode()).isEqualTo("113030");

        // an update through STU3 is version 2 in both views
        m.setDescription("changed through STU3");
        assertThat(stu3().update().resource(m).execute().getId().getVersionIdPart()).isEqualTo("2");
        ImagingSelection s = r5().read().resource(ImagingSelection.class).withId(id).execute();
        assertThat(s.getIdElement().getVersionIdPart()).isEqualTo("2");
        assertThat(s.getExtensionString("http://imagingmanifest.com/fhir/StructureDefinition/kos-description"))
                .isEqualTo("changed through STU3");
        assertThat(s.getStatus()).isEqualTo(ImagingSelection.ImagingSelectionStatus.AVAILABLE);
        assertThat(s.getEndpoint()).isNotEmpty();
        assertThat(s.getContained()).anyMatch(r -> r instanceof org.hl7.fhir.r5.model.Endpoint e
                && e.getAddress().equals(dicomwebAddress()));

        // and one through R5 is version 3 in both
        s.getInstance().remove(1);
        assertThat(r5().update().resource(s).execute().getId().getVersionIdPart()).isEqualTo("3");
        ImagingManifest m3 = stu3().read().resource(ImagingManifest.class).withId(id).execute();
        assertThat(m3.getIdElement().getVersionIdPart()).isEqualTo("3");
        assertThat(uids(m3)).isEqualTo(study.sopUids().subList(0, 1));
        assertThat(m3.getDescription()).isEqualTo("changed through STU3");

        // vread of an older version, through R5
        ImagingSelection v1 = r5().read().resource(ImagingSelection.class).withIdAndVersion(id, "1").execute();
        assertThat(uids(v1)).isEqualTo(study.sopUids().subList(0, 2));

        // the same search, in each version's words, finds the same selection
        Bundle byStudy = r5().search().forResource(ImagingSelection.class)
                .where(ImagingSelection.STUDY_UID.exactly().code(study.studyUid()))
                .returnBundle(Bundle.class).execute();
        org.hl7.fhir.dstu3.model.Bundle stu3ByStudy = stu3().search().forResource(ImagingManifest.class)
                .where(new ca.uhn.fhir.rest.gclient.UriClientParam("selected-study").matches()
                        .value("urn:oid:" + study.studyUid()))
                .returnBundle(org.hl7.fhir.dstu3.model.Bundle.class).execute();
        assertThat(ids(byStudy)).containsExactly(id);
        assertThat(stu3ByStudy.getEntry()).extracting(e -> e.getResource().getIdElement().getIdPart())
                .containsExactly(id);
        Bundle byPost = r5().search().forResource(ImagingSelection.class).usingStyle(SearchStyleEnum.POST)
                .where(ImagingSelection.PATIENT.hasChainedProperty(org.hl7.fhir.r5.model.Patient.IDENTIFIER
                        .exactly().systemAndCode(study.issuer(), study.patientId())))
                .and(ImagingSelection.CODE.exactly().systemAndCode("http://dicom.nema.org/resources/ontology/DCM",
                        "113030"))
                .and(ImagingSelection.ISSUED.afterOrEquals().day("2024-01-15"))
                .returnBundle(Bundle.class).execute();
        assertThat(ids(byPost)).containsExactly(id);
        Bundle ofInterest = r5().search().forResource(ImagingSelection.class)
                .where(ImagingSelection.STUDY_UID.exactly().code(study.studyUid()))
                .and(ImagingSelection.CODE.exactly().code("113000")).returnBundle(Bundle.class).execute();
        assertThat(ofInterest.getEntry()).isEmpty();

        // history: three versions through either base
        Bundle history = r5().history().onInstance("ImagingSelection/" + id).returnBundle(Bundle.class).execute();
        assertThat(history.getEntry()).hasSize(3);
        assertThat(history.getEntryFirstRep().getResource()).isInstanceOf(ImagingSelection.class);

        // delete through R5: gone through STU3 too
        r5().delete().resourceById("ImagingSelection", id).execute();
        assertThatThrownBy(() -> stu3().read().resource(ImagingManifest.class).withId(id).execute())
                .isInstanceOf(ResourceGoneException.class);
        assertThatThrownBy(() -> r5().read().resource(ImagingSelection.class).withId(id).execute())
                .isInstanceOf(ResourceGoneException.class);
    }

    private static List<String> ids(Bundle bundle) {
        return bundle.getEntry().stream().map(e -> e.getResource().getIdElement().getIdPart()).toList();
    }

    @Test
    void aManifestOfTwoStudiesIsOneSelectionWithAFocusPerSeries() {
        ApiTestSupport.Study a = study("PAT-R5-2");
        ApiTestSupport.Study b = study("PAT-R5-2");
        ImagingManifest m = ApiTestSupport.manifest(a, 1, "two studies");
        ImagingManifest.SeriesComponent series = m.addStudy().setUid("urn:oid:" + b.studyUid()).addSeries()
                .setUid("urn:oid:" + b.seriesUid());
        series.addInstance().setSopClass("urn:oid:" + b.sopClassUid()).setUid("urn:oid:" + b.sopUids().get(0));
        String id = stu3().create().resource(m).execute().getId().getIdPart();

        ImagingSelection s = r5().read().resource(ImagingSelection.class).withId(id).execute();
        assertThat(s.getFocus()).hasSize(2);
        assertThat(s.hasInstance()).isFalse();
        List<ImagingSelection> parts = s.getContained().stream().filter(r -> r instanceof ImagingSelection)
                .map(r -> (ImagingSelection) r).toList();
        assertThat(parts).extracting(ImagingSelection::getStudyUid).containsExactly(a.studyUid(), b.studyUid());
        // the per-series selections are found through the one with the focus, by either study
        Bundle byB = r5().search().forResource(ImagingSelection.class)
                .where(ImagingSelection.STUDY_UID.exactly().code(b.studyUid())).returnBundle(Bundle.class).execute();
        assertThat(ids(byB)).containsExactly(id);

        // written back through R5 unchanged but for one instance less in study B: version 2 of the same id
        parts.get(1).getInstanceFirstRep().setUid(b.sopUids().get(1));
        assertThat(r5().update().resource(s).execute().getId().getVersionIdPart()).isEqualTo("2");
        ImagingManifest back = stu3().read().resource(ImagingManifest.class).withId(id).execute();
        assertThat(back.getStudy()).hasSize(2);
        assertThat(back.getStudy().get(1).getSeriesFirstRep().getInstanceFirstRep().getUid())
                .isEqualTo("urn:oid:" + b.sopUids().get(1));
    }

    @Test
    void whatAKosCannotSayIsA422NamingTheElementAndChangesNothing() {
        ApiTestSupport.Study study = study("PAT-R5-3");
        ImagingSelection s = selection(study, 1);
        s.getInstanceFirstRep().addImageRegion2D()
                .setRegionType(ImagingSelection.ImagingSelection2DGraphicType.POINT).addCoordinate(java.math.BigDecimal.ONE).addCoordinate(java.math.BigDecimal.TEN);
        s.getBodySite().setConcept(new CodeableConcept().setText("chest"));
        assertThatThrownBy(() -> r5().create().resource(s).execute())
                .isInstanceOfSatisfying(UnprocessableEntityException.class, e -> {
                    OperationOutcome oo = (OperationOutcome) e.getOperationOutcome();
                    assertThat(oo.getIssue()).flatExtracting(i -> i.getExpression().stream()
                            .map(org.hl7.fhir.r5.model.StringType::getValue).toList())
                            .contains("ImagingSelection.bodySite", "ImagingSelection.instance[0].imageRegion2D");
                });
        Bundle none = r5().search().forResource(ImagingSelection.class)
                .where(ImagingSelection.STUDY_UID.exactly().code(study.studyUid())).returnBundle(Bundle.class).execute();
        assertThat(none.getEntry()).isEmpty();

        // a patient the PACS contradicts: the shared write path's 422, as an R5 OperationOutcome
        ImagingSelection wrong = selection(study, 1);
        wrong.getSubject().getIdentifier().setValue("SOMEONE-ELSE");
        assertThatThrownBy(() -> r5().create().resource(wrong).execute())
                .isInstanceOfSatisfying(UnprocessableEntityException.class,
                        e -> assertThat(e.getOperationOutcome()).isInstanceOf(OperationOutcome.class));
    }

    @Test
    void theR5BaseHasItsOwnCapabilityStatementAndTheSameScopes() {
        CapabilityStatement cs = r5().capabilities().ofType(CapabilityStatement.class).execute();
        assertThat(cs.getFhirVersion().toCode()).isEqualTo("5.0.0");
        assertThat(cs.getImplementation().getUrl()).isEqualTo(r5Base());
        CapabilityStatement.CapabilityStatementRestResourceComponent resource = cs.getRestFirstRep().getResourceFirstRep();
        assertThat(resource.getType()).isEqualTo("ImagingSelection");
        assertThat(resource.getSearchParam()).extracting(CapabilityStatement.CapabilityStatementRestResourceSearchParamComponent::getName)
                .contains("patient", "subject", "identifier", "study-uid", "code", "issued", "derived-from", "_id");
        assertThat(cs.getRestFirstRep().getSecurity().getServiceFirstRep().getCodingFirstRep().getCode())
                .isEqualTo("SMART-on-FHIR");

        // a read scope on either name reads both views and writes neither
        ApiTestSupport.Study study = study("PAT-R5-4");
        String id = r5().create().resource(selection(study, 1)).execute().getId().getIdPart();
        IGenericClient reader = r5("user/ImagingSelection.read");
        assertThat(reader.read().resource(ImagingSelection.class).withId(id).execute().getIdPart()).isEqualTo(id);
        IGenericClient stu3Reader = r5(TestTokens.READ);
        assertThat(stu3Reader.read().resource(ImagingSelection.class).withId(id).execute().getIdPart()).isEqualTo(id);
        assertThatThrownBy(() -> reader.create().resource(selection(study, 1)).execute())
                .isInstanceOf(ForbiddenOperationException.class);
        HttpResponse<String> noScope = ApiTestSupport.send("GET", r5Base() + "/ImagingSelection/" + id, null, null,
                Map.of("Authorization", "Bearer " + TestTokens.token(ApiTestSupport.DATA_DIR,
                        ApiTestSupport.DEMO_SLUG, "user/Patient.read")));
        assertThat(noScope.statusCode()).isEqualTo(403);
        // another organization's token sees nothing
        HttpResponse<String> other = ApiTestSupport.send("GET", r5Base() + "/ImagingSelection/" + id, null, null,
                Map.of("Authorization", "Bearer " + ApiTestSupport.token(ApiTestSupport.OTHER_SLUG)));
        assertThat(other.statusCode()).isEqualTo(404);
    }

    @Test
    void jsonPatchOnTheR5FormIsAnUpdateInBothViews() {
        ApiTestSupport.Study study = study("PAT-R5-6");
        String id = r5().create().resource(selection(study, 2)).execute().getId().getIdPart();
        // the patch addresses the resource as the R5 base serves it
        String patch = "[{\"op\":\"test\",\"path\":\"/seriesUid\",\"value\":\"" + study.seriesUid() + "\"},"
                + "{\"op\":\"remove\",\"path\":\"/instance/1\"},"
                + "{\"op\":\"add\",\"path\":\"/extension\",\"value\":[{\"url\":"
                + "\"http://imagingmanifest.com/fhir/StructureDefinition/kos-description\",\"valueString\":\"patched\"}]}]";
        HttpResponse<String> patched = ApiTestSupport.send("PATCH", r5Base() + "/ImagingSelection/" + id,
                "application/json-patch+json", patch, Map.of("If-Match", "W/\"1\""));
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        ImagingManifest m = stu3().read().resource(ImagingManifest.class).withId(id).execute();
        assertThat(m.getIdElement().getVersionIdPart()).isEqualTo("2");
        assertThat(uids(m)).isEqualTo(study.sopUids().subList(0, 1));
        assertThat(m.getDescription()).isEqualTo("patched");

        // a patch that makes a region (which a KOS cannot hold) is a 422 naming it; a stale If-Match a 412
        String region = "[{\"op\":\"add\",\"path\":\"/instance/0/imageRegion2D\",\"value\":[{\"regionType\":"
                + "\"point\",\"coordinate\":[1,2]}]}]";
        HttpResponse<String> refused = ApiTestSupport.send("PATCH", r5Base() + "/ImagingSelection/" + id,
                "application/json-patch+json", region, Map.of());
        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(refused.body()).contains("ImagingSelection.instance[0].imageRegion2D");
        HttpResponse<String> stale = ApiTestSupport.send("PATCH", r5Base() + "/ImagingSelection/" + id,
                "application/json-patch+json", "[]", Map.of("If-Match", "W/\"1\""));
        assertThat(stale.statusCode()).isEqualTo(412);
        assertThat(stu3().read().resource(ImagingManifest.class).withId(id).execute().getIdElement()
                .getVersionIdPart()).isEqualTo("2");

        // type history on the R5 base lists the versions of both writes
        Bundle typeHistory = r5().history().onType(ImagingSelection.class).returnBundle(Bundle.class).count(500)
                .execute();
        assertThat(typeHistory.getEntry()).filteredOn(e -> e.getFullUrl().endsWith("/ImagingSelection/" + id))
                .hasSize(2);
    }

    @Test
    void hostileR5InputIsA4xxAndChangesNothing() {
        ApiTestSupport.Study study = study("PAT-R5-7");
        // 10,000 instances: above the test context's 64 KB body limit, refused before parsing
        ImagingSelection many = selection(study, 1);
        for (int i = 0; i < 10_000; i++) {
            many.addInstance().setUid("2.25." + (1_000_000L + i))
                    .setSopClass(new Coding("urn:ietf:rfc:3986", "urn:oid:" + study.sopClassUid(), null));
        }
        HttpResponse<String> tooLarge = ApiTestSupport.send("POST", r5Base() + "/ImagingSelection",
                "application/fhir+json", R5.newJsonParser().encodeResourceToString(many), Map.of());
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        for (String subset : List.of("0", "-1", "x", "1.5", "99999999999")) {
            ImagingSelection bad = selection(study, 1);
            bad.getInstanceFirstRep().addSubset(subset);
            HttpResponse<String> answer = ApiTestSupport.send("POST", r5Base() + "/ImagingSelection",
                    "application/fhir+json", R5.newJsonParser().encodeResourceToString(bad), Map.of());
            assertThat(answer.statusCode()).as(subset).isEqualTo(422);
            assertThat(answer.body()).as(subset).contains("ImagingSelection.instance[0].subset[0]");
        }
        // frames on a single-frame class (CT Image): the shared validator's 400, as on the STU3 base
        ImagingSelection ct = selection(study, 1);
        ct.getInstanceFirstRep().addSubset("2");
        HttpResponse<String> singleFrame = ApiTestSupport.send("POST", r5Base() + "/ImagingSelection",
                "application/fhir+json", R5.newJsonParser().encodeResourceToString(ct), Map.of());
        assertThat(singleFrame.statusCode()).isEqualTo(400);
        assertThat(singleFrame.body()).contains("single-frame");
        for (String body : List.of("{\"resourceType\":\"ImagingSelection\",\"status\":\"available\",\"bogus\":1}",
                "{\"resourceType\":\"ImagingManifest\"}", "[]", "{\"resourceType\":\"ImagingSelection\",\"instance\":"
                        + "[[[[1]]]]}", "not json")) {
            HttpResponse<String> answer = ApiTestSupport.send("POST", r5Base() + "/ImagingSelection",
                    "application/fhir+json", body, Map.of());
            assertThat(answer.statusCode()).as(body).isBetween(400, 499);
        }
        Bundle none = r5().search().forResource(ImagingSelection.class)
                .where(ImagingSelection.STUDY_UID.exactly().code(study.studyUid())).returnBundle(Bundle.class).execute();
        assertThat(none.getEntry()).isEmpty();
        HttpResponse<String> unknown = ApiTestSupport.get(r5Base() + "/ImagingSelection?selected-study=1.2");
        assertThat(unknown.statusCode()).isEqualTo(400);
    }

    @Test
    void pagesFollowTheirNextLinkOnTheR5Base() {
        ApiTestSupport.Study study = study("PAT-R5-5");
        for (int i = 0; i < 3; i++) {
            r5().create().resource(selection(study, 1)).execute();
        }
        Bundle first = r5().search().forResource(ImagingSelection.class)
                .where(ImagingSelection.STUDY_UID.exactly().code(study.studyUid())).count(2)
                .returnBundle(Bundle.class).execute();
        assertThat(first.getEntry()).hasSize(2);
        assertThat(first.getLink("next").getUrl()).startsWith(r5Base() + "/ImagingSelection?_cursor=");
        Bundle second = r5().loadPage().next(first).execute();
        assertThat(second.getEntry()).hasSize(1);
        assertThat(second.getLink("next")).isNull();
    }
}
