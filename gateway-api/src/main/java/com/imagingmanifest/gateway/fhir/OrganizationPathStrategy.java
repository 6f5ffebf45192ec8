package com.imagingmanifest.gateway.fhir;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.tenant.UrlBaseTenantIdentificationStrategy;

/**
 * Takes the organization (id or slug, as the client wrote it) from the first path element and
 * gives every link the tenant base {@code /organizations/{org}/fhir/3} (or {@code /fhir/5}). {@link TenantRequestFilter}
 * has already removed the {@code fhir/3} (or {@code fhir/5}) elements from the path HAPI sees, so HAPI's request path
 * and this base never repeat them (docs/architecture.md §2, step 3).
 */
final class OrganizationPathStrategy extends UrlBaseTenantIdentificationStrategy {
    @Override
    public String massageServerBaseUrl(String serverBase, RequestDetails request) {
        return super.massageServerBaseUrl(serverBase, request) + "/fhir/" + FhirVersions.of(request);
    }
}
