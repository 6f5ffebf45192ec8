package com.imagingmanifest.gateway.store;

/** A write outlived the recovery grace and the recovery pass settled its intent: it must not commit. */
public class IntentTakenOverException extends RuntimeException {
    public IntentTakenOverException(String message) {
        super(message);
    }
}
