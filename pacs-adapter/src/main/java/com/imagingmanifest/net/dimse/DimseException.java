package com.imagingmanifest.net.dimse;

import com.imagingmanifest.net.pdu.AAssociateRj;

/** A DIMSE operation that did not succeed; {@link #kind()} says why. */
public class DimseException extends RuntimeException {

    public enum Kind {
        /** The transport connection could not be opened, or broke or closed under an operation. */
        UNREACHABLE,
        /** The peer rejected the association (see {@link #rejection()}). */
        REJECTED,
        /** The association was aborted (A-ABORT), or the peer broke the protocol. */
        ABORTED,
        /** The peer did not answer in time. */
        TIMEOUT,
        /** No presentation context for the SOP class and a usable transfer syntax was accepted. */
        NO_PRESENTATION_CONTEXT,
        /** The peer answered with a failure status (see {@link #status()}). */
        FAILURE_STATUS
    }

    private final Kind kind;
    private final DimseStatus status;
    private final AAssociateRj rejection;

    public DimseException(Kind kind, String message, Throwable cause) {
        this(kind, message, cause, null, null);
    }

    private DimseException(Kind kind, String message, Throwable cause, DimseStatus status, AAssociateRj rejection) {
        super(message, cause);
        this.kind = kind;
        this.status = status;
        this.rejection = rejection;
    }

    public static DimseException failure(String operation, DimseStatus status) {
        return new DimseException(Kind.FAILURE_STATUS, operation + " failed: " + status, null, status, null);
    }

    public static DimseException rejected(AAssociateRj rj, String message, Throwable cause) {
        return new DimseException(Kind.REJECTED, message, cause, null, rj);
    }

    public Kind kind() {
        return kind;
    }

    /** The failure status, for {@link Kind#FAILURE_STATUS}. */
    public DimseStatus status() {
        return status;
    }

    /** The A-ASSOCIATE-RJ, for {@link Kind#REJECTED}. */
    public AAssociateRj rejection() {
        return rejection;
    }
}
