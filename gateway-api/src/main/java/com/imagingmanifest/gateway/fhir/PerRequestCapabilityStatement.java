package com.imagingmanifest.gateway.fhir;

import ca.uhn.fhir.context.FhirVersionEnum;
import ca.uhn.fhir.rest.annotation.Metadata;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.RestfulServer;
import jakarta.servlet.http.HttpServletRequest;
import org.hl7.fhir.instance.model.api.IBaseConformance;

/**
 * HAPI's CapabilityStatement, generated for each request instead of cached for a minute: the cached one
 * names the base of whichever organization asked first ({@link TenantCapabilityStatement} completes it
 * per request), so every other organization name would be shown that base — telling a caller which
 * organization asked before, and answering a known and an unknown organization differently.
 */
final class PerRequestCapabilityStatement {
    private PerRequestCapabilityStatement() {
    }

    /** The conformance provider for {@code server}'s FHIR version. */
    static Object of(RestfulServer server) {
        return server.getFhirContext().getVersion().getVersion() == FhirVersionEnum.DSTU3
                ? new Stu3(server) : new Current(server);
    }

    /** STU3 has its own generator (the version-independent one cannot fill STU3's profile element). */
    static final class Stu3 extends org.hl7.fhir.dstu3.hapi.rest.server.ServerCapabilityStatementProvider {
        Stu3(RestfulServer server) {
            super(server);
        }

        @Override
        @Metadata(cacheMillis = 0)
        public org.hl7.fhir.dstu3.model.CapabilityStatement getServerConformance(HttpServletRequest servletRequest,
                RequestDetails request) {
            return super.getServerConformance(servletRequest, request);
        }
    }

    /** R4 and later (the R5 base). */
    static final class Current extends ca.uhn.fhir.rest.server.provider.ServerCapabilityStatementProvider {
        Current(RestfulServer server) {
            super(server);
        }

        @Override
        @Metadata(cacheMillis = 0)
        public IBaseConformance getServerConformance(HttpServletRequest servletRequest, RequestDetails request) {
            return super.getServerConformance(servletRequest, request);
        }
    }
}
