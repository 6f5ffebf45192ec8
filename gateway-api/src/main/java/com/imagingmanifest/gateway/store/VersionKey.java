package com.imagingmanifest.gateway.store;

/** Names one stored version; search and history results are lists of these, loaded page by page. */
public record VersionKey(String resourceId, long versionId) {
}
