package com.imagingmanifest.kos;

/**
 * One reason why a manifest cannot become a KOS.
 *
 * @param location FHIRPath-like location of the offending element, e.g.
 *                 {@code ImagingManifest.study[0].series[1].instance[2].uid}
 * @param message  what is wrong, in words a client can act on
 */
public record ManifestProblem(String location, String message) {
    @Override
    public String toString() {
        return location + ": " + message;
    }
}
