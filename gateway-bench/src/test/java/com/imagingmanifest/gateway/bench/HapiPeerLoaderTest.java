package com.imagingmanifest.gateway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.dstu3.model.Bundle;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.hl7.fhir.dstu3.model.Patient;
import org.junit.jupiter.api.Test;

/** The peer's load: what the gateway's bulk store holds, as transactions HAPI's JPA server accepts. */
class HapiPeerLoaderTest {
    private final FhirContext fhir = FhirContext.forDstu3Cached();
    private final StoreLoader manifests = new StoreLoader(fhir, "bench", 100);
    private final HapiPeerLoader loader = new HapiPeerLoader(fhir, manifests);

    @Test
    void eachPatientIsPutOnceAsTheIdItsManifestsReference() {
        // manifests 150..249 belong to patients p1 (150..199, first put with manifest 100) and p2
        Bundle patients = loader.patients(150, 250);
        assertThat(patients.getType()).isEqualTo(Bundle.BundleType.TRANSACTION);
        assertThat(patients.getEntry()).extracting(e -> e.getRequest().getUrl()).containsExactly("Patient/p2");
        Patient p2 = (Patient) patients.getEntryFirstRep().getResource();
        assertThat(p2.getIdElement().getIdPart()).isEqualTo("p2");
        assertThat(p2.getIdentifierFirstRep().getSystem()).isEqualTo(HapiPeerLoader.PATIENT_SYSTEM);
        assertThat(p2.getIdentifierFirstRep().getValue()).isEqualTo("p2");
        assertThat(patients.getEntryFirstRep().getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.PUT);
        assertThat(loader.patients(0, 250).getEntry()).extracting(e -> e.getRequest().getUrl())
                .containsExactly("Patient/p0", "Patient/p1", "Patient/p2");
    }

    @Test
    void manifestsAreTheGatewaysOwnWithoutMeta() {
        Bundle bundle = loader.manifests(150, 250);
        assertThat(bundle.getEntry()).hasSize(100).allMatch(e -> e.getRequest().getMethod() == Bundle.HTTPVerb.PUT);
        Bundle.BundleEntryComponent entry = bundle.getEntry().get(49);
        assertThat(entry.getRequest().getUrl()).isEqualTo("ImagingManifest/bulk-199");
        ImagingManifest sent = (ImagingManifest) entry.getResource();
        ImagingManifest stored = fhir.newJsonParser().parseResource(ImagingManifest.class, manifests.json(199));
        assertThat(sent.getIdElement().getIdPart()).isEqualTo("bulk-199");
        assertThat(sent.getMeta().isEmpty()).isTrue();
        assertThat(sent.getPatient().getReference()).isEqualTo("Patient/p1").isEqualTo(stored.getPatient().getReference());
        assertThat(sent.getAuthoringTimeElement().getValueAsString())
                .isEqualTo(stored.getAuthoringTimeElement().getValueAsString());
        assertThat(sent.getStudyFirstRep().getUid()).isEqualTo(stored.getStudyFirstRep().getUid());
        assertThat(sent.getIdentifier().getValue()).isEqualTo(stored.getIdentifier().getValue());
    }

    @Test
    void batchesCoverTheRangeInTransactionsOfAtMost500() {
        assertThat(HapiPeerLoader.batches(0, 1200)).extracting(r -> r[0] + "-" + r[1])
                .containsExactly("0-500", "500-1000", "1000-1200");
        assertThat(HapiPeerLoader.batches(10_000, 10_000)).isEmpty();
    }

    @Test
    void thePeerIsAskedTheStu3RequestsOnly() {
        assertThat(PeerBench.peerPath("/3/ImagingManifest/bulk-5")).isEqualTo("/ImagingManifest/bulk-5");
        assertThat(PeerBench.peerPath("/3/ImagingManifest?patient=Patient/p1")).isEqualTo("/ImagingManifest?patient=Patient/p1");
        assertThat(PeerBench.peerPath("/5/ImagingSelection/bulk-5")).isNull();
        assertThat(PeerBench.compared("read", "/3/ImagingManifest/bulk-0")).isTrue();
        assertThat(PeerBench.compared("search patient", "/3/ImagingManifest?patient=Patient/p0")).isTrue();
        assertThat(PeerBench.compared("search patient R5", "/5/ImagingSelection?patient=Patient/p0")).isFalse();
        assertThat(PeerBench.compared("vread", "/3/ImagingManifest/bulk-0/_history/1")).isFalse();
        assertThat(PeerBench.ratio(2, 8, "s", 2)).isEqualTo("2.00 s / 8.00 s = 0.25x");
    }
}
