package com.imagingmanifest.pacs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.dicom.data.Vr;
import com.imagingmanifest.dicom.io.Part10;
import com.imagingmanifest.dicom.io.Part10Object;
import com.imagingmanifest.testing.Dcmqrscp;
import com.imagingmanifest.testing.Dcmtk;
import com.imagingmanifest.testing.ToolResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DIMSE binding against a second, independent archive: DCMTK's dcmqrscp, which enforces
 * hierarchical C-FIND, indexes no Content Date/Time and has no delete.
 */
class DimsePacsDcmqrscpTest {
    static Dcmqrscp archive;
    static Pacs pacs;

    @BeforeAll
    static void start() {
        archive = Dcmqrscp.start("QRARCHIVE", List.of());
        pacs = PacsFactory.open(new PacsBinding(PacsBinding.Kind.DIMSE, archive.aeTitle(), archive.host(),
                archive.port(), "GATEWAYTEST", null, null, null, null, null, SupersededPolicy.REJECT,
                Duration.ofSeconds(5), Duration.ofSeconds(30)));
    }

    @AfterAll
    static void stop() {
        pacs.close();
        archive.close();
    }

    @Test
    void storesFindsTheStudyContextAndRetrievesByCGet() throws Exception {
        pacs.check();
        TestKos kos = TestKos.fresh();
        byte[] bytes = kos.part10();
        assertEquals(0, pacs.store(Part10Object.parse(bytes)).status());
        pacs.store(Part10Object.parse(bytes)); // a duplicate is no error
        DataSet context = pacs.studyContext(kos.study()).orElseThrow();
        assertEquals(kos.pid(), context.getString(Tag.PatientID));
        assertEquals(Optional.empty(), pacs.studyContext(Uid.generate()));
        byte[] back = pacs.retrieve(kos.study(), kos.series(), kos.sop()).orElseThrow();
        assertEquals(Part10.read(bytes).dataSet(), Part10.read(back).dataSet());
        assertEquals(Optional.empty(), pacs.retrieve(kos.study(), kos.series(), Uid.generate()));
    }

    @Test
    void aFlatImageQueryIsRefusedWithAFailureStatus() throws Exception {
        // the archive checks the hierarchy against the records it holds: an empty one answers nothing
        pacs.store(Part10Object.parse(TestKos.fresh().part10()));
        DataSet keys = new DataSet();
        keys.setEmpty(Tag.SOPInstanceUID, Vr.UI);
        PacsException e = assertThrows(PacsException.class, () -> pacs.find(QueryLevel.IMAGE, keys),
                () -> archive.logText().substring(Math.max(0, archive.logText().length() - 3000)));
        assertEquals(PacsException.Kind.FAILED, e.kind(), e.getMessage());
        assertTrue(e.status() > 0, "the archive's status is kept: " + e.getMessage());
    }

    @Test
    void deleteIsUnsupportedRejectStoresANoteAndDiscardRejectsForPatientSafety() throws Exception {
        TestKos superseded = TestKos.fresh();
        pacs.store(Part10Object.parse(superseded.part10()));
        PacsException e = assertThrows(PacsException.class,
                () -> pacs.remove(superseded.ref(), SupersededPolicy.DELETE));
        assertEquals(PacsException.Kind.UNSUPPORTED, e.kind());
        pacs.remove(superseded.ref(), SupersededPolicy.REJECT);
        assertEquals("113001", noteTitle(superseded));

        TestKos abandoned = TestKos.fresh();
        pacs.store(Part10Object.parse(abandoned.part10()));
        String noteUid = pacs.discard(abandoned.ref()).orElseThrow();
        assertEquals("113037", noteTitle(abandoned));
        assertTrue(sopUids(abandoned.study()).contains(noteUid));
        assertTrue(sopUids(abandoned.study()).contains(abandoned.sop()), "rejected, not deleted");
        assertEquals(Optional.empty(), pacs.discard(TestKos.fresh().ref()), "an unknown study holds nothing to reject");
    }

    @Test
    void kosSinceWalksDownTheHierarchyAndFindsAnImplicitVrKosOfAnotherProducer(@TempDir Path dir)
            throws Exception {
        String cursor = drain(null);
        TestKos foreign = TestKos.fresh();
        Path explicit = Files.write(dir.resolve("explicit.dcm"), foreign.part10());
        Path implicit = dir.resolve("implicit.dcm");
        // a producer that writes Implicit VR Little Endian, the default transfer syntax (PS3.5 10.1)
        ToolResult converted = Dcmtk.run(Dcmtk.DEFAULT_TIMEOUT, "dcmconv", "+ti", explicit.toString(),
                implicit.toString());
        assertEquals(0, converted.exitCode(), converted.output());
        assertTrue(Dcmtk.dcmdump(implicit).contains("=LittleEndianImplicit"), "the file is in Implicit VR");
        ToolResult stored = Dcmtk.run(Duration.ofSeconds(30), "storescu", "-xi", "-aec", archive.aeTitle(),
                archive.host(), String.valueOf(archive.port()), implicit.toString());
        // -xi: only Implicit VR Little Endian is proposed, so the archive receives it that way
        assertEquals(0, stored.exitCode(), stored.output());

        KosChanges page = pacs.kosSince(cursor, 100);
        assertTrue(page.instances().contains(foreign.ref()), "found: " + page.instances());
        assertFalse(pacs.kosSince(page.nextCursor(), 100).instances().contains(foreign.ref()), "reported once");
        byte[] fetched = pacs.retrieve(foreign.study(), foreign.series(), foreign.sop()).orElseThrow();
        assertEquals(foreign.sop(), Part10.read(fetched).dataSet().getString(Tag.SOPInstanceUID));
    }

