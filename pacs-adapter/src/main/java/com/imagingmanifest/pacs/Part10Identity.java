package com.imagingmanifest.pacs;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.io.DicomParseException;
import com.imagingmanifest.dicom.io.Part10;

/** The UIDs a store needs, read from the Part 10 object before it is sent. */
final class Part10Identity {
    private Part10Identity() {
    }

    static InstanceRef of(byte[] part10) {
        DataSet ds;
        try {
            ds = Part10.read(part10).dataSet();
        } catch (DicomParseException e) {
            throw new IllegalArgumentException("not a DICOM Part 10 object: " + e.getMessage(), e);
        }
        InstanceRef ref = new InstanceRef(ds.getString(Tag.StudyInstanceUID), ds.getString(Tag.SeriesInstanceUID),
                ds.getString(Tag.SOPInstanceUID), ds.getString(Tag.SOPClassUID));
        if (ref.studyInstanceUid() == null || ref.seriesInstanceUid() == null || ref.sopInstanceUid() == null
                || ref.sopClassUid() == null) {
            throw new IllegalArgumentException("Part 10 object without SOP class, SOP instance, study or series UID");
        }
        return ref;
    }
}
