package com.imagingmanifest.gateway.manifest;

import com.imagingmanifest.gateway.store.ManifestVersions;
import com.imagingmanifest.gateway.store.StoredVersion;
import org.springframework.stereotype.Service;

/**
 * The reads of one manifest, answered from the store alone (docs/architecture.md §2): another
 * organization's manifests are absent, a deleted one is gone.
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
}
