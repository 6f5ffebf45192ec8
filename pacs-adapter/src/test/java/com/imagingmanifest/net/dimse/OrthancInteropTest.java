package com.imagingmanifest.net.dimse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.dicom.data.Vr;
import com.imagingmanifest.dicom.io.Part10Object;
import com.imagingmanifest.net.KosFixture;
import com.imagingmanifest.net.OrthancRest;
import com.imagingmanifest.testing.PrivateOrthanc;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our SCU against a private Orthanc (C-ECHO, C-STORE, C-FIND at three levels, C-GET). */
class OrthancInteropTest {
    private static PrivateOrthanc orthanc;
    private static DimseClient client;

    @TempDir
    Path dir;

    @BeforeAll
    static void connect() {
        orthanc = PrivateOrthanc.shared();
        client = DimseClient.builder(orthanc.host(), orthanc.dicomPort(), orthanc.aeTitle())
                .callingAeTitle("IMGW-TEST").dimseTimeout(Duration.ofSeconds(30)).build();
    }

    @AfterAll
    static void disconnect() {
        client.close();
    }

    private KosFixture.Kos stored() {
        KosFixture.Kos kos = KosFixture.newKos(dir);
        Part10Object o = kos.object();
        DimseStatus status = client.store(o.sopClassUid(), o.sopInstanceUid(), o.dataSet(), o.transferSyntaxUid());
        assertEquals(StatusCategory.SUCCESS, status.category(), status.toString());
        return kos;
    }

    @Test
    void echo() {
        client.echo();
    }

    @Test
    void storedKosComesBackByteIdenticalThroughRest() {
        KosFixture.Kos kos = stored();
        String id = OrthancRest.instanceId(orthanc, kos.sopInstanceUid());
        assertNotNull(id, "Orthanc knows the stored KOS");
        Part10Object fetched = Part10Object.parse(OrthancRest.instanceFile(orthanc, id));
        assertEquals(kos.object().transferSyntaxUid(), fetched.transferSyntaxUid());
        assertArrayEquals(kos.object().dataSet(), fetched.dataSet(), "data set bytes after the file meta");
    }

    @Test
    void findAtStudyLevel() {
        KosFixture.Kos kos = stored();
        DataSet keys = new DataSet();
        keys.setString(Tag.StudyInstanceUID, Vr.UI, kos.studyInstanceUid());
        keys.setString(Tag.PatientID, Vr.LO, "PAT-KOS-1");
        keys.setString(Tag.ModalitiesInStudy, Vr.CS, "KO");
        keys.setEmpty(Tag.AccessionNumber, Vr.SH);
        keys.setEmpty(Tag.PatientName, Vr.PN);
        List<DataSet> matches = client.find(QueryRetrieveLevel.STUDY, keys);
        assertEquals(1, matches.size(), matches.toString());
        assertEquals(kos.studyInstanceUid(), matches.get(0).getString(Tag.StudyInstanceUID));
        assertEquals("ACC0001", matches.get(0).getString(Tag.AccessionNumber));
        assertEquals("Test^Patient", matches.get(0).getString(Tag.PatientName));
    }

    @Test
    void findAtSeriesLevelWithModalityKo() {
        KosFixture.Kos kos = stored();
        DataSet keys = new DataSet();
        keys.setString(Tag.StudyInstanceUID, Vr.UI, kos.studyInstanceUid());
        keys.setString(Tag.Modality, Vr.CS, "KO");
        keys.setEmpty(Tag.SeriesInstanceUID, Vr.UI);
        keys.setEmpty(Tag.SeriesNumber, Vr.IS);
        List<DataSet> matches = client.find(QueryRetrieveLevel.SERIES, keys);
        assertEquals(1, matches.size(), matches.toString());
        assertEquals(kos.seriesInstanceUid(), matches.get(0).getString(Tag.SeriesInstanceUID));
        assertEquals("99", matches.get(0).getString(Tag.SeriesNumber));
    }

