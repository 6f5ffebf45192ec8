package com.imagingmanifest.dicom.data;

/**
 * Value Representations of PS3.5 6.2. {@link #longHeader} is true for the VRs whose explicit-VR
 * element header carries a reserved 2 bytes and a 4-byte length (PS3.5 7.1.2).
 */
public enum Vr {
    AE(Kind.STRING, false, ' '), AS(Kind.STRING, false, ' '), AT(Kind.BINARY, false, 0),
    CS(Kind.STRING, false, ' '), DA(Kind.STRING, false, ' '), DS(Kind.STRING, false, ' '),
    DT(Kind.STRING, false, ' '), FD(Kind.BINARY, false, 0), FL(Kind.BINARY, false, 0),
    IS(Kind.STRING, false, ' '), LO(Kind.TEXT, false, ' '), LT(Kind.TEXT, false, ' '),
    OB(Kind.BINARY, true, 0), OD(Kind.BINARY, true, 0), OF(Kind.BINARY, true, 0),
    OL(Kind.BINARY, true, 0), OV(Kind.BINARY, true, 0), OW(Kind.BINARY, true, 0),
    PN(Kind.TEXT, false, ' '), SH(Kind.TEXT, false, ' '), SL(Kind.BINARY, false, 0),
    SQ(Kind.SEQUENCE, true, 0), SS(Kind.BINARY, false, 0), ST(Kind.TEXT, false, ' '),
    SV(Kind.BINARY, true, 0), TM(Kind.STRING, false, ' '), UC(Kind.TEXT, true, ' '),
    UI(Kind.STRING, false, 0), UL(Kind.BINARY, false, 0), UN(Kind.BINARY, true, 0),
    UR(Kind.STRING, true, ' '), US(Kind.BINARY, false, 0), UT(Kind.TEXT, true, ' '),
    UV(Kind.BINARY, true, 0);

    /** How a value is held in a {@link DataSet}. */
    public enum Kind {
        /** Default repertoire only; never affected by Specific Character Set. */
        STRING,
        /** Text that Specific Character Set (0008,0005) applies to. */
        TEXT,
        /** Little-endian bytes. */
        BINARY,
        /** A {@link Sequence} of items. */
        SEQUENCE
    }

    private final Kind kind;
    private final boolean longHeader;
    private final byte padding;
    private final int code;

    Vr(Kind kind, boolean longHeader, int padding) {
        this.kind = kind;
        this.longHeader = longHeader;
        this.padding = (byte) padding;
        this.code = (name().charAt(0) << 8) | name().charAt(1);
    }

    public Kind kind() {
        return kind;
    }

    /** True for strings and text: the value is a backslash-separated {@code String}. */
    public boolean isString() {
        return kind == Kind.STRING || kind == Kind.TEXT;
    }

    /** PS3.5 7.1.2: explicit-VR header with 2 reserved bytes and a 32-bit length. */
    public boolean longHeader() {
        return longHeader;
    }

    /** PS3.5 6.2: UI is padded with NUL, other strings with a space, binary values need none. */
    public byte padding() {
        return padding;
    }

    /** The two ASCII characters as a 16-bit big-endian number, as they appear on the wire. */
    public int code() {
        return code;
    }

    /** Size of one binary value, 0 when the VR is not a fixed-size number. */
    public int bytesPerValue() {
        return switch (this) {
            case SS, US, OW -> 2;
            case SL, UL, FL, AT, OF, OL -> 4;
            case FD, SV, UV, OD, OV -> 8;
            default -> 0;
        };
    }

    /** VR (LT, ST, UT, UR) whose value is never split at backslashes (PS3.5 6.2). */
    public boolean singleValued() {
        return this == LT || this == ST || this == UT || this == UR;
    }

    private static final Vr[] BY_CODE = new Vr[26 * 26];

    static {
        for (Vr vr : values()) {
            BY_CODE[(vr.name().charAt(0) - 'A') * 26 + vr.name().charAt(1) - 'A'] = vr;
        }
    }

    /** The VR of two ASCII characters as a big-endian 16-bit number, or null when none. */
    public static Vr fromCode(int code) {
        int a = (code >> 8) - 'A';
        int b = (code & 0xFF) - 'A';
        return a < 0 || a >= 26 || b < 0 || b >= 26 || (code >> 16) != 0 ? null : BY_CODE[a * 26 + b];
    }
}
