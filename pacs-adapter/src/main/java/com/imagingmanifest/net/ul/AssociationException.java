package com.imagingmanifest.net.ul;

import java.io.IOException;

/** Failure of the upper layer: the association could not be made, or it ended abnormally. */
public class AssociationException extends IOException {
    public AssociationException(String message) {
        super(message);
    }

    public AssociationException(String message, Throwable cause) {
        super(message, cause);
    }
}
