package com.imagingmanifest.gateway.store;

/** The manifest changed between reading its current version and committing a new one. */
public class ConcurrentWriteException extends RuntimeException {
    public ConcurrentWriteException(String message) {
        super(message);
    }
}
