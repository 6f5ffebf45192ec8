package com.imagingmanifest.dicomweb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.dicom.data.Vr;
import com.imagingmanifest.dicom.io.Part10;
import com.imagingmanifest.testing.PrivateOrthanc;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** STOW-RS, QIDO-RS and WADO-RS against Orthanc's DICOMweb plugin. */
class DicomwebClientOrthancTest {
    static final PrivateOrthanc ORTHANC = PrivateOrthanc.shared();

    private final DicomwebClient client = new DicomwebClient(ORTHANC.dicomwebUrl(), HttpTransport.builder()
            .auth(HttpAuth.basic(ORTHANC.username(), ORTHANC.password()))
            .requestTimeout(Duration.ofSeconds(30)).build());

    /** A small Part 10 object built with the data model: instance {@code n} of one series. */
    static byte[] instance(String study, String series, String sop, int n) {
        DataSet ds = new DataSet();
        ds.setString(Tag.SOPClassUID, Vr.UI, Uid.SecondaryCaptureImageStorage);
        ds.setString(Tag.SOPInstanceUID, Vr.UI, sop);
        ds.setString(Tag.ContentDate, Vr.DA, "20240301");
        ds.setString(Tag.ContentTime, Vr.TM, "12000" + n);
        ds.setString(Tag.Modality, Vr.CS, "OT");
        ds.setString(Tag.PatientName, Vr.PN, "Stow^Test");
        ds.setString(Tag.PatientID, Vr.LO, "STOW-" + study.substring(study.length() - 8));
        ds.setString(Tag.StudyInstanceUID, Vr.UI, study);
        ds.setString(Tag.SeriesInstanceUID, Vr.UI, series);
        ds.setInt(Tag.InstanceNumber, Vr.IS, n);
        return Part10.write(ds, Uid.ExplicitVRLittleEndian);
    }

    @Test
    void stowSeveralThenQidoPagesThenWadoGivesTheBytesBack() throws Exception {
        String study = Uid.generate();
        String series = Uid.generate();
        List<String> sops = List.of(Uid.generate(), Uid.generate(), Uid.generate());
        List<byte[]> objects = List.of(instance(study, series, sops.get(0), 1), instance(study, series, sops.get(1), 2),
                instance(study, series, sops.get(2), 3));

        StowResult stow = client.store(study, objects);
        assertTrue(stow.allStored(), stow.toString());
        assertEquals(Set.copyOf(sops), Set.copyOf(stow.stored().stream().map(StowResult.Stored::sopInstanceUid).toList()));
        assertTrue(stow.stored().stream().allMatch(s -> Uid.SecondaryCaptureImageStorage.equals(s.sopClassUid())));

        Set<String> paged = new HashSet<>();
        for (int offset = 0; offset < 3; offset++) {
            List<DataSet> page = client.searchInstances(study, series, QidoQuery.create()
                    .includeField(Tag.ContentDate).limit(1).offset(offset));
            assertEquals(1, page.size());
            assertEquals("20240301", page.get(0).getString(Tag.ContentDate), "includefield honoured");
            paged.add(page.get(0).getString(Tag.SOPInstanceUID));
        }
        assertEquals(Set.copyOf(sops), paged, "limit/offset walk every instance once");

        byte[] back = client.retrieveInstance(study, series, sops.get(1)).orElseThrow();
        assertArrayEquals(objects.get(1), back, "transfer-syntax=* gives the object as stored");

        List<DataSet> metadata = client.metadata(study, series, sops.get(2));
        assertEquals(1, metadata.size());
        assertEquals(sops.get(2), metadata.get(0).getString(Tag.SOPInstanceUID));
        assertEquals(3, client.metadata(study, null, null).size());
    }

    @Test
    void qidoAtEachLevelAcrossStudies() throws Exception {
        String study = Uid.generate();
        String series = Uid.generate();
        String sop = Uid.generate();
        client.store(List.of(instance(study, series, sop, 1)));
        assertEquals(1, client.searchStudies(QidoQuery.create().match(Tag.StudyInstanceUID, study)).size());
        List<DataSet> s = client.searchSeries(null, QidoQuery.create().match(Tag.SeriesInstanceUID, series));
        assertEquals(1, s.size());
        assertEquals("OT", s.get(0).getString(Tag.Modality));
        assertEquals(1, client.searchInstances(null, null, QidoQuery.create().match(Tag.SOPInstanceUID, sop)).size());
        assertTrue(client.searchInstances(study, null, QidoQuery.create().match(Tag.SOPInstanceUID, Uid.generate()))
                .isEmpty());
    }

    @Test
    void stowOfSomethingThatIsNotDicomFailsWithTheStatus() {
        DicomwebException e = assertThrows(DicomwebException.class,
                () -> client.store(List.of(new byte[] {'n', 'o', 't'})));
        assertEquals(DicomwebException.Kind.STATUS, e.kind());
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("stored 0 of 1"), e.getMessage());
    }

    @Test
    void wadoOfAnUnknownInstanceIsEmpty() throws Exception {
        assertFalse(client.retrieveInstance(Uid.generate(), Uid.generate(), Uid.generate()).isPresent());
    }
}
