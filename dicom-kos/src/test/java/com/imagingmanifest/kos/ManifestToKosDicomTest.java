package com.imagingmanifest.kos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.dicom.data.Vr;
import com.imagingmanifest.testing.Dcmtk;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.dstu3.model.Identifier;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.hl7.fhir.dstu3.model.Reference;
import org.hl7.fhir.dstu3.model.StringType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** KOS written from manifests, checked by the real peers: dciodvfy (IOD) and dsrdump (TID 2010 tree). */
class ManifestToKosDicomTest {
    @TempDir
    Path dir;

    /** dciodvfy passes (no errors, only allowed warnings); returns the dsrdump tree. */
    private String check(KosDocument kos, String name) {
        Dciodvfy.verify(kos.toPart10(), dir, name);
        return Dcmtk.dsrdump(dir.resolve(name + ".dcm"));
    }

    private static long count(String text, String needle) {
        return text.lines().filter(l -> l.contains(needle)).count();
    }

    @Test
    void basicManifestFromSharedTestData() {
        List<KosDocument> docs = new ManifestToKos(null).translate(Manifests.basic(), Map.of());
        assertEquals(1, docs.size());
        String tree = check(docs.get(0), "basic");
        assertTrue(tree.contains("<CONTAINER:(,,\"Of Interest\")=SEPARATE>"), tree);
        assertTrue(tree.contains("<has obs context PNAME:(,,\"Person Observer Name\")=\"Doe^Jane\">"), tree);
        assertTrue(tree.contains("<contains TEXT:(,,\"Key Object Description\")=\"Selected by FHIR gateway probe\">"), tree);
        assertEquals(2, count(tree, "<contains IMAGE:=(CT image,)>"), tree);
        assertTrue(tree.contains("Patient             : Test^Patient (#PAT-KOS-1:1.2.3.4.5)"), tree);
        assertTrue(tree.contains("Content Date/Time   : 2024-01-15 10:15:00"), tree);
        DataSet ds = docs.get(0).dataSet();
        assertEquals("+0100", ds.getString(Tag.TimezoneOffsetFromUTC));
        assertEquals("2.25.111111111111111111111111111111111111", ds.getString(Tag.StudyInstanceUID));
        assertNull(ds.getString(Tag.SpecificCharacterSet), "ASCII only: default repertoire");
    }

    @Test
    void multiSeriesWithoutDescription() {
        ImagingManifest m = Manifests.of(1, 3, 2);
        m.setDescriptionElement(null);
        KosDocument kos = new ManifestToKos(null).translate(m, Map.of()).get(0);
        String tree = check(kos, "multi-series");
        assertFalse(tree.contains("Key Object Description"), tree);
        assertEquals(6, count(tree, "<contains IMAGE:"), tree);
        DataSet study = kos.dataSet().getItem(Tag.CurrentRequestedProcedureEvidenceSequence, 0);
        assertEquals(3, study.getSequence(Tag.ReferencedSeriesSequence).size());
    }

    @Test
    void multiStudyGivesIdenticalCopiesLinkedToEachOther() {
        ImagingManifest m = Manifests.of(3, 1, 2);
        List<KosDocument> docs = new ManifestToKos(null).translate(m, Map.of());
        assertEquals(3, docs.size());
        for (int i = 0; i < 3; i++) {
            KosDocument kos = docs.get(i);
            String tree = check(kos, "multi-study-" + i);
            assertEquals(6, count(tree, "<contains IMAGE:"), "every copy selects every instance\n" + tree);
            assertEquals(m.getStudy().get(i).getUid(), "urn:oid:" + kos.studyInstanceUid());
            List<DataSet> identical = kos.dataSet().getSequence(Tag.IdenticalDocumentsSequence);
            assertEquals(2, identical.size());
            int k = 0;
            for (int j = 0; j < 3; j++) {
                if (j == i) {
                    continue;
                }
                DataSet item = identical.get(k++);
                assertEquals(docs.get(j).studyInstanceUid(), item.getString(Tag.StudyInstanceUID));
                DataSet series = item.getItem(Tag.ReferencedSeriesSequence, 0);
                assertEquals(docs.get(j).seriesInstanceUid(), series.getString(Tag.SeriesInstanceUID));
                assertEquals(docs.get(j).sopInstanceUid(),
                        series.getItem(Tag.ReferencedSOPSequence, 0).getString(Tag.ReferencedSOPInstanceUID));
            }
        }
        assertEquals(3, docs.stream().map(KosDocument::sopInstanceUid).distinct().count());
        assertEquals(3, docs.stream().map(KosDocument::seriesInstanceUid).distinct().count());
    }

