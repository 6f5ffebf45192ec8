package com.imagingmanifest.gateway.fhir;

import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.FifoMemoryPagingProvider;

/**
 * HAPI's in-memory paging, limited to the organization that ran the search: a page link used
 * under another organization's base finds nothing, like any other of its resources.
 */
final class TenantPagingProvider extends FifoMemoryPagingProvider {

    TenantPagingProvider(int size) {
        super(size);
    }

    @Override
    public synchronized IBundleProvider retrieveResultList(RequestDetails request, String searchId) {
        IBundleProvider result = super.retrieveResultList(request, searchId);
        if (result instanceof StoredBundleProvider stored
                && !stored.organization().equals(ImagingManifestProvider.tenant(request).id())) {
            return null;
        }
        return result;
    }
}
