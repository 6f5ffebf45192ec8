package com.imagingmanifest.pacs;

import com.imagingmanifest.dicom.io.Part10Object;

/** Study, series and SOP instance UIDs (and SOP class) of one instance on the PACS. */
public record InstanceRef(String studyInstanceUid, String seriesInstanceUid, String sopInstanceUid,
        String sopClassUid) {

    /**
     * The identity of an object to store; throws IllegalArgumentException when it lacks one of the UIDs
     * a PACS files it under.
     */
    public static InstanceRef of(Part10Object object) {
        InstanceRef ref = new InstanceRef(object.studyInstanceUid(), object.seriesInstanceUid(),
                object.sopInstanceUid(), object.sopClassUid());
        if (ref.studyInstanceUid() == null || ref.seriesInstanceUid() == null || ref.sopInstanceUid() == null
                || ref.sopClassUid() == null) {
            throw new IllegalArgumentException("Part 10 object without SOP class, SOP instance, study or series UID");
        }
        return ref;
    }
}
