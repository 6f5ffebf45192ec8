package com.imagingmanifest.dicom.io;

import com.imagingmanifest.dicom.data.Uid;

/**
 * The byte layouts of PS3.5 section 10 that this layer reads and writes. Every transfer syntax other
 * than the three uncompressed little-endian ones and big endian is an encapsulated one: its data
 * set is explicit VR little endian and its pixel data stays as fragments ({@link #ENCAPSULATED}).
 */
public enum TransferSyntax {
    IMPLICIT_VR_LE(Uid.ImplicitVRLittleEndian, false, false),
    EXPLICIT_VR_LE(Uid.ExplicitVRLittleEndian, true, false),
    DEFLATED_EXPLICIT_VR_LE(Uid.DeflatedExplicitVRLittleEndian, true, true),
    /** Any compressed transfer syntax: explicit VR LE, encapsulated pixel data (PS3.5 A.4). */
    ENCAPSULATED(null, true, false);

    private final String uid;
    private final boolean explicitVr;
    private final boolean deflated;

    TransferSyntax(String uid, boolean explicitVr, boolean deflated) {
        this.uid = uid;
        this.explicitVr = explicitVr;
        this.deflated = deflated;
    }

    /** The UID, null for {@link #ENCAPSULATED} (which stands for many). */
    public String uid() {
        return uid;
    }

    public boolean explicitVr() {
        return explicitVr;
    }

    /** PS3.5 A.5: the data set is deflated (RFC 1951, no zlib header). */
    public boolean deflated() {
        return deflated;
    }

    /**
     * The layout of a transfer syntax UID. Explicit VR Big Endian (retired) is refused with
     * IllegalArgumentException; an unknown UID is taken as an encapsulated one.
     */
    public static TransferSyntax forUid(String uid) {
        if (uid == null) {
            throw new IllegalArgumentException("no transfer syntax UID");
        }
        String u = uid.trim();
        for (TransferSyntax ts : values()) {
            if (u.equals(ts.uid)) {
                return ts;
            }
        }
        if (u.equals(Uid.ExplicitVRBigEndian)) {
            throw new IllegalArgumentException("Explicit VR Big Endian (retired) is not supported");
        }
        if (!Uid.isValid(u)) {
            throw new IllegalArgumentException("not a transfer syntax UID: " + uid);
        }
        return ENCAPSULATED;
    }
}
