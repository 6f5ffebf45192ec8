package com.imagingmanifest.gateway.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.text.ParseException;

/**
 * The embedded issuer's RSA signing key: a private JWK (RFC 7517) in
 * {@code <data-dir>/jwt-signing-key.json}, readable by its owner only, created on first use. The server
 * and {@link TokenCommand} share it, so whichever starts first creates it and the other reads it.
 */
public final class SigningKey {

    public static final String FILE_NAME = "jwt-signing-key.json";

    private SigningKey() {
    }

    /** The key in {@code dataDir}, generated (RSA 2048, RS256) and written with mode 600 if absent. */
    public static RSAKey loadOrCreate(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE_NAME);
        if (Files.exists(file)) {
            return read(file);
        }
        Files.createDirectories(dataDir);
        RSAKey key;
        try {
            key = new RSAKeyGenerator(2048)
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.RS256)
                    .keyIDFromThumbprint(true)
                    .generate();
        } catch (JOSEException e) {
            throw new IOException("cannot generate the JWT signing key: " + e.getMessage(), e);
        }
        Path tmp = posix()
                ? Files.createTempFile(dataDir, ".jwt-signing-key", ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : Files.createTempFile(dataDir, ".jwt-signing-key", ".tmp");
        try {
            Files.writeString(tmp, key.toJSONString(), StandardCharsets.UTF_8);
            // a hard link is created atomically and fails if the name exists: two processes starting
            // together end up with one key, the one that linked first
            Files.createLink(file, tmp);
        } catch (FileAlreadyExistsException other) {
            return read(file);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return key;
    }

    private static RSAKey read(Path file) throws IOException {
        try {
            JWK jwk = JWK.parse(Files.readString(file, StandardCharsets.UTF_8));
            if (!(jwk instanceof RSAKey rsa) || !rsa.isPrivate()) {
                throw new IOException(file + " does not hold a private RSA JWK");
            }
            return rsa;
        } catch (ParseException e) {
            throw new IOException(file + " is not a JWK: " + e.getMessage(), e);
        }
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }
}
