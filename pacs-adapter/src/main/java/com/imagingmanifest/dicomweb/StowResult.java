package com.imagingmanifest.dicomweb;

import java.util.List;

/**
 * The Store Instances Response of STOW-RS (PS3.18 10.5.3): which SOP instances the origin server
 * stored (Referenced SOP Sequence, possibly with a Warning Reason) and which it did not (Failed SOP
 * Sequence with a Failure Reason, PS3.18 Table 10.5.3-2).
 */
public record StowResult(int httpStatus, String retrieveUrl, List<Stored> stored, List<Failed> failed) {

    public StowResult {
        stored = List.copyOf(stored);
        failed = List.copyOf(failed);
    }

    /** One stored instance; {@code warningReason} is -1 when there is none. */
    public record Stored(String sopClassUid, String sopInstanceUid, String retrieveUrl, int warningReason) {
    }

    /** One instance the server refused, with the Failure Reason (0008,1197) as a DICOM status. */
    public record Failed(String sopClassUid, String sopInstanceUid, int failureReason) {
    }

    public boolean allStored() {
        return failed.isEmpty();
    }

    /** The outcome for one SOP instance, if the response mentions it. */
    public java.util.Optional<Stored> storedInstance(String sopInstanceUid) {
        return stored.stream().filter(s -> sopInstanceUid.equals(s.sopInstanceUid())).findFirst();
    }

    public java.util.Optional<Failed> failedInstance(String sopInstanceUid) {
        return failed.stream().filter(f -> sopInstanceUid.equals(f.sopInstanceUid())).findFirst();
    }
}
