package com.imagingmanifest.pacs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Sequence;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.dicom.data.Vr;
import com.imagingmanifest.dicom.io.Part10;
import com.imagingmanifest.dicom.io.Part10Object;
import com.imagingmanifest.testing.FreePorts;
import com.imagingmanifest.testing.PrivateOrthanc;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link Pacs} shares, run against a private Orthanc through each
 * implementation. What a kind cannot do is declared by {@link #expectedCapabilities()} and tested as
 * declared: the call throws UNSUPPORTED.
 */
abstract class PacsContractTest {
    static final PrivateOrthanc ORTHANC = PrivateOrthanc.shared();
    static final Duration SHORT = Duration.ofSeconds(2);

    Pacs pacs;

    /** The binding of this kind to {@code orthanc}, with the given credentials and timeouts. */
    abstract PacsBinding binding(PrivateOrthanc orthanc, String password, Duration responseTimeout);

    /** The same binding pointed at {@code port} on 127.0.0.1 (HTTP or DICOM, as the kind talks). */
    abstract PacsBinding bindingAt(int port, Duration responseTimeout);

    abstract Set<PacsCapability> expectedCapabilities();

    /** A call that the PACS answers with a failure status, and the status expected. */
    abstract PacsException provokeFailure() throws Exception;

    /** A binding whose PACS refuses us (wrong password, or association rejected). */
    abstract PacsException provokeRefusal() throws Exception;

    @BeforeEach
    void open() {
        pacs = PacsFactory.open(binding(ORTHANC, ORTHANC.password(), Duration.ofSeconds(30)));
    }

    @AfterEach
    void closePacs() {
        pacs.close();
    }

    // ---- capabilities

    @Test
    void capabilitiesAreDeclared() {
        assertEquals(expectedCapabilities(), pacs.capabilities());
        assertTrue(pacs.supports(SupersededPolicy.KEEP));
        assertEquals(pacs.capabilities().contains(PacsCapability.DELETE), pacs.supports(SupersededPolicy.DELETE));
        assertEquals(pacs.capabilities().contains(PacsCapability.REJECT), pacs.supports(SupersededPolicy.REJECT));
    }

    @Test
    void checkSucceeds() throws Exception {
        pacs.check();
    }

    // ---- store

    @Test
    void storeReturnsTheInstanceAndAcceptsADuplicateSilently() throws Exception {
        TestKos kos = TestKos.fresh();
        byte[] bytes = kos.part10();
        StoreResult first = pacs.store(Part10Object.parse(bytes));
        assertEquals(kos.ref(), first.instance());
        assertFalse(first.warning(), "status " + first.status());
        StoreResult again = pacs.store(Part10Object.parse(bytes));
        assertEquals(kos.ref(), again.instance());
        assertEquals(1, findImages(kos).size(), "a duplicate store must not make a second instance");
    }

    @Test
    void storeRefusesAnObjectWithoutStudyOrSeries() {
        DataSet bare = new DataSet();
        bare.setString(Tag.SOPClassUID, Vr.UI, Uid.KeyObjectSelectionDocumentStorage);
        bare.setString(Tag.SOPInstanceUID, Vr.UI, Uid.generate());
        assertThrows(IllegalArgumentException.class, () -> pacs.store(Part10Object.write(bare, Uid.ExplicitVRLittleEndian)));
    }

    // ---- find

    @Test
    void findAtStudyLevelMatchesByUidAndByPatientId() throws Exception {
        TestKos kos = TestKos.fresh();
        pacs.store(Part10Object.parse(kos.part10()));
        DataSet keys = new DataSet();
        keys.setString(Tag.StudyInstanceUID, Vr.UI, kos.study());
        keys.setEmpty(Tag.PatientID, Vr.LO);
        keys.setEmpty(Tag.PatientName, Vr.PN);
        keys.setEmpty(Tag.StudyDate, Vr.DA);
        keys.setEmpty(Tag.AccessionNumber, Vr.SH);
        List<DataSet> byUid = pacs.find(QueryLevel.STUDY, keys);
        assertEquals(1, byUid.size());
        assertEquals(kos.pid(), byUid.get(0).getString(Tag.PatientID));
        assertEquals("Test^Patient", byUid.get(0).getString(Tag.PatientName));
        assertEquals("20240115", byUid.get(0).getString(Tag.StudyDate));
        assertEquals("ACC0001", byUid.get(0).getString(Tag.AccessionNumber));

        DataSet byPatient = new DataSet();
        byPatient.setEmpty(Tag.StudyInstanceUID, Vr.UI);
        byPatient.setString(Tag.PatientID, Vr.LO, kos.pid());
        List<DataSet> matches = pacs.find(QueryLevel.STUDY, byPatient);
        assertEquals(List.of(kos.study()), matches.stream().map(m -> m.getString(Tag.StudyInstanceUID)).toList());
    }

    @Test
    void findAtSeriesLevel() throws Exception {
        TestKos kos = TestKos.fresh();
        pacs.store(Part10Object.parse(kos.part10()));
        DataSet keys = new DataSet();
        keys.setString(Tag.StudyInstanceUID, Vr.UI, kos.study());
        keys.setEmpty(Tag.SeriesInstanceUID, Vr.UI);
        keys.setEmpty(Tag.Modality, Vr.CS);
        keys.setEmpty(Tag.SeriesNumber, Vr.IS);
        List<DataSet> series = pacs.find(QueryLevel.SERIES, keys);
        assertEquals(1, series.size());
        assertEquals(kos.series(), series.get(0).getString(Tag.SeriesInstanceUID));
        assertEquals("KO", series.get(0).getString(Tag.Modality));
        assertEquals(99, series.get(0).getInt(Tag.SeriesNumber, -1));
    }

    @Test
    void findAtImageLevelWithASequenceAsReturnKeyOnly() throws Exception {
        TestKos kos = TestKos.fresh();
        pacs.store(Part10Object.parse(kos.part10()));
        List<DataSet> images = findImages(kos);
        assertEquals(1, images.size());
        assertEquals(kos.sop(), images.get(0).getString(Tag.SOPInstanceUID));
        assertEquals(Uid.KeyObjectSelectionDocumentStorage, images.get(0).getString(Tag.SOPClassUID));
    }

    @Test
    void findWithoutMatchesIsEmpty() throws Exception {
        DataSet keys = new DataSet();
        keys.setString(Tag.StudyInstanceUID, Vr.UI, Uid.generate());
        assertTrue(pacs.find(QueryLevel.STUDY, keys).isEmpty());
    }

    // ---- study context

    @Test
    void studyContextHoldsPatientAndGeneralStudyAttributes() throws Exception {
        TestKos kos = TestKos.fresh();
        pacs.store(Part10Object.parse(kos.part10()));
        DataSet context = pacs.studyContext(kos.study()).orElseThrow();
        assertEquals("Test^Patient", context.getString(Tag.PatientName));
        assertEquals(kos.pid(), context.getString(Tag.PatientID));
        assertEquals(kos.issuer, context.getString(Tag.IssuerOfPatientID));
        assertEquals("19700101", context.getString(Tag.PatientBirthDate));
        assertEquals("O", context.getString(Tag.PatientSex));
        assertEquals(kos.study(), context.getString(Tag.StudyInstanceUID));
        assertEquals("20240115", context.getString(Tag.StudyDate));
        assertEquals("100000", context.getString(Tag.StudyTime).substring(0, 6));
        assertEquals("ACC0001", context.getString(Tag.AccessionNumber));
        assertEquals("STUDY1", context.getString(Tag.StudyID));
        assertFalse(context.contains(Tag.SOPInstanceUID), "only study context attributes");
    }

    @Test
    void studyContextOfAnUnknownStudyIsEmpty() throws Exception {
        assertEquals(Optional.empty(), pacs.studyContext(Uid.generate()));
    }

    // ---- retrieve

    @Test
    void retrieveGivesTheDataSetThatWasStored() throws Exception {
        TestKos kos = TestKos.fresh();
        byte[] bytes = kos.part10();
        pacs.store(Part10Object.parse(bytes));
        byte[] back = pacs.retrieve(kos.study(), kos.series(), kos.sop()).orElseThrow();
        assertEquals(Part10.read(bytes).dataSet(), Part10.read(back).dataSet());
    }

    @Test
    void retrieveOfAnUnknownInstanceIsEmpty() throws Exception {
        TestKos kos = TestKos.fresh();
        pacs.store(Part10Object.parse(kos.part10()));
        assertEquals(Optional.empty(), pacs.retrieve(kos.study(), kos.series(), Uid.generate()));
    }

    // ---- remove

    @Test
    void removeByEachPolicyAsDeclared() throws Exception {
        for (SupersededPolicy policy : SupersededPolicy.values()) {
            TestKos kos = TestKos.fresh();
            pacs.store(Part10Object.parse(kos.part10()));
            if (!pacs.supports(policy)) {
                PacsException e = assertThrows(PacsException.class, () -> pacs.remove(kos.ref(), policy));
                assertEquals(PacsException.Kind.UNSUPPORTED, e.kind(), policy.name());
                assertEquals(1, findImages(kos).size(), policy + ": nothing may change");
                continue;
            }
            pacs.remove(kos.ref(), policy);
            switch (policy) {
                case KEEP -> assertTrue(pacs.retrieve(kos.study(), kos.series(), kos.sop()).isPresent());
                case DELETE -> {
                    assertTrue(pacs.retrieve(kos.study(), kos.series(), kos.sop()).isEmpty());
                    assertTrue(findImages(kos).isEmpty());
                    pacs.remove(kos.ref(), policy); // again: already gone is not an error
                }
                case REJECT -> assertRejected(kos);
            }
        }
    }

    /** The study holds a new KOS titled 113001 that references the rejected one. */
    private void assertRejected(TestKos kos) throws Exception {
        DataSet keys = new DataSet();
        keys.setString(Tag.StudyInstanceUID, Vr.UI, kos.study());
        keys.setEmpty(Tag.SeriesInstanceUID, Vr.UI);
        keys.setEmpty(Tag.SOPInstanceUID, Vr.UI);
        List<DataSet> all = pacs.find(QueryLevel.IMAGE, keys);
        assertEquals(2, all.size(), "the KOS and its rejection note");
        DataSet noteRef = all.stream().filter(d -> !kos.sop().equals(d.getString(Tag.SOPInstanceUID)))
                .findFirst().orElseThrow();
        DataSet note = Part10.read(pacs.retrieve(kos.study(), noteRef.getString(Tag.SeriesInstanceUID),
                noteRef.getString(Tag.SOPInstanceUID)).orElseThrow()).dataSet();
        assertEquals("113001", note.getItem(Tag.ConceptNameCodeSequence, 0).getString(Tag.CodeValue));
        assertEquals(kos.pid(), note.getString(Tag.PatientID));
        Sequence sops = note.getItem(Tag.CurrentRequestedProcedureEvidenceSequence, 0)
                .getItem(Tag.ReferencedSeriesSequence, 0).getSequence(Tag.ReferencedSOPSequence);
        assertEquals(kos.sop(), sops.get(0).getString(Tag.ReferencedSOPInstanceUID));
        assertTrue(pacs.retrieve(kos.study(), kos.series(), kos.sop()).isPresent(), "rejected, not deleted");
    }

    // ---- KOS feed

    @Test
    void kosSinceFindsAKosStoredStraightIntoThePacsAndPagesExactly() throws Exception {
        String cursor = drain(null);
        TestKos first = TestKos.fresh().contentAheadOfNow();
        TestKos second = TestKos.fresh().contentAheadOfNow();
        ORTHANC.post("/instances", "application/dicom", first.part10());
        ORTHANC.post("/instances", "application/dicom", second.part10());

        List<InstanceRef> seen = new ArrayList<>();
        String c = cursor;
        for (int polls = 0; polls < 10; polls++) {
            KosChanges page = pacs.kosSince(c, 1);
            assertTrue(page.instances().size() <= 1, "limit honoured");
            seen.addAll(page.instances());
            c = page.nextCursor();
            if (page.done()) {
                break;
            }
        }
        assertTrue(seen.contains(first.ref()), "first KOS reported: " + seen);
        assertTrue(seen.contains(second.ref()), "second KOS reported: " + seen);
        assertEquals(seen.size(), seen.stream().distinct().count(), "nothing reported twice");
        assertTrue(pacs.kosSince(c, 10).instances().isEmpty(), "nothing new after the last cursor");
    }

    @Test
    void kosSinceSkipsAKosDeletedBeforeThePoll() throws Exception {
        String cursor = drain(null);
        TestKos gone = TestKos.fresh().contentAheadOfNow();
        TestKos kept = TestKos.fresh().contentAheadOfNow();
        String id = orthancId(ORTHANC.post("/instances", "application/dicom", gone.part10()));
        ORTHANC.post("/instances", "application/dicom", kept.part10());
        assertEquals(200, ORTHANC.delete("/instances/" + id));
        List<InstanceRef> seen = new ArrayList<>();
        KosChanges page = pacs.kosSince(cursor, 100);
        seen.addAll(page.instances());
        assertTrue(seen.contains(kept.ref()));
        assertFalse(seen.contains(gone.ref()), "a deleted KOS is not reported");
    }

    @Test
    void kosSinceRefusesAForeignCursor() {
        assertThrows(IllegalArgumentException.class, () -> pacs.kosSince("not-a-cursor", 10));
        assertThrows(IllegalArgumentException.class, () -> pacs.kosSince(null, 0));
    }

    // ---- typed errors

    @Test
    void closedPortIsUnreachable() {
        try (Pacs dead = PacsFactory.open(bindingAt(FreePorts.find(), SHORT))) {
            PacsException e = assertThrows(PacsException.class, dead::check);
            assertEquals(PacsException.Kind.UNREACHABLE, e.kind(), e.getMessage());
        }
    }

    @Test
    void silentPeerTimesOut() throws Exception {
        try (SilentServer silent = new SilentServer(); Pacs mute = PacsFactory.open(bindingAt(silent.port(), SHORT))) {
            PacsException e = assertThrows(PacsException.class, mute::check);
            assertEquals(PacsException.Kind.TIMEOUT, e.kind(), e.getMessage());
        }
    }

    @Test
    void refusalIsTyped() throws Exception {
        PacsException e = provokeRefusal();
        assertEquals(PacsException.Kind.REFUSED, e.kind(), e.getMessage());
    }

    @Test
    void failureStatusIsTyped() throws Exception {
        PacsException e = provokeFailure();
        assertEquals(PacsException.Kind.FAILED, e.kind(), e.getMessage());
        assertTrue(e.status() > 0, "the PACS's status is kept: " + e.status());
    }

    // ---- helpers

    List<DataSet> findImages(TestKos kos) throws PacsException {
        DataSet keys = new DataSet();
        keys.setString(Tag.StudyInstanceUID, Vr.UI, kos.study());
        keys.setString(Tag.SeriesInstanceUID, Vr.UI, kos.series());
        keys.setEmpty(Tag.SOPInstanceUID, Vr.UI);
        keys.setEmpty(Tag.SOPClassUID, Vr.UI);
        keys.setEmpty(Tag.InstanceNumber, Vr.IS);
        keys.setEmpty(Tag.ContentSequence, Vr.SQ);
        return pacs.find(QueryLevel.IMAGE, keys);
    }

    /** Polls until done; returns the cursor after everything known now. */
    String drain(String cursor) throws PacsException {
        String c = cursor;
        for (int i = 0; i < 1000; i++) {
            KosChanges page = pacs.kosSince(c, 1000);
            c = page.nextCursor();
            if (page.done()) {
                return c;
            }
        }
        throw new AssertionError("feed never done");
    }

    static String orthancId(String postAnswer) {
        int at = postAnswer.indexOf("\"ID\"");
        int start = postAnswer.indexOf('"', postAnswer.indexOf(':', at)) + 1;
        return postAnswer.substring(start, postAnswer.indexOf('"', start));
    }

    static PacsBinding binding(PacsBinding.Kind kind, PrivateOrthanc o, String password, Duration timeout,
            URI dicomweb, URI rest) {
        return new PacsBinding(kind, o.aeTitle(), o.host(), o.dicomPort(), "GATEWAYTEST", dicomweb, null, rest,
                o.username(), password, SupersededPolicy.REJECT, SHORT, timeout);
    }

    static Set<PacsCapability> caps(PacsCapability... c) {
        return c.length == 0 ? EnumSet.noneOf(PacsCapability.class) : EnumSet.of(c[0], c);
    }
}
