package com.imagingmanifest.gateway.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.AsymmetricJWK;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * Access tokens as an issuer with {@code key} would mint them (nimbus-jose-jwt, the library the
 * gateway verifies with), and the classic forgeries of each: the attacks of RFC 8725 section 2 plus
 * tokens that are genuine but not for this gateway or not valid now.
 */
final class ForgedTokens {

    private final JWK key;
    private final String issuer;
    private final String audience;
    private final String type;

    /** {@code audience} may be null (no {@code aud}); {@code type} is the {@code typ} of genuine tokens. */
    ForgedTokens(JWK key, String issuer, String audience, String type) {
        this.key = key;
        this.issuer = issuer;
        this.audience = audience;
        this.type = type;
    }

    private JWTClaimsSet.Builder claims(String organization, String scope) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder b = new JWTClaimsSet.Builder()
                .issuer(issuer).subject("mallory").jwtID(UUID.randomUUID().toString())
                .issueTime(Date.from(now)).notBeforeTime(Date.from(now.minusSeconds(5)))
                .expirationTime(Date.from(now.plus(Duration.ofHours(1))))
                .claim("scope", scope).claim("org", organization);
        return audience == null ? b : b.audience(audience);
    }

    private JWSAlgorithm algorithm() {
        return key instanceof ECKey ? JWSAlgorithm.ES256 : JWSAlgorithm.RS256;
    }

    private String sign(JWTClaimsSet claims, String typ) {
        JWSHeader.Builder header = new JWSHeader.Builder(algorithm()).keyID(key.getKeyID());
        if (typ != null) {
            header.type(new JOSEObjectType(typ));
        }
        SignedJWT jwt = new SignedJWT(header.build(), claims);
        try {
            JWSSigner signer = key instanceof ECKey ec ? new ECDSASigner(ec) : new RSASSASigner((RSAKey) key);
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    /** A token the gateway must accept. */
    String genuine(String organization, String scope) {
        return sign(claims(organization, scope).build(), type);
    }

    /** The forgeries and misfits, each named for the report of a failed assertion. */
    Map<String, String> attacks(String organization, String scope) {
        Map<String, String> attacks = new LinkedHashMap<>();
        // RFC 8725 2.1: an unsecured JWS, which a library that trusts "alg" would accept unsigned
        attacks.put("alg none", new PlainJWT(claims(organization, scope).build()).serialize());
        attacks.put("alg none, signature kept", noneWithSignature(genuine(organization, scope)));
        // RFC 8725 2.1: the verification key, public, used as an HMAC secret
        attacks.put("HS256 keyed with the public key", hmacWithPublicKey(claims(organization, scope).build()));
        if (audience != null) {
            attacks.put("wrong audience", sign(modify(organization, scope, b -> b.audience("another-service")), type));
            attacks.put("no audience", sign(modify(organization, scope, b -> b.audience((String) null)), type));
        }
        attacks.put("wrong issuer", sign(modify(organization, scope, b -> b.issuer("https://elsewhere.example")), type));
        attacks.put("expired", sign(modify(organization, scope, b -> b
                .issueTime(Date.from(Instant.now().minus(Duration.ofHours(3))))
                .notBeforeTime(Date.from(Instant.now().minus(Duration.ofHours(3))))
                .expirationTime(Date.from(Instant.now().minus(Duration.ofHours(2))))), type));
        attacks.put("not yet valid", sign(modify(organization, scope, b -> b
                .notBeforeTime(Date.from(Instant.now().plus(Duration.ofHours(1))))
                .expirationTime(Date.from(Instant.now().plus(Duration.ofHours(2))))), type));
        attacks.put("no expiry", sign(modify(organization, scope, b -> b.expirationTime(null)), type));
        // an ID token or another JWT of the same issuer is not an access token (RFC 8725 3.11)
        attacks.put("typ JWT", sign(claims(organization, scope).build(), "JWT"));
        attacks.put("typ logout+jwt", sign(claims(organization, scope).build(), "logout+jwt"));
        attacks.put("no typ", sign(claims(organization, scope).build(), null));
        return attacks;
    }

    private JWTClaimsSet modify(String organization, String scope, UnaryOperator<JWTClaimsSet.Builder> change) {
        return change.apply(claims(organization, scope)).build();
    }

    private static String noneWithSignature(String signed) {
        String[] parts = signed.split("\\.");
        String header = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
        return header + "." + parts[1] + "." + parts[2];
    }

    private String hmacWithPublicKey(JWTClaimsSet claims) {
        try {
            byte[] encoded = ((AsymmetricJWK) key.toPublicJWK()).toPublicKey().getEncoded();
            String pem = "-----BEGIN PUBLIC KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(encoded)
                    + "\n-----END PUBLIC KEY-----\n";
            JWSHeader.Builder header = new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(key.getKeyID());
            if (type != null) {
                header.type(new JOSEObjectType(type));
            }
            SignedJWT jwt = new SignedJWT(header.build(), claims);
            jwt.sign(new MACSigner(pem.getBytes(StandardCharsets.US_ASCII)));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
