package com.imagingmanifest.pacs;

import static org.junit.jupiter.api.Assertions.assertThrows;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.dicom.data.Vr;
import com.imagingmanifest.dicom.io.Part10;
import com.imagingmanifest.dicom.io.Part10Object;
import com.imagingmanifest.testing.PrivateOrthanc;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/** The contract over DIMSE (C-ECHO, C-STORE, C-FIND, C-GET) against Orthanc's DICOM server. */
class DimsePacsContractTest extends PacsContractTest {
    /** Enhanced CT Image Storage: Orthanc accepts it, the C-GET associations do not propose it. */
    static final String ENHANCED_CT = "1.2.840.10008.5.1.4.1.1.2.1";

    @Override
    PacsBinding binding(PrivateOrthanc o, String password, Duration timeout) {
        return binding(PacsBinding.Kind.DIMSE, o, password, timeout, null, null);
    }

    @Override
    PacsBinding bindingAt(int port, Duration timeout) {
        return new PacsBinding(PacsBinding.Kind.DIMSE, ORTHANC.aeTitle(), "127.0.0.1", port, "GATEWAYTEST", null,
                null, null, null, null, SupersededPolicy.REJECT, SHORT, timeout);
    }

    @Override
    Set<PacsCapability> expectedCapabilities() {
        return caps(PacsCapability.STORE, PacsCapability.FIND, PacsCapability.STUDY_CONTEXT,
                PacsCapability.RETRIEVE, PacsCapability.REJECT);
    }

    /**
     * Orthanc holds an Enhanced CT instance, but the C-GET association offers no storage context for
     * it: the C-STORE sub-operation fails and Orthanc ends the C-GET with a failure or warning status.
     */
    @Override
    PacsException provokeFailure() throws Exception {
        String study = Uid.generate();
        String series = Uid.generate();
        String sop = Uid.generate();
        DataSet ds = new DataSet();
        ds.setString(Tag.SOPClassUID, Vr.UI, ENHANCED_CT);
        ds.setString(Tag.SOPInstanceUID, Vr.UI, sop);
        ds.setString(Tag.Modality, Vr.CS, "CT");
        ds.setString(Tag.PatientID, Vr.LO, "PAT-ENH-CT");
        ds.setString(Tag.StudyInstanceUID, Vr.UI, study);
        ds.setString(Tag.SeriesInstanceUID, Vr.UI, series);
        pacs.store(Part10Object.write(ds, Uid.ExplicitVRLittleEndian));
        return assertThrows(PacsException.class, () -> pacs.retrieve(study, series, sop));
    }

    /** An Orthanc that checks the called AE title rejects an association addressed to another. */
    @Override
    PacsException provokeRefusal() {
        try (PrivateOrthanc strict = PrivateOrthanc.start(Map.of("DicomCheckCalledAet", true))) {
            PacsBinding right = binding(strict, null, SHORT);
            PacsBinding wrongAe = new PacsBinding(PacsBinding.Kind.DIMSE, "NOT_ORTHANC", right.host(), right.port(),
                    right.callingAeTitle(), null, null, null, null, null, SupersededPolicy.REJECT, SHORT, SHORT);
            try (Pacs p = PacsFactory.open(right)) {
                p.check(); // the same server accepts its own AE title: the refusal below is about the title
            } catch (PacsException e) {
                throw new AssertionError("the right AE title must be accepted: " + e.getMessage(), e);
            }
            try (Pacs p = PacsFactory.open(wrongAe)) {
                return assertThrows(PacsException.class, p::check);
            }
        }
    }
}
