package com.imagingmanifest.gateway.viewer;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * {@code gateway.viewer.*}: the selection-scoped DICOMweb's two caches (docs/viewers.md §4).
 *
 * @param selectionCacheTtl how long a "selected" answer is reused: an instance whose last manifest
 *     was deleted or changed is served for at most this long after; {@code 0} asks the store every
 *     time. Only positive answers are kept, so a new manifest's images are served at once.
 * @param relayCacheSize memory for relayed answers (a DICOM instance does not change under its SOP
 *     Instance UID, PS3.3 C.12.1.1.1, nor a rendering of it under the same parameters); {@code 0}:
 *     relay every request
 * @param relayCacheObjectLimit the largest answer kept; larger ones are only streamed
 */
@ConfigurationProperties("gateway.viewer")
public record ViewerCacheProperties(@DefaultValue("5s") Duration selectionCacheTtl,
        @DefaultValue("64MB") DataSize relayCacheSize, @DefaultValue("2MB") DataSize relayCacheObjectLimit) {

    public ViewerCacheProperties {
        if (selectionCacheTtl.isNegative()) {
            throw new IllegalArgumentException("gateway.viewer.selection-cache-ttl must not be negative");
        }
        if (relayCacheSize.isNegative() || relayCacheObjectLimit.isNegative()) {
            throw new IllegalArgumentException("gateway.viewer.relay-cache-size and relay-cache-object-limit"
                    + " must not be negative");
        }
    }
}
