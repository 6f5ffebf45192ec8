package com.imagingmanifest.net.ul;

/**
 * The association ended because its transport connection closed or broke (PS3.8 EVT17), not by an
 * A-ABORT or a protocol error: the peer went away, typically a crash or a restart, so trying again
 * later may work.
 */
public class TransportClosedException extends AssociationAbortedException {
    public TransportClosedException(String message) {
        super(message);
    }

    public TransportClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
