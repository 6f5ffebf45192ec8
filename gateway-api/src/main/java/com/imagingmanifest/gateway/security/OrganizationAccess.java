package com.imagingmanifest.gateway.security;

import com.imagingmanifest.gateway.tenant.Tenant;
import com.imagingmanifest.gateway.web.RequestContext;
import com.imagingmanifest.gateway.web.RequestContexts;
import com.imagingmanifest.gateway.web.RequestTarget;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Collection;
import java.util.Optional;
import java.util.function.Supplier;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;

/**
 * Decides a request under {@code /organizations/{org}}: the token's organization claim must name the
 * same configured organization as the path (id or slug, either way round), then its SMART scopes must
 * allow the interaction (read: GET, HEAD, search by POST; write: everything else; a conditional create
 * needs both).
 *
 * <p>The organization is checked first and its failure is a {@link NotVisible} result, which
 * {@link DeniedRequests} answers with the same 404 as an organization that does not exist: a token for
 * one organization learns nothing about another, not even whether a resource exists there.
 */
final class OrganizationAccess implements AuthorizationManager<RequestAuthorizationContext> {

    /** Denied because the path's organization is not the token's: answered as absent (404). */
    static final class NotVisible extends AuthorizationDecision {
        final String organization;

        NotVisible(String organization) {
            super(false);
            this.organization = organization;
        }
    }

    private final RequestContexts contexts;
    private final String organizationClaim;

    OrganizationAccess(RequestContexts contexts, String organizationClaim) {
        this.contexts = contexts;
        this.organizationClaim = organizationClaim;
    }

    @Override
    public AuthorizationResult authorize(Supplier<? extends Authentication> authentication,
            RequestAuthorizationContext context) {
        HttpServletRequest request = context.getRequest();
        if (!(authentication.get() instanceof JwtAuthenticationToken token)) {
            // anonymous: the entry point answers 401
            return new AuthorizationDecision(false);
        }
        Jwt jwt = token.getToken();
        String client = jwt.hasClaim("client_id") ? jwt.getClaimAsString("client_id") : jwt.getClaimAsString("azp");
        RequestAudit.authenticated(request, jwt.getSubject(), client);
        Optional<RequestContext> parsed = contexts.of(request);
        if (parsed.isEmpty()) {
            return new AuthorizationDecision(false);
        }
        RequestContext fhir = parsed.get();
        if (!sameOrganization(jwt.getClaim(organizationClaim), fhir.organization())) {
            RequestAudit.denied(request, "organization-mismatch");
            return new NotVisible(fhir.organizationSegment());
        }
        SmartScopes scopes = SmartScopes.of(jwt.getClaims().containsKey("scope") ? jwt.getClaim("scope") : jwt.getClaim("scp"));
        if (!scopes.allows(fhir.resourceType(), fhir.operation().write())) {
            RequestAudit.denied(request, "insufficient-scope");
            return new AuthorizationDecision(false);
        }
        if (readsMatches(request, fhir) && !scopes.allows(fhir.resourceType(), false)) {
            RequestAudit.denied(request, "insufficient-scope");
            return new AuthorizationDecision(false);
        }
        return new AuthorizationDecision(true);
    }

    /**
     * A conditional create (FHIR http 2.21.0.1, {@code If-None-Exist}) answers 200 with the match, 412, or
     * 201: it tells whether a search matches, which a write-only token must not learn. It needs read too.
     */
    static boolean readsMatches(HttpServletRequest request, RequestContext fhir) {
        return fhir.operation() == RequestTarget.Operation.CREATE && request.getHeader(IF_NONE_EXIST) != null;
    }

    static final String IF_NONE_EXIST = "If-None-Exist";

    /** The claim (a string, or a list of them) names the path's configured organization. */
    private static boolean sameOrganization(Object claim, Optional<Tenant> target) {
        if (target.isEmpty()) {
            return false;
        }
        if (claim instanceof String name) {
            return target.get().isNamedBy(name);
        }
        if (claim instanceof Collection<?> names) {
            return names.stream().anyMatch(n -> target.get().isNamedBy(String.valueOf(n)));
        }
        return false;
    }
}
