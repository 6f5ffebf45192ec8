package com.imagingmanifest.pacs;

/** Study, series and SOP instance UIDs (and SOP class) of one instance on the PACS. */
public record InstanceRef(String studyInstanceUid, String seriesInstanceUid, String sopInstanceUid,
        String sopClassUid) {
}
