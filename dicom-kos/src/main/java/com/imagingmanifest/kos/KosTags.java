package com.imagingmanifest.kos;

/** Tags the KOS mapping needs beyond those in {@link com.imagingmanifest.dicom.data.Tag} (PS3.6 keywords). */
final class KosTags {
    static final int IssuerOfAccessionNumberSequence = 0x00080051;
    static final int ReferencedRequestSequence = 0x0040A370;
    static final int PhysiciansOfRecord = 0x00081048;
    static final int NameOfPhysiciansReadingStudy = 0x00081060;
    static final int ProcedureCodeSequence = 0x00081032;
    static final int IssuerOfPatientIDQualifiersSequence = 0x00100024;
    static final int UniversalEntityID = 0x00400032;
    static final int UniversalEntityIDType = 0x00400033;

    private KosTags() {
    }
}
