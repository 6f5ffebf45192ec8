package com.imagingmanifest.pacs;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Vr;

/**
 * The Patient (PS3.3 C.7.1.1) and General Study (C.7.2.1) attributes a KOS copies from the study it
 * lives in (docs/architecture.md §6), as return keys and as a projection of a STUDY-level match.
 */
public final class StudyContext {
    private static final int[] TAGS = {
        Tag.StudyDate, Tag.StudyTime, Tag.AccessionNumber, Tag.ReferringPhysicianName, Tag.StudyDescription,
        Tag.PatientName, Tag.PatientID, Tag.IssuerOfPatientID, Tag.PatientBirthDate, Tag.PatientSex,
        Tag.StudyInstanceUID, Tag.StudyID,
    };
    private static final Vr[] VRS = {
        Vr.DA, Vr.TM, Vr.SH, Vr.PN, Vr.LO,
        Vr.PN, Vr.LO, Vr.LO, Vr.DA, Vr.CS,
        Vr.UI, Vr.SH,
    };

    private StudyContext() {
    }

    /** STUDY-level C-FIND identifier: the study's UID as matching key, the rest as return keys. */
    public static DataSet queryKeys(String studyInstanceUid) {
        DataSet keys = new DataSet();
        for (int i = 0; i < TAGS.length; i++) {
            keys.setEmpty(TAGS[i], VRS[i]);
        }
        keys.setString(Tag.StudyInstanceUID, Vr.UI, studyInstanceUid);
        return keys;
    }

    /**
     * Only the context attributes of {@code match}, in the VRs above, absent and empty ones left out,
     * except an empty Patient ID: Type 2, it says the study's patient has no ID on the PACS, which a
     * manifest naming one contradicts (docs/architecture.md §3), while an absent one says nothing.
     */
    public static DataSet project(DataSet match) {
        DataSet out = new DataSet();
        String charset = match.getString(Tag.SpecificCharacterSet);
        if (charset != null) {
            out.setString(Tag.SpecificCharacterSet, Vr.CS, charset);
        }
        for (int i = 0; i < TAGS.length; i++) {
            String value = match.getString(TAGS[i]);
            if (value != null) {
                out.setString(TAGS[i], VRS[i], value);
            } else if (TAGS[i] == Tag.PatientID && match.contains(Tag.PatientID)) {
                out.setEmpty(Tag.PatientID, Vr.LO);
            }
        }
        return out;
    }

    /** The attributes this class deals with, in ascending order. */
    static int[] tags() {
        return TAGS.clone();
    }
}
