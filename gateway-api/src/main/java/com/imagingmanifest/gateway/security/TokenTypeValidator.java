package com.imagingmanifest.gateway.security;

import java.util.List;
import java.util.Locale;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * Accepts a token whose JOSE {@code typ} header is one of the configured types, so that other JWTs of
 * the same issuer (ID tokens, logout or DPoP proofs) do not pass as access tokens (RFC 8725 3.11).
 * Types compare case-insensitively and may carry the {@code application/} prefix (RFC 7515 4.1.9); a
 * token without {@code typ} is a plain {@code JWT} (RFC 7519 5.1).
 */
final class TokenTypeValidator implements OAuth2TokenValidator<Jwt> {

    private final List<String> accepted;

    TokenTypeValidator(List<String> accepted) {
        this.accepted = accepted.stream().map(TokenTypeValidator::normalized).toList();
    }

    private static String normalized(String type) {
        String t = type.trim().toLowerCase(Locale.ROOT);
        return t.startsWith("application/") ? t.substring("application/".length()) : t;
    }

    @Override
    public OAuth2TokenValidatorResult validate(Jwt token) {
        Object typ = token.getHeaders().get("typ");
        String type = typ == null ? "jwt" : normalized(String.valueOf(typ));
        if (accepted.contains(type)) {
            return OAuth2TokenValidatorResult.success();
        }
        return OAuth2TokenValidatorResult.failure(new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN,
                "The token type (typ) " + (typ == null ? "is absent" : "'" + typ + "' is not accepted")
                        + "; expected " + String.join(" or ", accepted), null));
    }
}
