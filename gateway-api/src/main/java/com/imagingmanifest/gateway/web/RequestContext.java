package com.imagingmanifest.gateway.web;

import com.imagingmanifest.gateway.tenant.Tenant;
import com.imagingmanifest.gateway.web.RequestTarget.Base;
import com.imagingmanifest.gateway.web.RequestTarget.Operation;
import java.util.List;
import java.util.Optional;

/**
 * A request under {@code /organizations/{org}} as the edge understood it, once: its {@link RequestTarget}
 * and the configured organization the path names, if any. Security, logging, metrics, the FHIR server's
 * filter, the viewer's filter and the providers read it from {@link RequestContexts}; nothing parses the
 * path or looks the organization up again.
 *
 * @param target what the method and path ask for
 * @param tenant the configured organization named by the path's organization segment, or null
 */
public record RequestContext(RequestTarget target, Tenant tenant) {

    /** Metrics and logs name an organization that is not configured like this. */
    public static final String UNKNOWN_TENANT = "unknown";

    /** The configured organization the path names (by id or slug). */
    public Optional<Tenant> organization() {
        return Optional.ofNullable(tenant);
    }

    /** The organization segment as sent (percent-decoded): what an answer about an unknown one quotes. */
    public String organizationSegment() {
        return target.organization();
    }

    /**
     * A bounded name for metrics and logs: the slug of the configured organization, else {@value #UNKNOWN_TENANT}
     * (so that a caller cannot create unlimited time series by inventing organizations).
     */
    public String tenantLabel() {
        return tenant != null ? tenant.slug() : UNKNOWN_TENANT;
    }

    public Base base() {
        return target.base();
    }

    public Operation operation() {
        return target.operation();
    }

    /** {@code 3} or {@code 5} on a FHIR base, else null. */
    public String fhirVersion() {
        return target.fhirVersion();
    }

    public String resourceType() {
        return target.resourceType();
    }

    public String id() {
        return target.id();
    }

    public String resourceReference() {
        return target.resourceReference();
    }

    /** The decoded segments after the base. */
    public List<String> rest() {
        return target.rest();
    }
}
