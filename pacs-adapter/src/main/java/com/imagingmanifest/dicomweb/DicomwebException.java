package com.imagingmanifest.dicomweb;

/**
 * A failed HTTP exchange with a DICOMweb or Orthanc REST server, classified so callers can map it
 * (the Pacs adapters turn it into a PacsException).
 */
public class DicomwebException extends Exception {
    public enum Kind {
        /** Connection refused, unknown host, connection lost. */
        UNREACHABLE,
        /** HTTP 401 or 403, or the TLS handshake failed. */
        REFUSED,
        /** Any other 4xx or 5xx status; {@link #status()} and the message hold the server's reason. */
        STATUS,
        /** No connection or no complete answer within the configured time. */
        TIMEOUT,
        /** The answer was not what the standard prescribes (bad multipart, bad JSON, too large). */
        MALFORMED
    }

    private final Kind kind;
    private final int status;

    public DicomwebException(Kind kind, int status, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.status = status;
    }

    public DicomwebException(Kind kind, String message) {
        this(kind, -1, message, null);
    }

    public Kind kind() {
        return kind;
    }

    /** The HTTP status, or -1 when no response was received. */
    public int status() {
        return status;
    }
}