    @Test
    void nonAsciiPatientAndAuthorAreWrittenAsIsoIr192() {
        ImagingManifest m = Manifests.of(1, 1, 1);
        m.getPatient().setDisplay("Müller^Jürgen=山田^太郎");
        m.getAuthor().setDisplay("Ødegård^Åse");
        m.getAuthor().addExtension(ManifestExtensions.OBSERVER_ORGANIZATION, new StringType("Hôpital Saint-Éloi"));
        m.setDescription("Läsion im Segment VII — größter Durchmesser");
        KosDocument kos = new ManifestToKos(null).translate(m, Map.of()).get(0);
        assertEquals("ISO_IR 192", kos.dataSet().getString(Tag.SpecificCharacterSet));
        String tree = check(kos, "non-ascii");
        assertTrue(tree.contains("Müller^Jürgen=山田^太郎"), tree);
        assertTrue(tree.contains("=\"Ødegård^Åse\""), tree);
        assertTrue(tree.contains("=\"Hôpital Saint-Éloi\""), tree);
        assertTrue(tree.contains("=\"Läsion im Segment VII"), tree); // dsrdump shortens long text
        assertEquals("Läsion im Segment VII — größter Durchmesser", new KosToManifest()
                .translate(com.imagingmanifest.dicom.io.Part10.read(kos.toPart10()).dataSet()).getDescription());
        assertTrue(Dcmtk.dcmdump(dir.resolve("non-ascii.dcm")).contains("ISO_IR 192"));
    }

    @Test
    void deviceAuthorBecomesDeviceObserver() {
        ImagingManifest m = Manifests.of(1, 1, 1);
        String deviceUid = Uid.generate();
        m.setAuthor(new Reference().setIdentifier(new Identifier().setSystem("urn:dicom:uid")
                .setValue("urn:oid:" + deviceUid)).setDisplay("CAD Workstation 3"));
        KosDocument kos = new ManifestToKos(null).translate(m, Map.of()).get(0);
        String tree = check(kos, "device");
        assertTrue(tree.contains("<has obs context CODE:(,,\"Observer Type\")=(121007,DCM,\"Device\")>"), tree);
        assertTrue(tree.contains("<has obs context UIDREF:(,,\"Device Observer UID\")=\"" + deviceUid + "\">"), tree);
        assertTrue(tree.contains("<has obs context TEXT:(,,\"Device Observer Name\")=\"CAD Workstation 3\">"), tree);
    }

