package com.imagingmanifest.gateway.config;

import javax.net.ssl.SSLContext;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundles;

/**
 * Turns a setting that names a Spring Boot SSL bundle ({@code spring.ssl.bundle.jks.<name>.*} or
 * {@code .pem.<name>.*}) into TLS material, stopping the start with the setting's key when the name
 * cannot be resolved: the SCP's {@code gateway.scp.ssl-bundle} and each PACS binding's.
 */
public final class NamedSslBundles {
    private NamedSslBundles() {
    }

    /**
     * The bundle's SSL context, or null when {@code name} is unset or blank (plain TCP).
     * {@code bundles} may be null when Spring Boot configured none.
     */
    public static SSLContext tlsContext(SslBundles bundles, String name, String key) {
        if (name == null || name.isBlank()) {
            return null;
        }
        if (bundles == null) {
            throw new IllegalStateException(key + " is set but no spring.ssl.bundle is configured");
        }
        try {
            return bundles.getBundle(name).createSslContext();
        } catch (NoSuchSslBundleException e) {
            throw new IllegalStateException(key + ": no SSL bundle named '" + name
                    + "' (spring.ssl.bundle.jks.* or .pem.*)", e);
        }
    }
}
