package com.imagingmanifest.pacs;

/**
 * Typed PACS failure; the gateway maps {@link Kind} to an HTTP status (UNREACHABLE and TIMEOUT 503,
 * REFUSED and FAILED 502, or 422 when the PACS rejected the content).
 */
public class PacsException extends Exception {
    public enum Kind {
        /** Connection refused, host unknown, network down. */
        UNREACHABLE,
        /** Association rejected, HTTP 401/403. */
        REFUSED,
        /** The PACS answered with a failure status (DICOM or HTTP). */
        FAILED,
        /** No answer within the configured time. */
        TIMEOUT,
        /** The binding cannot do this (see {@link PacsCapability}). */
        UNSUPPORTED
    }

    private final Kind kind;
    private final int status;

    public PacsException(Kind kind, String message) {
        this(kind, -1, message, null);
    }

    public PacsException(Kind kind, int status, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.status = status;
    }

    public Kind kind() {
        return kind;
    }

    /** DICOM status or HTTP status the PACS gave, or -1. */
    public int status() {
        return status;
    }
}
