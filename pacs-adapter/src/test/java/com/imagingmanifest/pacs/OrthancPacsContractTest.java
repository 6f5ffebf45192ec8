package com.imagingmanifest.pacs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Vr;
import com.imagingmanifest.testing.PrivateOrthanc;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The contract through Orthanc: DICOMweb plus REST delete, change feed and /system. */
class OrthancPacsContractTest extends PacsContractTest {

    @Override
    PacsBinding binding(PrivateOrthanc o, String password, Duration timeout) {
        return binding(PacsBinding.Kind.ORTHANC, o, password, timeout, o.dicomwebUrl(), URI.create(o.restUrl()));
    }

    @Override
    PacsBinding bindingAt(int port, Duration timeout) {
        return binding(PacsBinding.Kind.ORTHANC, ORTHANC, ORTHANC.password(), timeout,
                URI.create("http://127.0.0.1:" + port + "/dicom-web/"), URI.create("http://127.0.0.1:" + port));
    }

    @Override
    Set<PacsCapability> expectedCapabilities() {
        return caps(PacsCapability.STORE, PacsCapability.FIND, PacsCapability.STUDY_CONTEXT,
                PacsCapability.RETRIEVE, PacsCapability.REJECT, PacsCapability.DELETE, PacsCapability.CHANGE_FEED);
    }

    /** The change feed reads each KOS's file while it pages: the poller needs no retrieve of its own. */
    @Test
    void kosSinceHandsOverTheKosFiles() throws Exception {
        String cursor = drain(null);
        TestKos kos = TestKos.fresh().contentAheadOfNow();
        ORTHANC.post("/instances", "application/dicom", kos.part10());
        List<KosChanges.Kos> found = pacs.kosSince(cursor, 100).kos();
        assertEquals(List.of(kos.ref()), found.stream().map(KosChanges.Kos::ref).toList());
        assertArrayEquals(kos.part10(), found.get(0).part10(), "the file as stored");
    }

    /** A base URL Orthanc does not serve: QIDO-RS answers 404. */
    @Override
    PacsException provokeFailure() {
        PacsBinding wrongPath = binding(PacsBinding.Kind.ORTHANC, ORTHANC, ORTHANC.password(), SHORT,
                URI.create(ORTHANC.restUrl() + "/no-such-dicom-web/"), URI.create(ORTHANC.restUrl()));
        try (Pacs p = PacsFactory.open(wrongPath)) {
            DataSet keys = new DataSet();
            keys.setEmpty(Tag.StudyInstanceUID, Vr.UI);
            return assertThrows(PacsException.class, () -> p.find(QueryLevel.STUDY, keys));
        }
    }

    @Override
    PacsException provokeRefusal() {
        try (Pacs p = PacsFactory.open(binding(ORTHANC, "wrong-password", SHORT))) {
            return assertThrows(PacsException.class, p::check);
        }
    }
}
