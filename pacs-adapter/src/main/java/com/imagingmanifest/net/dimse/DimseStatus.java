package com.imagingmanifest.net.dimse;

/** A DIMSE Status (0000,0900) with its Error Comment (0000,0902), if any. */
public record DimseStatus(int code, String errorComment) {
    public static final int SUCCESS = 0x0000;
    public static final int PENDING = 0xFF00;
    public static final int PENDING_WARNING = 0xFF01;
    public static final int CANCEL = 0xFE00;
    /** PS3.7 C.5.1: a general failure when nothing more specific applies. */
    public static final int PROCESSING_FAILURE = 0x0110;
    public static final int SOP_CLASS_NOT_SUPPORTED = 0x0122;
    /** PS3.4 B.2.3: Refused: Out of Resources. */
    public static final int OUT_OF_RESOURCES = 0xA700;
    /** PS3.4 B.2.3: Error: Cannot understand. */
    public static final int CANNOT_UNDERSTAND = 0xC000;
    /** PS3.4 B.2.3: Warning: Coercion of Data Elements. */
    public static final int COERCION_OF_DATA_ELEMENTS = 0xB000;

    public DimseStatus(int code) {
        this(code, null);
    }

    public static DimseStatus success() {
        return new DimseStatus(SUCCESS);
    }

    /** PS3.7 C.1-C.5: classification by value range. */
    public StatusCategory category() {
        if (code == SUCCESS) {
            return StatusCategory.SUCCESS;
        }
        if (code == PENDING || code == PENDING_WARNING) {
            return StatusCategory.PENDING;
        }
        if (code == CANCEL) {
            return StatusCategory.CANCEL;
        }
        if (code == 0x0001 || code == 0x0107 || code == 0x0116 || (code & 0xF000) == 0xB000) {
            return StatusCategory.WARNING;
        }
        return StatusCategory.FAILURE;
    }

    public boolean isSuccess() {
        return category() == StatusCategory.SUCCESS;
    }

    public boolean isFailure() {
        return category() == StatusCategory.FAILURE;
    }

    @Override
    public String toString() {
        return String.format("%s 0x%04X", category(), code)
                + (errorComment == null || errorComment.isEmpty() ? "" : " (" + errorComment + ")");
    }
}
