package com.imagingmanifest.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS material for tests: self-signed key pairs made by the JDK's keytool in PKCS12 stores (password
 * {@value #PASSWORD}), certificates in and out of PEM, and SSL contexts from them.
 */
public final class TestTls {
    public static final String PASSWORD = "changeit";

    private TestTls() {
    }

    /**
     * A new PKCS12 store {@code store} holding a self-signed EC (P-256) key pair under {@code alias},
     * valid two days; {@code subjectAltName} (keytool syntax, e.g. {@code ip:127.0.0.1}) may be null.
     */
    public static Path keyPair(Path store, String alias, String distinguishedName, String subjectAltName) {
        List<String> command = new ArrayList<>(List.of(keytool(), "-genkeypair", "-alias", alias, "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", distinguishedName, "-validity", "2", "-storetype", "PKCS12",
                "-keystore", store.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD));
        if (subjectAltName != null) {
            command.addAll(List.of("-ext", "SAN=" + subjectAltName));
        }
        run(command);
        return store;
    }

    /** The certificate of {@code alias} in {@code store}, written to {@code pem} (for tools such as DCMTK). */
    public static Path exportPem(Path store, String alias, Path pem) {
        run(List.of(keytool(), "-exportcert", "-rfc", "-alias", alias, "-keystore", store.toString(), "-storepass",
                PASSWORD, "-file", pem.toString()));
        return pem;
    }

    public static KeyStore load(Path store) {
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(in, PASSWORD.toCharArray());
            return keys;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot load " + store + ": " + e.getMessage(), e);
        }
    }

    /** A trust store holding exactly {@code certificates}. */
    public static KeyStore trusting(Certificate... certificates) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            for (int i = 0; i < certificates.length; i++) {
                trust.setCertificateEntry("trusted-" + i, certificates[i]);
            }
            return trust;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The X.509 certificate in a PEM file, such as openssl writes. */
    public static Certificate readPem(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            return CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read " + pem + ": " + e.getMessage(), e);
        }
    }

    /** An SSL context of {@code protocol} with {@code keys} (may be null: no own certificate) and {@code trust} (may be null: the JVM's). */
    public static SSLContext context(String protocol, KeyStore keys, KeyStore trust) {
        try {
            KeyManagerFactory kmf = null;
            if (keys != null) {
                kmf = KeyManagerFactory.getInstance("PKIX");
                kmf.init(keys, PASSWORD.toCharArray());
            }
            TrustManagerFactory tmf = null;
            if (trust != null) {
                tmf = TrustManagerFactory.getInstance("PKIX");
                tmf.init(trust);
            }
            SSLContext context = SSLContext.getInstance(protocol);
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String keytool() {
        return Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    }

    private static void run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new IllegalStateException(command.get(0) + " could not run: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
