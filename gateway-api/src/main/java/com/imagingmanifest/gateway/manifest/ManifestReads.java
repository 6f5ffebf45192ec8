package com.imagingmanifest.gateway.manifest;

import com.imagingmanifest.gateway.store.ManifestVersions;
import com.imagingmanifest.gateway.store.SearchQuery;
import com.imagingmanifest.gateway.store.StoredVersion;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Service;

/**
 * The reads, answered from the store alone (docs/architecture.md §2): of one manifest (another
 * organization's manifests are absent, a deleted one is gone), and the pages of a search or a history,
 * each read by key in an index's order (docs/performance.md, "Search plans").
 */
@Service
public class ManifestReads {
    private static final String RESOURCE = "ImagingManifest";

    private final ManifestVersions store;

    public ManifestReads(ManifestVersions store) {
        this.store = store;
    }

    /**
     * The current version, possibly a delete (an update or delete builds on it).
     *
     * @throws ManifestException.NotFound when the manifest never existed in {@code org}
     */
    public StoredVersion current(String org, String id) {
        return store.current(org, id).orElseThrow(() -> ManifestException.NotFound.resource(RESOURCE + "/" + id));
    }

    /**
     * The current version when it is not a delete (what a patch applies to).
     *
     * @throws ManifestException.Gone when the current version is a delete
     */
    public StoredVersion live(String org, String id) {
        StoredVersion current = current(org, id);
        if (current.deleted()) {
            throw new ManifestException.Gone(RESOURCE + "/" + id + " was deleted");
        }
        return current;
    }

    /**
     * A read or vread: the current version ({@code versionId} null) or the one named, neither a delete.
     *
     * @throws ManifestException.NotFound when there is no such manifest or version
     * @throws ManifestException.Gone when that version is a delete
     */
    public StoredVersion read(String org, String id, String versionId) {
        StoredVersion version;
        if (versionId != null) {
            long number;
            try {
                number = Long.parseLong(versionId);
            } catch (NumberFormatException e) {
                throw ManifestException.NotFound.described("No version " + versionId);
            }
            version = store.version(org, id, number).orElseThrow(() -> ManifestException.NotFound.resource(
                    RESOURCE + "/" + id + "/_history/" + versionId));
        } else {
            version = current(org, id);
        }
        if (version.deleted()) {
            throw new ManifestException.Gone(RESOURCE + "/" + id + " was deleted (version " + version.versionId()
                    + ")");
        }
        return version;
    }

    /**
     * One page: the versions it lists in order, the sort key after its last row when another row
     * follows ({@code null} on the last page), and the number of all matches when it was asked for.
     */
    public record Page(List<StoredVersion> versions, List<Object> next, Integer total) {
    }

    /** The page of {@code count} matches of {@code query} after {@code after} (null: the first page). */
    public Page search(String org, SearchQuery query, List<Object> after, int count, boolean total) {
        ManifestVersions.Page keys = store.search(org, query, after, count);
        return new Page(store.load(org, keys.keys()), keys.next(),
                total ? Integer.valueOf((int) store.count(org, query)) : null);
    }

    /** The page of the versions of one manifest ({@code id}) or of all, newest first, since {@code since}. */
    public Page history(String org, String id, Instant since, List<Object> after, int count, boolean total) {
        ManifestVersions.Page keys = store.history(org, id, since, after, count);
        return new Page(store.load(org, keys.keys()), keys.next(),
                total ? Integer.valueOf((int) store.historyCount(org, id, since)) : null);
    }

    /**
     * The one manifest a conditional create's query matches, if any.
     *
     * @throws ManifestException.PreconditionFailed when it matches more than one
     */
    public Optional<StoredVersion> onlyMatch(String org, SearchQuery query) {
        ManifestVersions.Page matches = store.search(org, query, null, 2);
        if (matches.keys().size() > 1) {
            throw new ManifestException.PreconditionFailed("If-None-Exist matched " + matches.keys().size()
                    + " manifests; it must match at most one");
        }
        return matches.keys().isEmpty() ? Optional.empty() : Optional.of(store.load(org, matches.keys()).get(0));
    }
}
