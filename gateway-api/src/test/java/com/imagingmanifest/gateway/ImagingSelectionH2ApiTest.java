package com.imagingmanifest.gateway;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The R5 view's contract on the embedded H2 store, against a private Orthanc; here also every kind of
 * resource the R5 base serves is validated against the R5 base specification (HAPI's validator).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ImagingSelectionH2ApiTest extends ImagingSelectionApiContract {
    @org.springframework.boot.test.web.server.LocalServerPort
    int port;

    @org.junit.jupiter.api.Test
    void everyServedResourceValidatesAgainstTheR5Specification() {
        ca.uhn.fhir.context.FhirContext r5 = ImagingSelectionApiContract.R5;
        ca.uhn.fhir.validation.FhirValidator validator = r5.newValidator().registerValidatorModule(
                new org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator(
                        new org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain(
                                new ca.uhn.fhir.context.support.DefaultProfileValidationSupport(r5),
                                new org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport(r5),
                                new org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService(r5))));
        String base = "http://127.0.0.1:" + port + "/organizations/" + ApiTestSupport.DEMO_SLUG + "/fhir/5";
        ApiTestSupport.Study a = study("PAT-R5-V");
        ApiTestSupport.Study b = study("PAT-R5-V");
        org.hl7.fhir.dstu3.model.ImagingManifest two = ApiTestSupport.manifest(a, 2, "validated");
        two.addStudy().setUid("urn:oid:" + b.studyUid()).addSeries().setUid("urn:oid:" + b.seriesUid()).addInstance()
                .setSopClass("urn:oid:" + b.sopClassUid()).setUid("urn:oid:" + b.sopUids().get(0));
        String several = ApiTestSupport.client(port, ApiTestSupport.DEMO_SLUG).create().resource(two).execute()
                .getId().getIdPart();
        String one = ApiTestSupport.client(port, ApiTestSupport.DEMO_SLUG).create()
                .resource(ApiTestSupport.manifest(a, 1, "one")).execute().getId().getIdPart();
        java.util.List<String> served = new java.util.ArrayList<>();
        for (String path : java.util.List.of("/ImagingSelection/" + one, "/ImagingSelection/" + several,
                "/ImagingSelection/" + several + "/_history/1", "/ImagingSelection?study-uid=" + a.studyUid(),
                "/ImagingSelection/" + several + "/_history", "/metadata", "/ImagingSelection?bogus=1")) {
            java.net.http.HttpResponse<String> answer = ApiTestSupport.get(base + path);
            org.assertj.core.api.Assertions.assertThat(answer.statusCode()).as(path).isIn(200, 400);
            served.add(answer.body());
        }
        for (String json : served) {
            java.util.List<String> errors = validator.validateWithResult(json).getMessages().stream()
                    .filter(m -> m.getSeverity() == ca.uhn.fhir.validation.ResultSeverityEnum.ERROR
                            || m.getSeverity() == ca.uhn.fhir.validation.ResultSeverityEnum.FATAL)
                    .map(m -> m.getLocationString() + ": " + m.getMessage()).toList();
            org.assertj.core.api.Assertions.assertThat(errors).as(json).isEmpty();
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        OrthancApiContract.orthancOrganizations(registry);
    }
}
