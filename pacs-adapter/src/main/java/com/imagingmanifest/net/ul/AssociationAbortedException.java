package com.imagingmanifest.net.ul;

/** The association ended by A-ABORT (from either side) or by the transport connection closing. */
public class AssociationAbortedException extends AssociationException {
    public AssociationAbortedException(String message) {
        super(message);
    }

    public AssociationAbortedException(String message, Throwable cause) {
        super(message, cause);
    }
}
