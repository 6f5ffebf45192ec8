package com.imagingmanifest.pacs;

/**
 * Typed PACS failure; the gateway maps {@link Kind} to an HTTP status (UNREACHABLE, TIMEOUT and
 * REFUSED 503, FAILED 502, or 422 when the PACS rejected the content).
 */
public class PacsException extends Exception {
    public enum Kind {
        /** Connection refused, host unknown, network down. */
        UNREACHABLE,
        /** Association rejected (A-ASSOCIATE-RJ), TLS refused, HTTP 401/403. */
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

    /**
     * Whether the PACS is unavailable to the gateway rather than failing the request: unreachable, no
     * answer in time, or the association (or TLS, or credentials) refused. Nothing was done; the same
     * request can succeed later (HTTP 503). The others are answers of the PACS (HTTP 502).
     */
    public boolean unavailable() {
        return kind == Kind.UNREACHABLE || kind == Kind.TIMEOUT || kind == Kind.REFUSED;
    }

    /**
     * Move Destination unknown (PS3.7 C.4.2.1.5, status A801): the archive does not know the AE the
     * gateway asked it to send to, a configuration error that fails every C-MOVE alike.
     */
    public static final int MOVE_DESTINATION_UNKNOWN = 0xA801;

    /**
     * Whether the PACS worked but failed this one object: a failed sub-operation or an HTTP error on
     * the instance. Unavailable, and a Move Destination the archive does not know, fail every object
     * alike, so they say nothing about this one.
     */
    public boolean failedThisObjectOnly() {
        return kind == Kind.FAILED && status != MOVE_DESTINATION_UNKNOWN;
    }

    /** DICOM status or HTTP status the PACS gave, or -1. */
    public int status() {
        return status;
    }
}