    @Test
    void endpointsAndBindingGiveRetrieveUrlAndAeTitleOnEverySeries() {
        ImagingManifest m = Manifests.of(1, 3, 1);
        m.addContained(Manifests.wadoRs("study-ep", "https://pacs.example.org/dicom-web", "STUDY_AE"));
        m.addContained(Manifests.wadoRs("series-ep", "https://viewer.example.org/wado/", null));
        m.getStudy().get(0).addEndpoint(new Reference("#study-ep"));
        m.getStudy().get(0).getSeries().get(1).addEndpoint(new Reference("#series-ep"));
        RetrieveLocation binding = new RetrieveLocation("PACS_AE", "https://public.example.org/dicomweb");
        KosDocument kos = new ManifestToKos(binding).translate(m, Map.of()).get(0);
        check(kos, "endpoints");
        String study = kos.studyInstanceUid();
        List<DataSet> series = kos.dataSet().getItem(Tag.CurrentRequestedProcedureEvidenceSequence, 0)
                .getSequence(Tag.ReferencedSeriesSequence);
        String s0 = series.get(0).getString(Tag.SeriesInstanceUID);
        assertEquals("https://pacs.example.org/dicom-web/studies/" + study + "/series/" + s0,
                series.get(0).getString(Tag.RetrieveURL));
        assertEquals("STUDY_AE", series.get(0).getString(Tag.RetrieveAETitle));
        String s1 = series.get(1).getString(Tag.SeriesInstanceUID);
        assertEquals("https://viewer.example.org/wado/studies/" + study + "/series/" + s1,
                series.get(1).getString(Tag.RetrieveURL), "the series endpoint overrides the study's");
        assertNull(series.get(1).getString(Tag.RetrieveAETitle), "a foreign endpoint gets no AE title");

        ImagingManifest plain = Manifests.of(1, 2, 1);
        KosDocument bound = new ManifestToKos(binding).translate(plain, Map.of()).get(0);
        check(bound, "binding");
        for (DataSet item : bound.dataSet().getItem(Tag.CurrentRequestedProcedureEvidenceSequence, 0)
                .getSequence(Tag.ReferencedSeriesSequence)) {
            assertEquals("PACS_AE", item.getString(Tag.RetrieveAETitle));
            assertTrue(item.getString(Tag.RetrieveURL).startsWith("https://public.example.org/dicomweb/studies/"));
        }
    }

    @Test
    void waveformAndCompositeItemsFollowTheSopClass() {
        ImagingManifest m = Manifests.of(1, 1, 1);
        ImagingManifest.SeriesComponent s = m.getStudy().get(0).getSeries().get(0);
        s.addInstance().setSopClass("urn:oid:" + Manifests.ECG).setUid("urn:oid:" + Uid.generate());
        s.addInstance().setSopClass("urn:oid:" + Manifests.PDF).setUid("urn:oid:" + Uid.generate());
        m.addExtension(KosTitle.EXTENSION_URL, Manifests.title("113004"));
        KosDocument kos = new ManifestToKos(null).translate(m, Map.of()).get(0);
        String tree = check(kos, "value-types");
        assertTrue(tree.contains("<CONTAINER:(,,\"For Teaching\")=SEPARATE>"), tree);
        assertEquals(1, count(tree, "<contains IMAGE:"), tree);
        assertEquals(1, count(tree, "<contains WAVEFORM:"), tree);
        assertEquals(1, count(tree, "<contains COMPOSITE:"), tree);
    }

    @Test
    void studyContextFromThePacsFillsPatientAndStudy() {
        ImagingManifest m = Manifests.of(1, 1, 1);
        String study = m.getStudy().get(0).getUid().substring(8);
        DataSet ctx = new DataSet();
        ctx.setString(Tag.PatientName, Vr.PN, "DOE^JOHN^Q");
        ctx.setString(Tag.PatientID, Vr.LO, "PAT-1");
        ctx.setString(Tag.IssuerOfPatientID, Vr.LO, "1.2.3.4.5");
        ctx.setString(Tag.PatientBirthDate, Vr.DA, "19600102");
        ctx.setString(Tag.PatientSex, Vr.CS, "M");
        ctx.setString(Tag.StudyDate, Vr.DA, "20240301");
        ctx.setString(Tag.StudyTime, Vr.TM, "081500");
        ctx.setString(Tag.AccessionNumber, Vr.SH, "ACC-9");
        ctx.setString(Tag.StudyID, Vr.SH, "S9");
        ctx.setString(Tag.ReferringPhysicianName, Vr.PN, "House^Gregory");
        ctx.setString(Tag.Modality, Vr.CS, "CT"); // series-level: must not leak into the KOS
        KosDocument kos = new ManifestToKos(null).translate(m, Map.of(study, ctx)).get(0);
        check(kos, "context");
        DataSet ds = kos.dataSet();
        assertEquals("DOE^JOHN^Q", ds.getString(Tag.PatientName));
        assertEquals("19600102", ds.getString(Tag.PatientBirthDate));
        assertEquals("ACC-9", ds.getString(Tag.AccessionNumber));
        assertEquals("House^Gregory", ds.getString(Tag.ReferringPhysicianName));
        assertEquals("KO", ds.getString(Tag.Modality));
    }
}
