package com.imagingmanifest.gateway.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

/**
 * Remembers the bearer tokens that passed the full check (signature, issuer, audience, type, expiry),
 * keyed by the token's exact text, so that a viewer fetching a grid of images does not pay an RSA
 * verification per image (a fifth of the scoped DICOMweb's CPU per request, docs/performance.md).
 *
 * <p>What it answers is never more than the decoder would: only tokens the decoder accepted are kept,
 * each until its {@code exp} (strictly: a token past it is checked again by the decoder, whose clock
 * skew rules then decide) and at most {@link #LIFETIME} after it was checked, so that a key the
 * identity provider withdraws stops being honoured soon. A refused token is never kept, so forged
 * tokens cost the full check every time and cannot fill the cache. At most {@link #MAX_ENTRIES} tokens
 * of at most {@link #MAX_TOKEN_CHARS} characters are kept; when full, expired ones go, then all.
 */
final class VerifiedTokens implements JwtDecoder {
    static final int MAX_ENTRIES = 4096;
    static final int MAX_TOKEN_CHARS = 8192;
    static final Duration LIFETIME = Duration.ofMinutes(5);

    private record Entry(Jwt jwt, Instant until) {
    }

    private final JwtDecoder decoder;
    private final Clock clock;
    private final Map<String, Entry> verified = new ConcurrentHashMap<>();

    VerifiedTokens(JwtDecoder decoder, Clock clock) {
        this.decoder = decoder;
        this.clock = clock;
    }

    @Override
    public Jwt decode(String token) throws JwtException {
        Instant now = clock.instant();
        Entry known = verified.get(token);
        if (known != null) {
            if (now.isBefore(known.until())) {
                return known.jwt();
            }
            verified.remove(token, known);
        }
        Jwt jwt = decoder.decode(token);
        Instant expires = jwt.getExpiresAt();
        if (expires != null && now.isBefore(expires) && token.length() <= MAX_TOKEN_CHARS) {
            if (verified.size() >= MAX_ENTRIES) {
                verified.values().removeIf(e -> !now.isBefore(e.until()));
                if (verified.size() >= MAX_ENTRIES) {
                    verified.clear();
                }
            }
            Instant limit = now.plus(LIFETIME);
            verified.put(token, new Entry(jwt, expires.isBefore(limit) ? expires : limit));
        }
        return jwt;
    }

    int size() {
        return verified.size();
    }
}