    private static String drain(String from) throws PacsException {
        String c = from;
        for (int i = 0; i < 100; i++) {
            KosChanges page = pacs.kosSince(c, 100);
            c = page.nextCursor();
            if (page.done()) {
                return c;
            }
        }
        throw new AssertionError("the feed did not end");
    }

    private static List<String> sopUids(String study) throws PacsException {
        List<String> out = new ArrayList<>();
        DataSet seriesKeys = new DataSet();
        seriesKeys.setString(Tag.StudyInstanceUID, Vr.UI, study);
        seriesKeys.setEmpty(Tag.SeriesInstanceUID, Vr.UI);
        for (DataSet series : pacs.find(QueryLevel.SERIES, seriesKeys)) {
            DataSet keys = new DataSet();
            keys.setString(Tag.StudyInstanceUID, Vr.UI, study);
            keys.setString(Tag.SeriesInstanceUID, Vr.UI, series.getString(Tag.SeriesInstanceUID));
            keys.setEmpty(Tag.SOPInstanceUID, Vr.UI);
            pacs.find(QueryLevel.IMAGE, keys).forEach(d -> out.add(d.getString(Tag.SOPInstanceUID)));
        }
        return out;
    }

    /** The title of the one rejection note in the KOS's study, fetched by C-GET. */
    private static String noteTitle(TestKos kos) throws PacsException {
        DataSet seriesKeys = new DataSet();
        seriesKeys.setString(Tag.StudyInstanceUID, Vr.UI, kos.study());
        seriesKeys.setString(Tag.Modality, Vr.CS, "KO");
        seriesKeys.setEmpty(Tag.SeriesInstanceUID, Vr.UI);
        List<String> titles = new ArrayList<>();
        for (DataSet series : pacs.find(QueryLevel.SERIES, seriesKeys)) {
            String seriesUid = series.getString(Tag.SeriesInstanceUID);
            DataSet keys = new DataSet();
            keys.setString(Tag.StudyInstanceUID, Vr.UI, kos.study());
            keys.setString(Tag.SeriesInstanceUID, Vr.UI, seriesUid);
            keys.setEmpty(Tag.SOPInstanceUID, Vr.UI);
            for (DataSet image : pacs.find(QueryLevel.IMAGE, keys)) {
                String sop = image.getString(Tag.SOPInstanceUID);
                if (sop.equals(kos.sop())) {
                    continue;
                }
                DataSet note = Part10.read(pacs.retrieve(kos.study(), seriesUid, sop).orElseThrow()).dataSet();
                assertEquals(kos.sop(), note.getItem(Tag.CurrentRequestedProcedureEvidenceSequence, 0)
                        .getItem(Tag.ReferencedSeriesSequence, 0).getSequence(Tag.ReferencedSOPSequence).get(0)
                        .getString(Tag.ReferencedSOPInstanceUID));
                titles.add(note.getItem(Tag.ConceptNameCodeSequence, 0).getString(Tag.CodeValue));
            }
        }
        assertEquals(1, titles.size(), "one rejection note: " + titles);
        return titles.get(0);
    }

    /**
     * An archive that does not know the called AE title answers A-ASSOCIATE-RJ (dcmqrscp: permanent,
     * service user, called AE title not recognized): REFUSED, which the FHIR side answers with 503,
     * with the standard's reason in the message for the log.
     */
    @Test
    void anUnknownCalledAeTitleIsRefusedWithTheReason() {
        try (Pacs stranger = PacsFactory.open(new PacsBinding(PacsBinding.Kind.DIMSE, "NOSUCHAE", archive.host(),
                archive.port(), "GATEWAYTEST", null, null, null, null, null, SupersededPolicy.REJECT,
                Duration.ofSeconds(5), Duration.ofSeconds(30)))) {
            PacsException e = assertThrows(PacsException.class, stranger::check);
            assertEquals(PacsException.Kind.REFUSED, e.kind());
            assertTrue(e.getMessage().contains("called-AE-title-not-recognized"), e.getMessage());
            PacsException store = assertThrows(PacsException.class,
                    () -> stranger.store(Part10Object.parse(TestKos.fresh().part10())));
            assertEquals(PacsException.Kind.REFUSED, store.kind());
        }
    }

    /**
     * dcmqrscp enforces hierarchical C-FIND (PS3.4 C.4.1.2.1): an IMAGE-level query without the series
     * UID is refused with a failure status, which the adapter reports as FAILED naming the status.
     */
    @Test
    void aRelationalQueryIsRefusedWithItsStatus() throws Exception {
        TestKos kos = TestKos.fresh();
        pacs.store(Part10Object.parse(kos.part10()));
        DataSet keys = new DataSet();
        keys.setString(Tag.StudyInstanceUID, Vr.UI, kos.study());
        keys.setEmpty(Tag.SOPInstanceUID, Vr.UI);
        PacsException e = assertThrows(PacsException.class, () -> pacs.find(QueryLevel.IMAGE, keys));
        assertEquals(PacsException.Kind.FAILED, e.kind());
        assertTrue(e.status() > 0 && e.getMessage().contains("C-FIND"), e.status() + " " + e.getMessage());
    }
}
