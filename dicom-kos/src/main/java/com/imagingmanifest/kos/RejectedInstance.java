package com.imagingmanifest.kos;

/** A SOP instance that an IHE IOCM rejection note references, with its study and series. */
public record RejectedInstance(String studyInstanceUid, String seriesInstanceUid, String sopClassUid,
        String sopInstanceUid) {
}
