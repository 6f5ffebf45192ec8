package com.imagingmanifest.gateway.security;

import com.imagingmanifest.gateway.web.OperationOutcomeWriter;
import com.imagingmanifest.gateway.web.RequestContexts;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.hl7.fhir.dstu3.model.OperationOutcome.IssueType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authorization.AuthorizationDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.oauth2.server.resource.web.access.BearerTokenAccessDeniedHandler;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * The answers to refused requests, each an OperationOutcome: 401 with the RFC 6750 3
 * {@code WWW-Authenticate: Bearer} challenge, 403 ({@code insufficient_scope}), and 404 when the token
 * belongs to another organization.
 */
final class DeniedRequests implements AuthenticationEntryPoint, AccessDeniedHandler {

    private final BearerTokenAuthenticationEntryPoint challenge = new BearerTokenAuthenticationEntryPoint();
    private final BearerTokenAccessDeniedHandler forbidden = new BearerTokenAccessDeniedHandler();

    private final OperationOutcomeWriter outcomes;
    private final RequestContexts contexts;

    DeniedRequests(String realm, OperationOutcomeWriter outcomes, RequestContexts contexts) {
        this.outcomes = outcomes;
        this.contexts = contexts;
        challenge.setRealmName(realm);
        forbidden.setRealmName(realm);
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response,
            AuthenticationException failure) throws IOException {
        // a token was sent but refused (bad signature, expired, wrong issuer, malformed header);
        // otherwise none was sent at all
        boolean invalid = failure instanceof OAuth2AuthenticationException;
        RequestAudit.denied(request, invalid ? "invalid-token" : "missing-token");
        // sets 401 and the WWW-Authenticate challenge (with error="invalid_token" for a bad token)
        challenge.commence(request, response, failure);
        String diagnostics = invalid
                ? "Invalid bearer token: " + failure.getMessage()
                : "A bearer token is required (Authorization: Bearer <token>)";
        outcomes.send(response, HttpServletResponse.SC_UNAUTHORIZED, IssueType.LOGIN, diagnostics);
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
            throws IOException {
        if (denied instanceof AuthorizationDeniedException d
                && d.getAuthorizationResult() instanceof OrganizationAccess.NotVisible hidden) {
            outcomes.unknownOrganization(response, hidden.organization);
            return;
        }
        if (RequestAudit.denial(request) == null) {
            RequestAudit.denied(request, "forbidden");
        }
        forbidden.handle(request, response, denied);
        outcomes.send(response, HttpServletResponse.SC_FORBIDDEN, IssueType.FORBIDDEN,
                "The token's scopes do not allow " + describe(request));
    }

    private String describe(HttpServletRequest request) {
        return contexts.of(request)
                .map(f -> OrganizationAccess.readsMatches(request, f)
                        ? "a conditional create (If-None-Exist), which reads the matches of its search: it needs"
                                + " ImagingManifest.write and ImagingManifest.read (user/ or system/)"
                        : (f.operation().write() ? "writing " : "reading ")
                        + (f.resourceType() != null ? f.resourceType() : "this server")
                        + " (needs user/ or system/" + (f.resourceType() != null ? f.resourceType() : "ImagingManifest")
                        + "." + (f.operation().write() ? "write" : "read") + ")")
                .orElse("this request");
    }
}
