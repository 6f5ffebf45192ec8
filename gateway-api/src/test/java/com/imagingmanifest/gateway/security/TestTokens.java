package com.imagingmanifest.gateway.security;

import com.nimbusds.jose.jwk.RSAKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * Tokens for tests of a gateway that uses its embedded issuer: signed with the key in the test's
 * {@code gateway.data-dir} (created if absent, exactly as the server does), with the default issuer
 * and organization claim. Tests that have the application context can use its {@link LocalTokenIssuer}
 * bean instead.
 */
public final class TestTokens {

    public static final String ALL = "user/ImagingManifest.*";
    public static final String READ = "user/ImagingManifest.read";
    public static final String WRITE = "user/ImagingManifest.write";

    private TestTokens() {
    }

    /** A token for {@code organization} (id or slug) with {@code scope}, valid for an hour. */
    public static String token(Path dataDir, String organization, String scope) {
        return issuer(dataDir, Clock.systemUTC()).issue(organization, scope, Duration.ofHours(1), "test");
    }

    /** An issuer whose clock is {@code clock} (an offset clock mints tokens already expired or not yet valid). */
    public static LocalTokenIssuer issuer(Path dataDir, Clock clock) {
        return new LocalTokenIssuer(key(dataDir), GatewaySecurityProperties.EMBEDDED_ISSUER, "org", clock);
    }

    static RSAKey key(Path dataDir) {
        try {
            return SigningKey.loadOrCreate(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
