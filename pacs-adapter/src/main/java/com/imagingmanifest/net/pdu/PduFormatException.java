package com.imagingmanifest.net.pdu;

import java.io.IOException;

/** A PDU that does not follow PS3.8 9.3 (the state machine's Evt19, invalid PDU). */
public class PduFormatException extends IOException {
    private final int abortReason;

    public PduFormatException(String message, int abortReason) {
        super(message);
        this.abortReason = abortReason;
    }

    /** The A-ABORT reason (PS3.8 Table 9-26) to send to the peer. */
    public int abortReason() {
        return abortReason;
    }
}
