package com.imagingmanifest.kos;

import java.util.Set;

/** SR content item value types (PS3.3 C.17.3.2.1) that a KOS uses. */
enum ValueType {
    CONTAINER, TEXT, CODE, PNAME, UIDREF, IMAGE, WAVEFORM, COMPOSITE;

    private static final String STORAGE = "1.2.840.10008.5.1.4.1.1.";

    // PS3.4 B.5: the image storage SOP classes (and retired ones still seen in archives)
    private static final Set<String> IMAGE_STORAGE = Set.of(
            "1", "1.1", "1.1.1", "1.1.2", "1.1.2.1", "1.1.3", "1.1.3.1", "1.1.1.1",
            "2", "2.1", "2.2", "3", "3.1", "4", "4.1", "4.3", "4.4", "5", "6", "6.1", "6.2", "6.3",
            "7", "7.1", "7.2", "7.3", "7.4", "12.1", "12.1.1", "12.2", "12.2.1", "12.3",
            "13.1.1", "13.1.2", "13.1.3", "13.1.4", "13.1.5", "14.1", "14.2", "20", "30", "66.4",
            "77.1", "77.2", "77.1.1", "77.1.1.1", "77.1.2", "77.1.2.1", "77.1.3", "77.1.4", "77.1.4.1",
            "77.1.5.1", "77.1.5.2", "77.1.5.4", "77.1.5.5", "77.1.5.6", "77.1.5.7", "77.1.5.8",
            "77.1.6", "77.1.7", "81.1", "82.1", "128", "128.1", "130", "481.1");

    /**
     * TID 2010 rows 4-6: IMAGE for image storage SOP classes, WAVEFORM for waveform storage
     * (PS3.4 B.5, 1.2.840.10008.5.1.4.1.1.9.x), COMPOSITE for everything else.
     */
    static ValueType forReferencedSopClass(String sopClassUid) {
        if (sopClassUid.startsWith(STORAGE)) {
            String rest = sopClassUid.substring(STORAGE.length());
            if (rest.startsWith("9.")) {
                return WAVEFORM;
            }
            if (IMAGE_STORAGE.contains(rest)) {
                return IMAGE;
            }
        }
        return COMPOSITE;
    }

    boolean isReference() {
        return this == IMAGE || this == WAVEFORM || this == COMPOSITE;
    }
}
