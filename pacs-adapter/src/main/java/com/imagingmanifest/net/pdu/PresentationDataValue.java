package com.imagingmanifest.net.pdu;

/**
 * Presentation Data Value item (PS3.8 9.3.5.1) with its message control header (PS3.8 Annex E.2):
 * bit 0 set for a command fragment, bit 1 set for the last fragment. The array is not copied.
 */
public record PresentationDataValue(int presentationContextId, boolean command, boolean last, byte[] data) {

    public int messageControlHeader() {
        return (command ? 1 : 0) | (last ? 2 : 0);
    }
}
