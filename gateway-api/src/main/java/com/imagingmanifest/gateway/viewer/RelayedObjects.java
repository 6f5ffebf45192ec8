package com.imagingmanifest.gateway.viewer;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Whole answers of the PACS's WADO-RS kept in memory, bounded by bytes, keyed by organization and
 * the answer's ETag (what was asked: instance, resource, rendering parameters, Accept). The ETag is
 * made from the request alone because a DICOM instance does not change under its SOP Instance UID,
 * so a kept answer stays right; the selection is still checked on every request before one is used.
 * Only complete 200 answers up to the object limit are kept; ranges and larger objects are streamed.
 */
final class RelayedObjects {
    /** A kept answer: the relayed headers that describe the body, and the body. */
    record Answer(Map<String, String> headers, byte[] body) {
    }

    private final Cache<String, Answer> answers;
    private final long objectLimit;

    RelayedObjects(long capacityBytes, long objectLimit) {
        this.objectLimit = capacityBytes == 0 ? 0 : Math.min(objectLimit, capacityBytes);
        this.answers = Caffeine.newBuilder().maximumWeight(capacityBytes)
                .weigher((String key, Answer a) -> a.body().length + key.length() + 256)
                // an instance removed from the PACS is not answered from here for long after
                .expireAfterAccess(Duration.ofMinutes(10)).build();
    }

    /** The largest body that may be kept (0: none). */
    long objectLimit() {
        return objectLimit;
    }

    Optional<Answer> get(String organization, String etag) {
        return objectLimit == 0 ? Optional.empty() : Optional.ofNullable(answers.getIfPresent(organization + ' ' + etag));
    }

    void put(String organization, String etag, Map<String, String> headers, byte[] body) {
        if (body.length <= objectLimit) {
            answers.put(organization + ' ' + etag, new Answer(Map.copyOf(headers), body));
        }
    }
}
