package com.imagingmanifest.kos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Vr;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.hl7.fhir.dstu3.model.DateTimeType;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.hl7.fhir.dstu3.model.Reference;
import org.junit.jupiter.api.Test;

class ManifestValidatorTest {

    private static Map<String, String> byLocation(List<ManifestProblem> problems) {
        Map<String, String> out = new TreeMap<>();
        problems.forEach(p -> out.merge(p.location(), p.message(), (a, b) -> a + " | " + b));
        return out;
    }

    @Test
    void validManifestsHaveNoProblems() {
        assertEquals(List.of(), ManifestValidator.validate(Manifests.basic()));
        assertEquals(List.of(), ManifestValidator.validate(Manifests.of(2, 2, 2)));
    }

    @Test
    void everyProblemIsReportedAtOnceWithItsLocation() {
        ImagingManifest m = Manifests.of(2, 2, 3);
        ImagingManifest.StudyComponent s0 = m.getStudy().get(0);
        ImagingManifest.StudyComponent s1 = m.getStudy().get(1);
        m.setPatient(null);
        s0.getSeries().get(1).getInstance().get(2).setUid("1.2.3");                       // not urn:oid
        s0.getSeries().get(1).getInstance().get(1).setSopClass(null);                     // missing
        s0.getSeries().get(0).getInstance().get(0).setUid("urn:oid:1.02.3");              // leading zero
        s1.getSeries().get(0).getInstance().get(1).setUid(s0.getSeries().get(0).getInstance().get(1).getUid());
        s1.getSeries().get(1).setUid(s0.getSeries().get(0).getUid());                     // series twice
        ImagingManifest.StudyComponent s2 = m.addStudy().setUid(s1.getUid());            // study twice, empty
        m.setAuthoringTimeElement(new DateTimeType("2024-03"));
        m.addExtension(KosTitle.EXTENSION_URL, Manifests.title("113001"));
        s2.addEndpoint(new Reference("#missing"));

        Map<String, String> p = byLocation(ManifestValidator.validate(m));
        assertTrue(p.get("ImagingManifest.patient").contains("patient is required"), p.toString());
        assertTrue(p.get("ImagingManifest.study[0].series[1].instance[2].uid").contains("urn:oid: form"), p.toString());
        assertTrue(p.get("ImagingManifest.study[0].series[1].instance[1].sopClass").contains("required"), p.toString());
        assertTrue(p.get("ImagingManifest.study[0].series[0].instance[0].uid").contains("not a valid DICOM UID"), p.toString());
        assertTrue(p.get("ImagingManifest.study[1].series[0].instance[1].uid")
                .contains("appears twice (also at ImagingManifest.study[0].series[0].instance[1].uid)"), p.toString());
        assertTrue(p.get("ImagingManifest.study[1].series[1].uid").contains("series"), p.toString());
        assertTrue(p.get("ImagingManifest.study[2].uid").contains("study"), p.toString());
        assertTrue(p.get("ImagingManifest.study[2].series").contains("at least one series"), p.toString());
        assertTrue(p.get("ImagingManifest.study[2].endpoint[0]").contains("no contained Endpoint"), p.toString());
        assertTrue(p.get("ImagingManifest.authoringTime").contains("full date"), p.toString());
        assertTrue(p.get("ImagingManifest.extension[0].valueCoding.code").contains("rejection note"), p.toString());
        assertEquals(11, p.size(), p.toString());

        ManifestValidationException e = assertThrows(ManifestValidationException.class,
                () -> new ManifestToKos(null).translate(m, Map.of()));
        assertEquals(ManifestValidator.validate(m), e.problems());
    }

    @Test
    void valuesDicomCannotHoldAreRefused() {
        ImagingManifest m = Manifests.of(1, 1, 1);
        m.getPatient().getIdentifier().setValue("x".repeat(65));
        m.getPatient().setDisplay("Doe\\John");
        m.getAuthor().setReference("Device/7").setDisplay(null);
        m.setIdentifier(new org.hl7.fhir.dstu3.model.Identifier().setSystem("urn:dicom:uid").setValue("urn:oid:abc"));
        Map<String, String> p = byLocation(ManifestValidator.validate(m));
        assertTrue(p.get("ImagingManifest.patient.identifier.value").contains("64"), p.toString());
        assertTrue(p.get("ImagingManifest.patient.display").contains("backslash"), p.toString());
        assertTrue(p.get("ImagingManifest.author.identifier").contains("Device Observer UID"), p.toString());
        assertTrue(p.get("ImagingManifest.identifier.value").contains("not a valid DICOM UID"), p.toString());
        assertEquals(4, p.size(), p.toString());
    }

