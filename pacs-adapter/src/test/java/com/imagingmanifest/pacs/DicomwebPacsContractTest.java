package com.imagingmanifest.pacs;

import static org.junit.jupiter.api.Assertions.assertThrows;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Vr;
import com.imagingmanifest.testing.PrivateOrthanc;
import java.net.URI;
import java.time.Duration;
import java.util.Set;

/** The contract through DICOMweb alone (STOW-RS, QIDO-RS, WADO-RS) on Orthanc's DICOMweb plugin. */
class DicomwebPacsContractTest extends PacsContractTest {

    @Override
    PacsBinding binding(PrivateOrthanc o, String password, Duration timeout) {
        return binding(PacsBinding.Kind.DICOMWEB, o, password, timeout, o.dicomwebUrl(), null);
    }

    @Override
    PacsBinding bindingAt(int port, Duration timeout) {
        return binding(PacsBinding.Kind.DICOMWEB, ORTHANC, ORTHANC.password(), timeout,
                URI.create("http://127.0.0.1:" + port + "/dicom-web/"), null);
    }

    @Override
    Set<PacsCapability> expectedCapabilities() {
        return caps(PacsCapability.STORE, PacsCapability.FIND, PacsCapability.STUDY_CONTEXT,
                PacsCapability.RETRIEVE, PacsCapability.REJECT);
    }

    /** A base URL Orthanc does not serve: QIDO-RS answers 404. */
    @Override
    PacsException provokeFailure() {
        PacsBinding wrongPath = binding(PacsBinding.Kind.DICOMWEB, ORTHANC, ORTHANC.password(), SHORT,
                URI.create(ORTHANC.restUrl() + "/no-such-dicom-web/"), null);
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
