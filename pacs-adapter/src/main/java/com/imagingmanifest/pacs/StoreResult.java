package com.imagingmanifest.pacs;

/**
 * Outcome of a store that the PACS accepted: DICOM status (0000 success, Bxxx warning) and the
 * PACS's comment, if any. A failure is a {@link PacsException}, never a StoreResult.
 */
public record StoreResult(InstanceRef instance, int status, String comment) {
    public boolean warning() {
        return (status & 0xF000) == 0xB000;
    }
}
