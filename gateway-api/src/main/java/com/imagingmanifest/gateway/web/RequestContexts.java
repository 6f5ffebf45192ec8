package com.imagingmanifest.gateway.web;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import com.imagingmanifest.gateway.tenant.Tenant;
import com.imagingmanifest.gateway.tenant.Tenants;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Gives each request its {@link RequestContext}: the first filter that asks (request logging, the
 * outermost) parses the path and looks the organization up in {@link Tenants}; the context is then held
 * as a request attribute, so every later filter, Spring Security's decision and the FHIR providers read
 * the same one (docs/architecture.md §2).
 */
@Component
public class RequestContexts {
    static final String ATTRIBUTE = RequestContext.class.getName();
    /** Held for a path outside {@code /organizations/{org}}, so that it is not parsed again either. */
    private static final Object NONE = new Object();

    private final Tenants tenants;

    public RequestContexts(Tenants tenants) {
        this.tenants = tenants;
    }

    /** The request's context, made on first call; empty when the path is not under {@code /organizations/{org}}. */
    public Optional<RequestContext> of(HttpServletRequest request) {
        Object held = request.getAttribute(ATTRIBUTE);
        if (held instanceof RequestContext context) {
            return Optional.of(context);
        }
        if (held == NONE) {
            return Optional.empty();
        }
        String path = request.getRequestURI().substring(request.getContextPath().length());
        Optional<RequestContext> context = RequestTarget.parse(request.getMethod(), path)
                .map(t -> new RequestContext(t, tenants.find(t.organization()).orElse(null)));
        request.setAttribute(ATTRIBUTE, context.isPresent() ? context.get() : NONE);
        return context;
    }

    /** The context an earlier filter made for this request, without making one. */
    public static Optional<RequestContext> held(HttpServletRequest request) {
        return request.getAttribute(ATTRIBUTE) instanceof RequestContext context ? Optional.of(context)
                : Optional.empty();
    }

    /**
     * The context of a request the FHIR server is handling: how providers, interceptors and HAPI's tenant
     * strategy read it (HAPI's plain server hands them its servlet request details).
     */
    public static Optional<RequestContext> held(RequestDetails request) {
        return request instanceof ServletRequestDetails servlet ? held(servlet.getServletRequest()) : Optional.empty();
    }

    /** The configured organization of a request the FHIR server is handling; the edge answered 404 for any other. */
    public static Tenant tenant(RequestDetails request) {
        return held(request).flatMap(RequestContext::organization)
                .orElseThrow(() -> new IllegalStateException("request did not pass the edge's organization check"));
    }
}
