package com.imagingmanifest.gateway.store;

import java.time.Instant;

/** One version of a manifest as stored; {@code json} is null for a delete. */
public record StoredVersion(String resourceId, long versionId, Instant lastUpdated, boolean deleted, String json) {
}
