package com.imagingmanifest.pacs;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/** What a PACS binding can do; declared, not discovered by failing. */
public enum PacsCapability {
    STORE, FIND, STUDY_CONTEXT, RETRIEVE, DELETE, REJECT, CHANGE_FEED;

    /**
     * What every binding of {@code kind} can do, known before anything is opened so that an
     * impossible policy stops the start. DIMSE and DICOMweb have no delete (PS3.4 has no DIMSE
     * service for it; PS3.18 defines none in STOW/QIDO/WADO), so their KOS go away by rejection;
     * Orthanc adds DELETE and its change feed through its REST API.
     */
    public static Set<PacsCapability> of(PacsBinding.Kind kind) {
        Set<PacsCapability> caps = EnumSet.of(STORE, FIND, STUDY_CONTEXT, RETRIEVE, REJECT);
        if (kind == PacsBinding.Kind.ORTHANC) {
            caps.add(DELETE);
            caps.add(CHANGE_FEED);
        }
        return Collections.unmodifiableSet(caps);
    }
}
