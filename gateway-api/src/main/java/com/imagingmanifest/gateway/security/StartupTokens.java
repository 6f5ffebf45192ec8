package com.imagingmanifest.gateway.security;

import com.imagingmanifest.gateway.tenant.Tenant;
import com.imagingmanifest.gateway.tenant.Tenants;
import java.io.PrintStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * With the embedded issuer, prints a ready-to-use token for each configured organization once the
 * gateway is up, as a plain line on standard output ({@code Demo token (org demo): eyJ...}) so that it
 * can be copied (and found by {@code ./gateway run}) whatever the log format. The token itself never
 * goes into the logs.
 */
@Component
class StartupTokens {

    static final String SCOPE = "user/ImagingManifest.*";
    private static final Logger log = LoggerFactory.getLogger(StartupTokens.class);

    private final GatewaySecurityProperties properties;
    private final Tenants tenants;
    private final ObjectProvider<LocalTokenIssuer> issuer;
    private final PrintStream out = System.out;

    StartupTokens(GatewaySecurityProperties properties, Tenants tenants, ObjectProvider<LocalTokenIssuer> issuer) {
        this.properties = properties;
        this.tenants = tenants;
        this.issuer = issuer;
    }

    @EventListener(ApplicationReadyEvent.class)
    void print() {
        LocalTokenIssuer local = issuer.getIfAvailable();
        if (!properties.enabled() || !properties.startupTokens() || local == null) {
            return;
        }
        for (Tenant org : tenants.all()) {
            String token = local.issue(org.slug(), SCOPE, properties.startupTokenTtl(), "startup-" + org.slug());
            out.println("Demo token (org " + org.slug() + "): " + token);
            log.info("Printed a start-up token for organization {} (scope {}, valid {})", org.slug(), SCOPE,
                    properties.startupTokenTtl());
        }
        out.flush();
    }
}
