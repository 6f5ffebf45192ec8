package com.imagingmanifest.gateway.metrics;

import com.imagingmanifest.pacs.Pacs;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The gateway's own meters, for the parts that do the work to call: PACS calls (wrap each tenant's
 * {@link Pacs} with {@link #metered}), KOS ingestion and quarantine counts, the association pool. Tag
 * values that come from data (sources, reasons) are reduced to a short token so that a hostile PACS or
 * caller cannot create unlimited time series.
 */
public class GatewayMetrics {

    public static final String INGESTED = "gateway.ingestion.ingested";
    public static final String QUARANTINED = "gateway.ingestion.quarantined";
    public static final String QUARANTINE_SIZE = "gateway.quarantine.size";
    public static final String POLL_FAILURES = "gateway.ingestion.poll.failures";
    public static final String QUARANTINE_DROPPED = "gateway.quarantine.dropped";
    public static final String ASSOCIATIONS = "gateway.dicom.associations";
    public static final String INTENTS_OPEN = "gateway.write.intents.open";
    /** The {@code source} tags of the ingestion meters: how a KOS reached the gateway. */
    public static final List<String> INGEST_SOURCES = List.of("scp", "poll");
    /** The reason of a KOS the PACS kept failing to send (the poller's, not a decision of ingestion). */
    public static final String UNRETRIEVABLE = "unretrievable";
    /**
     * The {@code reason} tags of {@value #QUARANTINED}: the bytes are not a data set, or not a manifest,
     * or the PACS would not send them.
     */
    public static final List<String> QUARANTINE_REASONS = List.of("unparseable", "unmappable", UNRETRIEVABLE);

    private static final Pattern TOKEN = Pattern.compile("[a-z0-9_-]{1,32}");

    private final MeterRegistry registry;

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** {@code pacs} with every call timed under {@value MeteredPacs#METRIC} for {@code tenant}. */
    public Pacs metered(String tenant, Pacs pacs) {
        if (pacs instanceof MeteredPacs) {
            return pacs;
        }
        if (pacs.associations().isPresent()) {
            associationPool(tenant, pacs);
        }
        return new MeteredPacs(pacs, tenant, registry);
    }

    /**
     * One KOS made on the PACS side was decided about and not quarantined: {@code source} {@code scp} or
     * {@code poll}; {@code outcome} what became of it ({@code manifest}, {@code duplicate}, {@code own},
     * {@code rejection-applied}, ...).
     */
    public void ingested(String tenant, String source, String outcome) {
        Counter.builder(INGESTED).description("KOS made on the PACS side, by what became of them (not quarantined)")
                .tags("tenant", tenant, "source", token(source), "outcome", token(outcome)).register(registry).increment();
    }

    /** One KOS could not be imported and was quarantined; {@code reason} one of {@link #QUARANTINE_REASONS}. */
    public void quarantined(String tenant, String source, String reason) {
        Counter.builder(QUARANTINED).description("KOS documents put in quarantine")
                .tags("tenant", tenant, "source", token(source), "reason", token(reason)).register(registry).increment();
    }

    /**
     * Creates {@code tenant}'s quarantine counters at 0 for every source and reason, so that a rate or
     * an alert on them works before the first bad KOS (a counter born at its first increment has no
     * earlier sample to compare with).
     */
    public void quarantineCounters(String tenant, List<String> sources, List<String> reasons) {
        for (String source : sources) {
            for (String reason : reasons) {
                Counter.builder(QUARANTINED).description("KOS documents put in quarantine")
                        .tags("tenant", tenant, "source", token(source), "reason", token(reason)).register(registry);
            }
        }
    }

    /** Creates {@code tenant}'s poll failure counter at 0 (see {@link #quarantineCounters}). */
    public void pollFailureCounter(String tenant) {
        Counter.builder(POLL_FAILURES).description("Turns of the KOS poller that failed")
                .tag("tenant", tenant).register(registry);
    }

    /** One turn of the poller failed (the PACS feed could not be read); the next turn retries. */
    public void pollFailed(String tenant) {
        Counter.builder(POLL_FAILURES).description("Turns of the KOS poller that failed")
                .tag("tenant", tenant).register(registry).increment();
    }

    /** {@code count} quarantined KOS of {@code tenant} were dropped, oldest first, to keep within its quota. */
    public void quarantineDropped(String tenant, int count) {
        quarantineDroppedCounter(tenant).increment(count);
    }

    /** Creates (or finds) {@code tenant}'s counter of dropped quarantine items, at 0 until the first drop. */
    public Counter quarantineDroppedCounter(String tenant) {
        return Counter.builder(QUARANTINE_DROPPED)
                .description("Quarantined KOS dropped, oldest first, to keep an organization within its quota")
                .tag("tenant", tenant).register(registry);
    }

    /** Reports the number of quarantined KOS of {@code tenant}, read from {@code size} at each scrape. */
    public void quarantineSize(String tenant, Supplier<Number> size) {
        Gauge.builder(QUARANTINE_SIZE, size).description("KOS documents currently in quarantine")
                .tag("tenant", tenant).strongReference(true).register(registry);
    }

    /**
     * Reports the write intents of {@code tenant} still open, read from {@code open} at each scrape:
     * anything above 0 for longer than the recovery interval is a KOS the PACS has not let go of yet.
     */
    public void writeIntentsOpen(String tenant, Supplier<Number> open) {
        Gauge.builder(INTENTS_OPEN, open).description("Write intents not settled yet (KOS to store, remove or retire)")
                .tag("tenant", tenant).strongReference(true).register(registry);
    }

    /** Reports a tenant's DIMSE associations to its PACS (in use, idle, callers waiting), read at each scrape. */
    private void associationPool(String tenant, Pacs pacs) {
        association(tenant, "in-use", () -> pacs.associations().map(s -> s.inUse()).orElse(0));
        association(tenant, "idle", () -> pacs.associations().map(s -> s.idle()).orElse(0));
        association(tenant, "waiting", () -> pacs.associations().map(s -> s.waiting()).orElse(0));
    }

    private void association(String tenant, String state, Supplier<Number> value) {
        Gauge.builder(ASSOCIATIONS, value).description("DICOM associations of the gateway to the PACS")
                .tags("tenant", tenant, "state", state).strongReference(true).register(registry);
    }

    static String token(String value) {
        if (value == null) {
            return "unknown";
        }
        String lower = value.toLowerCase(java.util.Locale.ROOT);
        return TOKEN.matcher(lower).matches() ? lower : "other";
    }
}
