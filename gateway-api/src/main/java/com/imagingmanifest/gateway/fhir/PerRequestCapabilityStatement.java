package com.imagingmanifest.gateway.fhir;

import ca.uhn.fhir.rest.annotation.Metadata;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.RestfulServer;
import jakarta.servlet.http.HttpServletRequest;
import org.hl7.fhir.dstu3.hapi.rest.server.ServerCapabilityStatementProvider;
import org.hl7.fhir.dstu3.model.CapabilityStatement;

/**
 * HAPI's STU3 CapabilityStatement, generated for each request instead of cached for a minute: the cached one
 * names the base of whichever organization asked first ({@link TenantCapabilityStatement} completes it
 * per request), so another organization would be shown a foreign base.
 */
final class PerRequestCapabilityStatement extends ServerCapabilityStatementProvider {

    PerRequestCapabilityStatement(RestfulServer server) {
        super(server);
    }

    @Override
    @Metadata(cacheMillis = 0)
    public CapabilityStatement getServerConformance(HttpServletRequest servletRequest, RequestDetails request) {
        return super.getServerConformance(servletRequest, request);
    }
}
