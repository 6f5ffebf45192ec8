package com.imagingmanifest.kos;

import com.imagingmanifest.testing.TestData;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.hl7.fhir.dstu3.model.Coding;
import org.hl7.fhir.dstu3.model.DateTimeType;
import org.hl7.fhir.dstu3.model.Endpoint;
import org.hl7.fhir.dstu3.model.Identifier;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.hl7.fhir.dstu3.model.Reference;
import org.hl7.fhir.dstu3.model.StringType;

/** Manifests for tests, built in code or read from this module's test resources. */
final class Manifests {
    static final String CT = "1.2.840.10008.5.1.4.1.1.2";
    static final String ECG = "1.2.840.10008.5.1.4.1.1.9.1.1";
    static final String PDF = "1.2.840.10008.5.1.4.1.1.104.1";

    private Manifests() {
    }

    static String resource(String name) {
        try (InputStream in = Manifests.class.getResourceAsStream("/kos/" + name)) {
            if (in == null) {
                throw new IllegalStateException("test resource /kos/" + name + " missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ImagingManifest basic() {
        return ManifestJson.parse(resource("manifest-basic.json"));
    }

    /** A manifest with {@code studies} studies of {@code series} series of {@code instances} CT instances. */
    static ImagingManifest of(int studies, int series, int instances) {
        ImagingManifest m = new ImagingManifest();
        m.setPatient(new Reference().setIdentifier(new Identifier().setSystem("urn:oid:1.2.3.4.5").setValue("PAT-1"))
                .setDisplay("Doe^John"));
        m.setAuthoringTimeElement(new DateTimeType("2024-03-01T08:30:15+01:00"));
        m.setAuthor(new Reference().setDisplay("Welby^Marcus"));
        m.setDescription("Key images for the tumour board");
        for (int s = 0; s < studies; s++) {
            ImagingManifest.StudyComponent study = m.addStudy().setUid("urn:oid:" + TestData.newUid());
            for (int r = 0; r < series; r++) {
                ImagingManifest.SeriesComponent sc = study.addSeries().setUid("urn:oid:" + TestData.newUid());
                for (int i = 0; i < instances; i++) {
                    sc.addInstance().setSopClass("urn:oid:" + CT).setUid("urn:oid:" + TestData.newUid());
                }
            }
        }
        return m;
    }

    static Endpoint wadoRs(String id, String address, String aeTitle) {
        Endpoint e = new Endpoint();
        e.setId(id);
        e.setStatus(Endpoint.EndpointStatus.ACTIVE);
        e.setConnectionType(new Coding("http://hl7.org/fhir/endpoint-connection-type", "dicom-wado-rs", null));
        e.addPayloadType().addCoding(new Coding("http://dicom.nema.org/resources/ontology/DCM", "113014", "Study"));
        e.setAddress(address);
        if (aeTitle != null) {
            e.addExtension(ManifestExtensions.RETRIEVE_AE_TITLE, new StringType(aeTitle));
        }
        return e;
    }

    static Coding title(String code) {
        return new Coding(DicomCode.DCM_SYSTEM, code, KosTitle.meaningOf(code));
    }
}
