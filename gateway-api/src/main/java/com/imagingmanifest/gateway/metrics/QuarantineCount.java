package com.imagingmanifest.gateway.metrics;

/**
 * How many KOS an organization has in quarantine, as the store counts them: what the
 * {@value GatewayMetrics#QUARANTINE_SIZE} gauge reads at each scrape. Implemented by ingestion's
 * quarantine, which depends on this package and not the other way round.
 */
@FunctionalInterface
public interface QuarantineCount {
    long count(String org);
}
