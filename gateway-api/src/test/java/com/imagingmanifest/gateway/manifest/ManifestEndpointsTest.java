package com.imagingmanifest.gateway.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.hl7.fhir.dstu3.model.Endpoint;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.hl7.fhir.dstu3.model.Reference;
import org.junit.jupiter.api.Test;

class ManifestEndpointsTest {
    static final URI BASE = URI.create("https://pacs.example/dicom-web");

    static ImagingManifest twoSeries() {
        ImagingManifest m = new ImagingManifest();
        ImagingManifest.StudyComponent study = m.addStudy().setUid("urn:oid:1.2.3");
        study.addSeries().setUid("urn:oid:1.2.3.1");
        study.addSeries().setUid("urn:oid:1.2.3.2");
        return m;
    }

    @Test
    void eachSeriesGetsTheBindingsWadoRsEndpointOnce() {
        ImagingManifest m = twoSeries();
        ManifestEndpoints.addDicomWeb(m, BASE);
        assertThat(m.getContained()).hasSize(1);
        Endpoint e = (Endpoint) m.getContained().get(0);
        assertThat(e.getConnectionType().getCode()).isEqualTo("dicom-wado-rs");
        assertThat(e.getAddress()).isEqualTo(BASE.toString());
        m.getStudyFirstRep().getSeries().forEach(s -> assertThat(s.getEndpoint()).extracting(Reference::getReference)
                .containsExactly("#" + e.getId()));
        ManifestEndpoints.addDicomWeb(m, BASE); // a read-modify-write round trip adds nothing
        assertThat(m.getContained()).hasSize(1);
        m.getStudyFirstRep().getSeries().forEach(s -> assertThat(s.getEndpoint()).hasSize(1));
    }

    @Test
    void aClientEndpointWithTheSameAddressIsReusedAndOthersAreKept() {
        ImagingManifest m = twoSeries();
        Endpoint own = new Endpoint().setAddress(BASE.toString());
        own.setId("mine");
        m.addContained(own);
        m.getStudyFirstRep().addEndpoint(new Reference("#mine"));
        m.getStudyFirstRep().getSeries().get(1).addEndpoint(new Reference("Endpoint/external"));
        ManifestEndpoints.addDicomWeb(m, BASE);
        assertThat(m.getContained()).hasSize(1);
        assertThat(m.getStudyFirstRep().getSeries().get(0).getEndpoint()).isEmpty(); // inherits the study's
        assertThat(m.getStudyFirstRep().getSeries().get(1).getEndpoint()).extracting(Reference::getReference)
                .containsExactly("Endpoint/external", "#mine");
    }
}
