package com.imagingmanifest.gateway.health;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * UP once every Flyway migration is applied, OUT_OF_SERVICE while some are pending; part of the
 * readiness group so no traffic arrives before the schema is complete. Once UP it stays UP (applied
 * migrations are not undone) and the database is no longer asked.
 */
final class MigrationsHealthIndicator implements HealthIndicator {

    private final ObjectProvider<Flyway> flyway;
    private volatile Health ready;

    MigrationsHealthIndicator(ObjectProvider<Flyway> flyway) {
        this.flyway = flyway;
    }

    @Override
    public Health health() {
        if (ready != null) {
            return ready;
        }
        Flyway f = flyway.getIfAvailable();
        if (f == null) {
            return ready = Health.up().withDetail("migrations", "none configured").build();
        }
        MigrationInfo[] pending = f.info().pending();
        if (pending.length > 0) {
            return Health.outOfService().withDetail("pending", pending.length).build();
        }
        MigrationInfo current = f.info().current();
        return ready = Health.up()
                .withDetail("version", current != null ? current.getVersion().toString() : "none")
                .build();
    }
}
