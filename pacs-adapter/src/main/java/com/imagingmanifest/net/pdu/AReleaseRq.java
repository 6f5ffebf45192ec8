package com.imagingmanifest.net.pdu;

/** A-RELEASE-RQ PDU (PS3.8 9.3.6). */
public record AReleaseRq() implements Pdu {
    @Override
    public int type() {
        return A_RELEASE_RQ;
    }
}
