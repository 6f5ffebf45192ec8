package com.imagingmanifest.gateway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.util.List;
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
    void aTransactionPutsEachPatientOnceBeforeItsManifests() {
        Bundle bundle = loader.transaction(150, 250);
        assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.TRANSACTION);
        // manifests 150..249 belong to patients p1 (150..199) and p2 (200..249)
        List<Bundle.BundleEntryComponent> entries = bundle.getEntry();
        assertThat(entries).hasSize(102);
        assertThat(entries.subList(0, 2)).extracting(e -> e.getRequest().getUrl()).containsExactly("Patient/p1", "Patient/p2");
        Patient p2 = (Patient) entries.get(1).getResource();
        assertThat(p2.getIdentifierFirstRep().getSystem()).isEqualTo(HapiPeerLoader.PATIENT_SYSTEM);
        assertThat(p2.getIdentifierFirstRep().getValue()).isEqualTo("p2");
        assertThat(entries).allMatch(e -> e.getRequest().getMethod() == Bundle.HTTPVerb.PUT);
    }

    @Test
    void manifestsAreTheGatewaysOwnWithoutMeta() {
        Bundle.BundleEntryComponent entry = loader.transaction(150, 250).getEntry().get(2 + 49);
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