    @Test
    void patientContradictingThePacsIsRefused() {
        ImagingManifest m = Manifests.of(2, 1, 1);
        String study0 = m.getStudy().get(0).getUid().substring(8);
        String study1 = m.getStudy().get(1).getUid().substring(8);
        DataSet other = new DataSet().setString(Tag.PatientID, Vr.LO, "SOMEONE-ELSE");
        ManifestValidationException e = assertThrows(ManifestValidationException.class,
                () -> new ManifestToKos(null).translate(m, Map.of(study0, other)));
        assertEquals("ImagingManifest.patient.identifier.value", e.problems().get(0).location());
        assertTrue(e.problems().get(0).message().contains("contradicts Patient ID 'SOMEONE-ELSE'"), e.getMessage());

        DataSet sameIdOtherIssuer = new DataSet().setString(Tag.PatientID, Vr.LO, "PAT-1")
                .setString(Tag.IssuerOfPatientID, Vr.LO, "OTHER-HOSPITAL");
        e = assertThrows(ManifestValidationException.class,
                () -> new ManifestToKos(null).translate(m, Map.of(study1, sameIdOtherIssuer)));
        assertEquals("ImagingManifest.patient.identifier.system", e.problems().get(0).location());

        m.getPatient().setIdentifier(null).setDisplay("Doe^John");
        DataSet a = new DataSet().setString(Tag.PatientID, Vr.LO, "A");
        DataSet b = new DataSet().setString(Tag.PatientID, Vr.LO, "B");
        e = assertThrows(ManifestValidationException.class,
                () -> new ManifestToKos(null).translate(m, Map.of(study0, a, study1, b)));
        assertTrue(e.problems().get(0).message().contains("one manifest selects the images of one patient"), e.getMessage());

        DataSet same = new DataSet().setString(Tag.PatientID, Vr.LO, "PAT-1").setString(Tag.IssuerOfPatientID, Vr.LO, "1.2.3.4.5");
        ImagingManifest ok = Manifests.of(1, 1, 1);
        assertEquals("PAT-1", new ManifestToKos(null)
                .translate(ok, Map.of(ok.getStudy().get(0).getUid().substring(8), same)).get(0).dataSet()
                .getString(Tag.PatientID));
    }

    @Test
    void anIdentifierForAStudyWhosePatientHasNoIdOnThePacsIsRefused() {
        // Patient ID is Type 2: an empty value is what the PACS holds; a KOS naming an ID in that study
        // would file it under a second patient (seen on Orthanc: C-FIND STUDY then answers it twice)
        ImagingManifest m = Manifests.of(1, 1, 1);
        String study = m.getStudy().get(0).getUid().substring(8);
        DataSet noId = new DataSet().setEmpty(Tag.PatientID, Vr.LO).setString(Tag.PatientName, Vr.PN, "ANON");
        ManifestValidationException e = assertThrows(ManifestValidationException.class,
                () -> new ManifestToKos(null).translate(m, Map.of(study, noId)));
        assertEquals("ImagingManifest.patient.identifier.value", e.problems().get(0).location());
        assertTrue(e.problems().get(0).message().contains("contradicts the empty Patient ID"), e.getMessage());

        // without an identifier the manifest agrees with the PACS, and the KOS keeps the empty ID
        m.getPatient().setIdentifier(null);
        DataSet kos = new ManifestToKos(null).translate(m, Map.of(study, noId)).get(0).dataSet();
        assertTrue(kos.contains(Tag.PatientID), "Type 2: present");
        assertEquals(null, kos.getString(Tag.PatientID));
        assertEquals("ANON", kos.getString(Tag.PatientName));

        // a PACS that did not return Patient ID at all contradicts nothing
        ImagingManifest named = Manifests.of(1, 1, 1);
        String other = named.getStudy().get(0).getUid().substring(8);
        assertEquals("PAT-1", new ManifestToKos(null)
                .translate(named, Map.of(other, new DataSet().setString(Tag.PatientName, Vr.PN, "X"))).get(0)
                .dataSet().getString(Tag.PatientID));
    }

    @Test
    void suppliedUidsAreUsedAndChecked() {
        ImagingManifest m = Manifests.of(2, 1, 1);
        List<KosDocument> docs = new ManifestToKos(null).translate(m, Map.of(), List.of("1.2.3.1", "1.2.3.2"),
                java.util.Arrays.asList("1.2.3.9", null));
        assertEquals("1.2.3.1", docs.get(0).sopInstanceUid());
        assertEquals("1.2.3.2", docs.get(1).dataSet().getString(Tag.SOPInstanceUID));
        assertEquals("1.2.3.9", docs.get(0).dataSet().getString(Tag.SeriesInstanceUID));
        assertTrue(docs.get(1).seriesInstanceUid().startsWith("2.25."));
        assertThrows(IllegalArgumentException.class,
                () -> new ManifestToKos(null).translate(m, Map.of(), List.of("1.2.3.1")));
        assertThrows(IllegalArgumentException.class,
                () -> new ManifestToKos(null).translate(m, Map.of(), List.of("1.2.3.1", "1.2.03")));
    }
}
