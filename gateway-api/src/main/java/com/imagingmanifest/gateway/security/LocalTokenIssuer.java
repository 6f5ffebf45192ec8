package com.imagingmanifest.gateway.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/** Mints bearer tokens signed with the embedded {@link SigningKey}; used at start-up and by {@link TokenCommand}. */
public final class LocalTokenIssuer {

    /** RFC 9068 2.1: access tokens are typed {@code at+jwt}. */
    public static final String TOKEN_TYPE = "at+jwt";

    private final RSAKey key;
    private final String issuer;
    private final String organizationClaim;
    private final Clock clock;

    public LocalTokenIssuer(RSAKey key, String issuer, String organizationClaim, Clock clock) {
        this.key = key;
        this.issuer = issuer;
        this.organizationClaim = organizationClaim;
        this.clock = clock;
    }

    /**
     * A signed JWT (RFC 7519) for {@code organization} with the space-separated SMART {@code scope},
     * valid from now for {@code ttl}.
     */
    public String issue(String organization, String scope, Duration ttl, String subject) {
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .subject(subject)
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)))
                .jwtID(UUID.randomUUID().toString())
                .claim("scope", scope)
                .claim(organizationClaim, organization)
                .build();
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID(key.getKeyID())
                .type(new JOSEObjectType(TOKEN_TYPE))
                .build();
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a token: " + e.getMessage(), e);
        }
        return jwt.serialize();
    }
}
