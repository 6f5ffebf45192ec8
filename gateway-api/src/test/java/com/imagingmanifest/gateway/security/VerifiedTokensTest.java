package com.imagingmanifest.gateway.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;

/**
 * The cache of verified tokens answers only what the decoder answered, and no longer than the token's
 * expiry or {@link VerifiedTokens#LIFETIME}; refused tokens always go to the decoder.
 */
class VerifiedTokensTest {

    private static final Instant T0 = Instant.parse("2026-12-07T12:00:00Z");

    /** A clock the test moves. */
    private static final class MovingClock extends Clock {
        Instant now = T0;

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    /** Accepts tokens named in {@link #expiries} until their expiry (as the real decoder does, without skew). */
    private static final class FakeDecoder implements JwtDecoder {
        final Map<String, Instant> expiries = new HashMap<>();
        final MovingClock clock;
        int calls;

        FakeDecoder(MovingClock clock) {
            this.clock = clock;
        }

        @Override
        public Jwt decode(String token) {
            calls++;
            Instant exp = expiries.get(token);
            if (exp == null) {
                throw new BadJwtException("bad signature");
            }
            if (!clock.instant().isBefore(exp)) {
                throw new BadJwtException("expired");
            }
            return Jwt.withTokenValue(token).header("alg", "RS256").subject("tester")
                    .issuedAt(T0.minusSeconds(1)).expiresAt(exp).build();
        }
    }

    private final MovingClock clock = new MovingClock();
    private final FakeDecoder decoder = new FakeDecoder(clock);
    private final VerifiedTokens cache = new VerifiedTokens(decoder, clock);

    @Test
    void aVerifiedTokenIsCheckedOnceUntilItExpires() {
        decoder.expiries.put("good", T0.plusSeconds(60));
        Jwt first = cache.decode("good");
        clock.now = T0.plusSeconds(59);
        assertSame(first, cache.decode("good"));
        assertEquals(1, decoder.calls);
        clock.now = T0.plusSeconds(60);
        assertThrows(BadJwtException.class, () -> cache.decode("good"), "past exp: the decoder decides again");
        assertEquals(2, decoder.calls);
        assertThrows(BadJwtException.class, () -> cache.decode("good"));
        assertEquals(3, decoder.calls, "an expired token is not kept");
    }

    @Test
    void aLongLivedTokenIsCheckedAgainAfterTheLifetime() {
        decoder.expiries.put("long", T0.plus(Duration.ofHours(8)));
        cache.decode("long");
        clock.now = T0.plus(VerifiedTokens.LIFETIME).minusSeconds(1);
        cache.decode("long");
        assertEquals(1, decoder.calls);
        clock.now = T0.plus(VerifiedTokens.LIFETIME);
        cache.decode("long");
        assertEquals(2, decoder.calls, "re-verified once the lifetime is over");
        // a key withdrawn meanwhile: the next check after the lifetime refuses it
        decoder.expiries.remove("long");
        clock.now = clock.now.plus(VerifiedTokens.LIFETIME);
        assertThrows(BadJwtException.class, () -> cache.decode("long"));
    }

    @Test
    void refusedTokensAreNeverKept() {
        for (int i = 0; i < 3; i++) {
            assertThrows(BadJwtException.class, () -> cache.decode("forged"));
        }
        assertEquals(3, decoder.calls);
        assertEquals(0, cache.size());
        // a token one character off a verified one is another token
        decoder.expiries.put("good", T0.plusSeconds(60));
        cache.decode("good");
        assertThrows(BadJwtException.class, () -> cache.decode("gooe"));
    }

    @Test
    void theCacheIsBounded() {
        for (int i = 0; i < VerifiedTokens.MAX_ENTRIES + 10; i++) {
            decoder.expiries.put("t" + i, T0.plusSeconds(60));
            cache.decode("t" + i);
        }
        assertTrue(cache.size() <= VerifiedTokens.MAX_ENTRIES, "size " + cache.size());
        String huge = "x".repeat(VerifiedTokens.MAX_TOKEN_CHARS + 1);
        decoder.expiries.put(huge, T0.plusSeconds(60));
        int before = cache.size();
        cache.decode(huge);
        assertEquals(before, cache.size(), "an oversized token is checked but not kept");
    }
}
