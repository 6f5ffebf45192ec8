package com.imagingmanifest.gateway.fhir;

import ca.uhn.fhir.rest.api.server.IBundleProvider;
import com.imagingmanifest.gateway.store.ManifestStore;
import com.imagingmanifest.gateway.store.StoredVersion;
import com.imagingmanifest.gateway.store.VersionKey;
import java.util.Date;
import java.util.List;
import java.util.function.Function;
import org.hl7.fhir.dstu3.model.InstantType;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IPrimitiveType;

/**
 * A search or history result: the matching version keys, fixed when the search ran, with
 * resources loaded page by page so HAPI's paging provider can serve later pages.
 */
final class StoredBundleProvider implements IBundleProvider {
    private final ManifestStore store;
    private final String organization;
    private final List<VersionKey> keys;
    private final Function<StoredVersion, IBaseResource> toResource;
    private final int skip;
    private final InstantType published = new InstantType(new Date());

    StoredBundleProvider(ManifestStore store, String organization, List<VersionKey> keys,
            Function<StoredVersion, IBaseResource> toResource) {
        this(store, organization, keys, toResource, 0);
    }

    /**
     * @param skip entries HAPI expects this provider to have skipped already: HAPI pages history
     *     by {@code _offset} and then asks for entries from 0
     */
    StoredBundleProvider(ManifestStore store, String organization, List<VersionKey> keys,
            Function<StoredVersion, IBaseResource> toResource, int skip) {
        this.skip = skip;
        this.store = store;
        this.organization = organization;
        this.keys = List.copyOf(keys);
        this.toResource = toResource;
    }

    String organization() {
        return organization;
    }

    @Override
    public IPrimitiveType<Date> getPublished() {
        return published;
    }

    @Override
    public List<IBaseResource> getResources(int fromIndex, int toIndex) {
        int from = (int) Math.max(0, Math.min((long) fromIndex + skip, keys.size()));
        int to = (int) Math.max(from, Math.min((long) toIndex + skip, keys.size()));
        return store.load(organization, keys.subList(from, to)).stream().map(toResource).toList();
    }

    @Override
    public String getUuid() {
        return null;
    }

    @Override
    public Integer preferredPageSize() {
        return null;
    }

    @Override
    public Integer size() {
        return keys.size();
    }
}
