package com.imagingmanifest.kos;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.dicom.io.Part10;

/**
 * One Key Object Selection document written from a manifest: its identifying UIDs and its data set
 * (without file meta information).
 */
public record KosDocument(String sopInstanceUid, String studyInstanceUid, String seriesInstanceUid,
        DataSet dataSet) {

    /** The document as a DICOM Part 10 file in Explicit VR Little Endian (PS3.10 7.1). */
    public byte[] toPart10() {
        return Part10.write(dataSet, Uid.ExplicitVRLittleEndian);
    }
}
