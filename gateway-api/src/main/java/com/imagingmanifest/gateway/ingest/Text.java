package com.imagingmanifest.gateway.ingest;

/** Bounds on text that goes into columns and DICOM Error Comments. */
final class Text {
    private Text() {
    }

    static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
