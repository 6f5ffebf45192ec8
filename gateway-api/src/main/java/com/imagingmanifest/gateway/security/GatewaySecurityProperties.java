package com.imagingmanifest.gateway.security;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code gateway.security.*}: where tokens come from and what is open without one. With neither
 * {@code issuer-uri} nor {@code jwk-set-uri}, the gateway is its own issuer, signing with a key kept in
 * the data directory (see {@link SigningKey}).
 *
 * @param enabled false lets every request through (development only)
 * @param issuerUri OpenID Provider issuer; keys and issuer check come from its discovery document
 * @param jwkSetUri JWK Set of an external issuer; {@code issuer} must then be set too
 * @param issuer the {@code iss} of tokens: required with jwk-set-uri, minted and checked for the
 *     embedded key (default {@value #EMBEDDED_ISSUER})
 * @param audience tokens must list it in {@code aud}; required with an external issuer, whose tokens for
 *     other services would be accepted otherwise
 * @param organizationClaim the claim naming the caller's organization (id or slug)
 * @param openMetadata {@code /organizations/{org}/fhir/3/metadata} without a token
 * @param openHealth {@code /actuator/health} (status only) and its liveness and readiness groups without a
 *     token; the components, which name organizations, need the admin scope
 * @param openPrometheus {@code /actuator/prometheus} without a token: off by default, since its labels name
 *     every organization; a scraper sends a token with the admin scope, or the site opens it on a
 *     management port only its monitoring reaches
 * @param clockSkew tolerance on {@code exp} and {@code nbf}
 * @param startupTokens print a token per organization at start-up (embedded key only); off unless set:
 *     only the demo of {@code ./gateway run} sets it, so an image or a site never prints credentials
 * @param startupTokenTtl lifetime of those tokens
 * @param adminScope the scope a token needs for the management endpoints that are not open
 *     ({@code /actuator/quarantine} and any other exposed one): they span every organization, so an
 *     organization's ImagingManifest scopes do not reach them
 * @param authorizationEndpoint the identity provider's OAuth authorization endpoint, announced in
 *     {@code rest.security} and the SMART discovery document (default: from {@code issuer-uri}'s metadata)
 * @param tokenEndpoint the identity provider's OAuth token endpoint, announced likewise
 * @param tokenTypes the JOSE {@code typ} header values (RFC 7515 4.1.9) accepted from an external issuer;
 *     a token without {@code typ} counts as {@code JWT} (RFC 7519 5.1). The default accepts RFC 9068
 *     access tokens and plain JWTs; a site whose issuer types its access tokens sets {@code at+jwt} alone,
 *     so that its ID tokens and other JWTs are refused. The embedded issuer's tokens must be {@code at+jwt}.
 */
@ConfigurationProperties("gateway.security")
public record GatewaySecurityProperties(
        @DefaultValue("true") boolean enabled,
        URI issuerUri,
        URI jwkSetUri,
        String issuer,
        String audience,
        @DefaultValue("org") String organizationClaim,
        @DefaultValue("true") boolean openMetadata,
        @DefaultValue("true") boolean openHealth,
        @DefaultValue("false") boolean openPrometheus,
        @DefaultValue("60s") Duration clockSkew,
        @DefaultValue("false") boolean startupTokens,
        @DefaultValue("12h") Duration startupTokenTtl,
        @DefaultValue("gateway.admin") String adminScope,
        URI authorizationEndpoint,
        URI tokenEndpoint,
        @DefaultValue({"at+jwt", "JWT"}) List<String> tokenTypes) {

    public static final String EMBEDDED_ISSUER = "urn:imaging-manifest-gateway";

    public GatewaySecurityProperties {
        if (issuerUri != null || jwkSetUri != null) {
            String source = issuerUri != null ? "issuer-uri" : "jwk-set-uri";
            if (audience == null || audience.isBlank()) {
                throw new IllegalArgumentException("gateway.security.audience must be set with gateway.security."
                        + source + ": without it, any token of that issuer (for any service) would be accepted");
            }
            if (jwkSetUri != null && issuerUri == null && (issuer == null || issuer.isBlank())) {
                throw new IllegalArgumentException("gateway.security.issuer must be set with"
                        + " gateway.security.jwk-set-uri: the iss of every token is checked against it");
            }
            if (tokenTypes.isEmpty()) {
                throw new IllegalArgumentException("gateway.security.token-types must name at least one type");
            }
        }
    }

    /** True when the gateway verifies tokens with its own key (no external issuer configured). */
    public boolean embeddedIssuer() {
        return issuerUri == null && jwkSetUri == null;
    }

    /** The issuer the embedded key mints and expects. */
    public String embeddedIssuerName() {
        return issuer != null && !issuer.isBlank() ? issuer : EMBEDDED_ISSUER;
    }
}
