package com.imagingmanifest.gateway.store;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Secrets shared by every gateway instance on one database (table {@code signing_key}): the first
 * instance that needs a key makes it, the others read it; a key never changes once made, so each
 * instance keeps it after the first read.
 */
@Repository
public class SigningKeys {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcClient jdbc;
    private final Clock clock;
    private final ConcurrentHashMap<String, byte[]> known = new ConcurrentHashMap<>();

    public SigningKeys(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    /** The 256-bit secret named {@code name}, made now if no instance has made it yet. */
    public byte[] secret(String name) {
        return known.computeIfAbsent(name, this::readOrMake);
    }

    private byte[] readOrMake(String name) {
        Optional<String> stored = read(name);
        if (stored.isEmpty()) {
            byte[] secret = new byte[32];
            RANDOM.nextBytes(secret);
            try {
                jdbc.sql("INSERT INTO signing_key (key_name, secret, created) VALUES (?, ?, ?)")
                        .params(name, Base64.getEncoder().encodeToString(secret), clock.millis()).update();
            } catch (DuplicateKeyException e) {
                // another instance made it first: use theirs
            }
            stored = read(name);
        }
        return Base64.getDecoder().decode(stored.orElseThrow());
    }

    private Optional<String> read(String name) {
        return jdbc.sql("SELECT secret FROM signing_key WHERE key_name = ?").param(name).query(String.class).optional();
    }
}
