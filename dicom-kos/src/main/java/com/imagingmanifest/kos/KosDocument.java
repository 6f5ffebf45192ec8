package com.imagingmanifest.kos;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.dicom.io.Part10;
import com.imagingmanifest.dicom.io.Part10Object;

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

    /** As {@link #toPart10()}, with the identity a store needs, so nobody parses the bytes again. */
    public Part10Object toPart10Object() {
        return Part10Object.write(dataSet, Uid.ExplicitVRLittleEndian);
    }
}
