package com.imagingmanifest.net.ul;

/** The transport connection (TCP, TLS handshake) to the peer could not be opened in time. */
public class TransportConnectException extends AssociationException {
    public TransportConnectException(String message, Throwable cause) {
        super(message, cause);
    }
}