    @Test
    void findAtImageLevel() {
        KosFixture.Kos kos = stored();
        DataSet keys = new DataSet();
        keys.setString(Tag.StudyInstanceUID, Vr.UI, kos.studyInstanceUid());
        keys.setString(Tag.SeriesInstanceUID, Vr.UI, kos.seriesInstanceUid());
        keys.setEmpty(Tag.SOPInstanceUID, Vr.UI);
        keys.setEmpty(Tag.SOPClassUID, Vr.UI);
        List<DataSet> matches = client.find(QueryRetrieveLevel.IMAGE, keys);
        assertEquals(1, matches.size(), matches.toString());
        assertEquals(kos.sopInstanceUid(), matches.get(0).getString(Tag.SOPInstanceUID));
        assertEquals(Uid.KeyObjectSelectionDocumentStorage, matches.get(0).getString(Tag.SOPClassUID));
    }

    @Test
    void findWithNoMatchReturnsSuccessAndNothing() {
        DataSet keys = new DataSet();
        keys.setString(Tag.StudyInstanceUID, Vr.UI, Uid.generate());
        assertTrue(client.find(QueryRetrieveLevel.STUDY, keys).isEmpty());
    }

    @Test
    void cancelledFindStopsAfterTheFirstMatchAndLeavesTheAssociationUsable() {
        // three KOS in three series of one study: three SERIES-level matches
        Map<String, String> study = Map.of("STUDY_UID", Uid.generate());
        List<String> series = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Map<String, String> uids = new java.util.HashMap<>(com.imagingmanifest.testing.TestData.freshKosUids());
            uids.putAll(study);
            Path file = com.imagingmanifest.testing.TestData.dicomFromDump(
                    com.imagingmanifest.testing.TestData.kosTemplate(uids), dir, "kos" + i + ".dcm");
            Part10Object o = Part10Object.parse(readAll(file));
            client.store(o.sopClassUid(), o.sopInstanceUid(), o.dataSet(), o.transferSyntaxUid());
            series.add(uids.get("KOS_SERIES_UID"));
        }
        DataSet keys = new DataSet();
        keys.setString(Tag.StudyInstanceUID, Vr.UI, study.get("STUDY_UID"));
        keys.setEmpty(Tag.SeriesInstanceUID, Vr.UI);
        assertEquals(Set.copyOf(series), client.find(QueryRetrieveLevel.SERIES, keys).stream()
                .map(d -> d.getString(Tag.SeriesInstanceUID)).collect(Collectors.toSet()));
        AtomicInteger seen = new AtomicInteger();
        DimseStatus status = client.find(QueryRetrieveLevel.SERIES, keys, m -> {
            seen.incrementAndGet();
            return false;
        });
        assertEquals(1, seen.get(), "no match is delivered after the cancel");
        assertTrue(status.category() == StatusCategory.CANCEL || status.category() == StatusCategory.SUCCESS,
                status.toString());
        client.echo();
    }

    @Test
    void getRetrievesTheStoredKosOnTheSameAssociation() {
        KosFixture.Kos kos = stored();
        DataSet keys = new DataSet();
        keys.setString(Tag.StudyInstanceUID, Vr.UI, kos.studyInstanceUid());
        keys.setString(Tag.SeriesInstanceUID, Vr.UI, kos.seriesInstanceUid());
        keys.setString(Tag.SOPInstanceUID, Vr.UI, kos.sopInstanceUid());
        Map<String, byte[]> got = new ConcurrentHashMap<>();
        Map<String, String> syntaxes = new ConcurrentHashMap<>();
        DimseClient.GetResult result = client.get(QueryRetrieveLevel.IMAGE, keys, (cuid, iuid, bytes, ts) -> {
            got.put(iuid, bytes);
            syntaxes.put(iuid, ts);
        });
        assertEquals(StatusCategory.SUCCESS, result.status().category(), result.toString());
        assertEquals(1, result.completed());
        assertEquals(0, result.failed());
        assertEquals(Set.of(kos.sopInstanceUid()), got.keySet());
        DataSet expected = com.imagingmanifest.dicom.io.DataSetReader.read(kos.object().dataSet(), 0,
                kos.object().dataSet().length, kos.object().transferSyntaxUid());
        byte[] bytes = got.get(kos.sopInstanceUid());
        assertEquals(expected, com.imagingmanifest.dicom.io.DataSetReader.read(bytes, 0, bytes.length,
                syntaxes.get(kos.sopInstanceUid())));
    }

    private static byte[] readAll(Path file) {
        try {
            return java.nio.file.Files.readAllBytes(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
