package com.imagingmanifest.gateway.health;

import com.imagingmanifest.gateway.tenant.PacsConnections;
import com.imagingmanifest.gateway.tenant.Tenant;
import com.imagingmanifest.gateway.tenant.Tenants;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.flywaydb.core.Flyway;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.PropertySource;

/**
 * Health: {@code pacs} (one indicator per tenant's PACS), {@code migrations} (in the readiness group),
 * plus Spring Boot's {@code db}. Also loads the operational defaults (actuator exposure, probes,
 * graceful shutdown) from {@code gateway-operations.properties}, which any application property
 * overrides.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(HealthConfiguration.PacsHealthProperties.class)
@PropertySource("classpath:gateway-operations.properties")
public class HealthConfiguration {

    /**
     * {@code gateway.health.pacs.*}.
     *
     * @param timeout longest wait for a PACS check
     * @param cacheFor how long a check's result is reused
     */
    @ConfigurationProperties("gateway.health.pacs")
    public record PacsHealthProperties(@DefaultValue("3s") Duration timeout, @DefaultValue("10s") Duration cacheFor) {
    }

    @Bean(destroyMethod = "shutdownNow")
    ExecutorService pacsHealthChecks() {
        return Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "pacs-health");
            t.setDaemon(true);
            return t;
        });
    }

    @Bean
    HealthContributor pacs(Tenants tenants, PacsConnections connections, ExecutorService pacsHealthChecks,
            PacsHealthProperties properties) {
        Map<String, HealthContributor> indicators = new TreeMap<>();
        for (Tenant tenant : tenants.all()) {
            indicators.put(tenant.slug(), new PacsHealthIndicator(() -> connections.of(tenant), pacsHealthChecks,
                    properties.timeout(), properties.cacheFor(), Clock.systemUTC()));
        }
        return CompositeHealthContributor.fromMap(indicators);
    }

    @Bean
    HealthIndicator migrations(ObjectProvider<Flyway> flyway) {
        return new MigrationsHealthIndicator(flyway);
    }
}
