package com.imagingmanifest.gateway.bench;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.dicom.data.Vr;
import com.imagingmanifest.dicom.io.Part10;
import java.util.ArrayList;
import java.util.List;

/**
 * A study of CT instances without pixel data, enough for a PACS to answer a study-level C-FIND or
 * QIDO with the Patient and General Study attributes a KOS copies (docs/architecture.md §6). The bench
 * seeds its Orthanc with these, and the integration tests use the same builder.
 */
public record SyntheticCtStudy(String studyUid, String seriesUid, List<String> sopUids, String patientName,
        String patientId, String issuerOfPatientId) {

    public SyntheticCtStudy {
        sopUids = List.copyOf(sopUids);
    }

    /** A new study of {@code instances} CT instances in one series, with fresh UIDs but the given study UID. */
    public static SyntheticCtStudy of(String studyUid, int instances, String patientName, String patientId,
            String issuerOfPatientId) {
        List<String> sops = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            sops.add(Uid.generate());
        }
        return new SyntheticCtStudy(studyUid, Uid.generate(), sops, patientName, patientId, issuerOfPatientId);
    }

    /** The SOP Class of every instance: CT Image Storage. */
    public String sopClassUid() {
        return Uid.CTImageStorage;
    }

    /** The Part 10 files of the study's instances (Explicit VR Little Endian), in Instance Number order. */
    public List<byte[]> part10Files() {
        List<byte[]> files = new ArrayList<>();
        int number = 1;
        for (String sop : sopUids) {
            DataSet ds = new DataSet();
            ds.setString(Tag.SOPClassUID, Vr.UI, Uid.CTImageStorage);
            ds.setString(Tag.SOPInstanceUID, Vr.UI, sop);
            ds.setString(Tag.StudyDate, Vr.DA, "20240115");
            ds.setString(Tag.StudyTime, Vr.TM, "101500");
            ds.setString(Tag.Modality, Vr.CS, "CT");
            ds.setString(Tag.PatientName, Vr.PN, patientName);
            ds.setString(Tag.PatientID, Vr.LO, patientId);
            ds.setString(Tag.IssuerOfPatientID, Vr.LO, issuerOfPatientId);
            ds.setString(Tag.StudyInstanceUID, Vr.UI, studyUid);
            ds.setString(Tag.SeriesInstanceUID, Vr.UI, seriesUid);
            ds.setString(Tag.InstanceNumber, Vr.IS, Integer.toString(number++));
            files.add(Part10.write(ds, Uid.ExplicitVRLittleEndian));
        }
        return files;
    }
}
