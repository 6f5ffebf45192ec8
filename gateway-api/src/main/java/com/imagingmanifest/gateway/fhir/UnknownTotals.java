package com.imagingmanifest.gateway.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import org.hl7.fhir.dstu3.model.Bundle;

/**
 * Keeps {@code Bundle.total} absent where the gateway did not count: HAPI fills an empty total of a
 * Bundle a search method returns with the request's {@code _count}, which is not the number of
 * matches.
 */
@Interceptor
final class UnknownTotals {
    private static final String UNKNOWN = UnknownTotals.class.getName();

    static void mark(Bundle bundle) {
        bundle.setUserData(UNKNOWN, Boolean.TRUE);
    }

    static void mark(org.hl7.fhir.r5.model.Bundle bundle) {
        bundle.setUserData(UNKNOWN, Boolean.TRUE);
    }

    @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
    public boolean outgoing(ResponseDetails response) {
        if (response.getResponseResource() instanceof Bundle bundle && bundle.getUserData(UNKNOWN) != null) {
            bundle.setTotalElement(null);
        } else if (response.getResponseResource() instanceof org.hl7.fhir.r5.model.Bundle r5
                && r5.getUserData(UNKNOWN) != null) {
            r5.setTotalElement(null);
        }
        return true;
    }
}
