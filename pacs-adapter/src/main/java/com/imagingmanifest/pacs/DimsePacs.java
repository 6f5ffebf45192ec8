package com.imagingmanifest.pacs;

/** Placeholder until the DIMSE client lands (branch net). */
final class DimsePacs {
    private DimsePacs() {
    }

    static Pacs open(PacsBinding binding) {
        throw new IllegalArgumentException("DIMSE PACS not available yet");
    }
}
