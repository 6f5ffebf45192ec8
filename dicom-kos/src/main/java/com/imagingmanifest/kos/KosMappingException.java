package com.imagingmanifest.kos;

/** A data set that is not a Key Object Selection document that maps to an ImagingManifest. */
public final class KosMappingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public KosMappingException(String reason) {
        super(reason);
    }
}
