package com.imagingmanifest.net.ul;

/** The peer did not answer in time; the association has been aborted. */
public class AssociationTimeoutException extends AssociationException {
    public AssociationTimeoutException(String message) {
        super(message);
    }
}
