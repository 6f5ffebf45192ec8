package com.imagingmanifest.gateway.security;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code gateway.cors.*}: cross-origin access for browser viewers (the Fetch standard's CORS protocol).
 * Off while {@code allowedOrigins} is empty.
 *
 * @param allowedOrigins origins ({@code https://viewer.example.org}) or patterns
 *     ({@code https://*.example.org}, {@code *}) whose scripts may call the API
 * @param allowCredentials answer {@code Access-Control-Allow-Credentials: true}: only needed when a
 *     browser sends cookies or HTTP authentication, not for bearer tokens in {@code Authorization};
 *     the Fetch standard forbids it with a wildcard origin, so {@code *} is then refused at start
 * @param maxAge how long a browser may cache a preflight answer
 */
@ConfigurationProperties("gateway.cors")
public record CorsProperties(
        @DefaultValue List<String> allowedOrigins,
        @DefaultValue("false") boolean allowCredentials,
        @DefaultValue("30m") Duration maxAge) {

    public CorsProperties {
        if (allowCredentials && allowedOrigins.contains("*")) {
            throw new IllegalArgumentException("gateway.cors.allow-credentials=true cannot be combined with the"
                    + " origin '*' (the Fetch standard forbids credentials with a wildcard): list the origins");
        }
    }

    /** True when any origin is allowed to call the API from a browser. */
    public boolean enabled() {
        return !allowedOrigins.isEmpty();
    }
}
