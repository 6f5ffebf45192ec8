package com.imagingmanifest.net.dimse;

/**
 * A received C-STORE: the object is handed over as the data set bytes (no file meta) in the
 * transfer syntax negotiated for its presentation context.
 */
public record StoreRequest(String callingAeTitle, String calledAeTitle, String sopClassUid, String sopInstanceUid,
        String transferSyntaxUid, byte[] dataSet) {
}
