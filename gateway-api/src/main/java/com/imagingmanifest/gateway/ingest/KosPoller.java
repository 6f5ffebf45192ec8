package com.imagingmanifest.gateway.ingest;

import com.imagingmanifest.gateway.metrics.GatewayMetrics;
import com.imagingmanifest.gateway.tenant.PacsConnections;
import com.imagingmanifest.gateway.tenant.Tenant;
import com.imagingmanifest.gateway.tenant.Tenants;
import com.imagingmanifest.pacs.InstanceRef;
import com.imagingmanifest.gateway.store.ManifestKos;
import com.imagingmanifest.pacs.KosChanges;
import com.imagingmanifest.pacs.KosLedger;
import com.imagingmanifest.pacs.Pacs;
import com.imagingmanifest.pacs.PacsException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Polls each organization's PACS for KOS made there (docs/architecture.md §5), through
 * {@link Pacs#kosSince}: Orthanc's change feed, QIDO-RS for other DICOMweb PACS, C-FIND for DIMSE.
 * Every {@code ingest.poll-interval} it reads pages until the feed is exhausted (so a gateway that
 * was down catches up), each page in one transaction that holds the organization's cursor row
 * ({@code SELECT ... FOR UPDATE SKIP LOCKED}): another gateway instance on the same database skips its
 * turn instead of reading the same page, and the page's manifests and the advanced cursor commit
 * together. Ingested SOP Instance UIDs are unique in the database as well, so even a poller that
 * somehow read the same KOS makes no second manifest.
 */
@Component
public class KosPoller implements SmartLifecycle {
    /** Pages read in one turn, at most: one turn never runs unbounded even on an endless feed. */
    static final int MAX_PAGES_PER_TURN = 1000;
    private static final Logger log = LoggerFactory.getLogger(KosPoller.class);

    private final IngestProperties properties;
    /** ingest.retrieval-attempts per organization id, as the configuration gives it. */
    private final Map<String, Integer> retrievalAttempts = new ConcurrentHashMap<>();
    private final Tenants tenants;
    private final PacsConnections connections;
    private final KosIngestion ingestion;
    private final IngestRecords records;
    private final Quarantine quarantine;
    private final ManifestKos kos;
    private final TransactionTemplate transactions;
    private final GatewayMetrics metrics;
    private final Clock clock;
    private ScheduledExecutorService scheduler;
    /**
     * Failed retrievals in a row per organization and KOS SOP Instance UID. In memory: a restart grants
     * a KOS a few more attempts, which is harmless; what matters is that the number is bounded.
     */
    private final Map<String, Map<String, Integer>> retrievalFailures = new ConcurrentHashMap<>();

    KosPoller(IngestProperties properties, Tenants tenants, PacsConnections connections, KosIngestion ingestion,
            IngestRecords records, Quarantine quarantine, ManifestKos kos,
            PlatformTransactionManager transactionManager, GatewayMetrics metrics, Clock clock) {
        this.properties = properties;
        this.tenants = tenants;
        this.connections = connections;
        this.ingestion = ingestion;
        this.records = records;
        this.quarantine = quarantine;
        this.kos = kos;
        this.transactions = new TransactionTemplate(transactionManager);
        this.metrics = metrics;
        this.clock = clock;
        polled(); // configuration errors stop the start
    }

    /** The organizations to poll, with their settings. */
    private record Polled(Tenant tenant, IngestProperties.Ingest ingest) {
    }

    private List<Polled> polled() {
        List<Polled> polled = new ArrayList<>();
        for (int i = 0; i < properties.organizations().size(); i++) {
            IngestProperties.Organization o = properties.organizations().get(i);
            if (!o.ingest().polls()) {
                continue;
            }
            String where = "gateway.organizations[" + i + "].ingest";
            Tenant tenant = tenants.find(o.id() == null ? "" : o.id()).orElseThrow(() ->
                    new IllegalStateException(where + ": no configured organization '" + o.id() + "'"));
            if (o.ingest().pageSize() < 1 || o.ingest().pageSize() > 10_000) {
                throw new IllegalStateException(where + ".page-size must be 1-10000");
            }
            if (o.ingest().retrievalAttempts() < 1) {
                throw new IllegalStateException(where + ".retrieval-attempts must be at least 1");
            }
            polled.add(new Polled(tenant, o.ingest()));
            retrievalAttempts.put(tenant.id(), o.ingest().retrievalAttempts());
        }
        return polled;
    }

    @Override
    public synchronized void start() {
        List<Polled> polled = polled();
        if (polled.isEmpty() || scheduler != null) {
            return;
        }
        AtomicInteger n = new AtomicInteger();
        scheduler = Executors.newScheduledThreadPool(Math.min(polled.size(), 4), r -> {
            Thread t = new Thread(r, "kos-poller-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        for (Polled p : polled) {
            metrics.pollFailureCounter(p.tenant().slug());
            long millis = p.ingest().pollInterval().toMillis();
            scheduler.scheduleWithFixedDelay(() -> turn(p), Math.min(millis, 1000), millis, TimeUnit.MILLISECONDS);
            log.info("organization {}: polling its PACS for KOS every {}", p.tenant().id(), p.ingest().pollInterval());
        }
    }

    /** One scheduled turn; never throws (that would end the schedule). */
    private void turn(Polled p) {
        try {
            pollNow(p.tenant(), p.ingest().pageSize());
        } catch (RuntimeException e) {
            metrics.pollFailed(p.tenant().slug());
            log.warn("organization {}: KOS poll failed, retried next turn: {}", p.tenant().id(), e.getMessage());
        }
    }

    /**
     * Reads the organization's KOS feed to its end (or {@link #MAX_PAGES_PER_TURN} pages); returns the
     * number of pages this instance read, 0 when another instance held the cursor.
     *
     * @throws PollException when the PACS failed; the page in progress changed nothing
     */
    public int pollNow(Tenant tenant, int pageSize) {
        String kind = tenant.pacs().kind().name().toLowerCase(Locale.ROOT);
        records.ensureCursor(tenant.id(), kind, clock.instant());
        Pacs pacs = connections.of(tenant);
        String source = Sources.pacs(tenant.pacs());
        for (int pages = 0; pages < MAX_PAGES_PER_TURN; pages++) {
            Boolean more = transactions.execute(tx -> {
                Optional<IngestRecords.Cursor> cursor = records.lockCursor(tenant.id());
                if (cursor.isEmpty()) {
                    return null; // another gateway instance is polling this organization
                }
                // a cursor belongs to one kind of PACS: after a change of kind, start from the beginning
                String position = kind.equals(cursor.get().pacsKind()) ? cursor.get().position() : null;
                KosChanges page = page(pacs, position, pageSize, ledger(tenant));
                List<KosIngestion.Retrieved> retrieved = new ArrayList<>(page.kos().size());
                for (KosChanges.Kos kos : page.kos()) {
                    retrieve(tenant, source, pacs, kos).ifPresent(retrieved::add);
                }
                ingestion.retrievedPage(tenant, source, retrieved);
                records.saveCursor(tenant.id(), kind, page.nextCursor(), clock.instant());
                return !page.done();
            });
            if (more == null) {
                return pages;
            }
            if (!more) {
                return pages + 1;
            }
        }
        return MAX_PAGES_PER_TURN;
    }

    /**
     * Every KOS ingestion has dealt with: decided about (ingested_kos, including rejection notes),
     * named by a rejection note, quarantined, or written by the gateway. A watermark feed reports
     * the KOS behind its watermark that this does not know, so a KOS with old dates is not missed;
     * once ingested in this page's transaction it is known, and the cursor lock keeps it to one poller.
     */
    private KosLedger ledger(Tenant tenant) {
        return sopUids -> {
            // the gateway's own KOS asked first, as in KosIngestion.ingestRun
            Set<String> known = new HashSet<>(kos.gatewayKos(sopUids));
            records.known(tenant.id(), sopUids).forEach((sop, k) -> {
                if (k.ingested() || k.rejected()) {
                    known.add(sop);
                }
            });
            known.addAll(quarantine.quarantined(tenant.id(), sopUids));
            return known;
        };
    }

    private static KosChanges page(Pacs pacs, String position, int pageSize, KosLedger ledger) {
        try {
            return pacs.kosSince(position, pageSize, ledger);
        } catch (PacsException e) {
            throw new PollException("PACS " + e.kind().name().toLowerCase(Locale.ROOT) + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new PollException("cursor '" + position + "' refused by the PACS adapter: " + e.getMessage(), e);
        }
    }

    private Optional<KosIngestion.Retrieved> retrieve(Tenant tenant, String source, Pacs pacs,
            KosChanges.Kos found) {
        InstanceRef ref = found.ref();
        String sop = ref.sopInstanceUid();
        Optional<byte[]> kos = Optional.ofNullable(found.part10());
        if (kos.isEmpty()) {
            try {
                kos = pacs.retrieve(ref.studyInstanceUid(), ref.seriesInstanceUid(), sop);
            } catch (PacsException e) {
                if (!e.failedThisObjectOnly()) {
                    throw new PollException("retrieving KOS " + sop + ": " + e.getMessage(), e);
                }
                Map<String, Integer> failures = retrievalFailures.computeIfAbsent(tenant.id(),
                        k -> new ConcurrentHashMap<>());
                int attempts = retrievalAttempts(tenant);
                int failed = failures.merge(sop, 1, Integer::sum);
                if (failed < attempts) {
                    throw new PollException("retrieving KOS " + sop + " (attempt " + failed + " of " + attempts
                            + "): " + e.getMessage(), e);
                }
                // the archive keeps failing this one object: without a bound it would hold the feed forever
                String reason = GatewayMetrics.UNRETRIEVABLE + ": " + failed + " retrievals in a row failed; last: " + e.getMessage();
                log.warn("organization {}: KOS {} from {} quarantined: {}", tenant.id(), sop, source, reason);
                if (quarantine.add(tenant.id(), source, sop, reason, clock.instant(), new byte[0])) {
                    metrics.quarantined(tenant.slug(), KosIngestion.Channel.POLL.tag(), GatewayMetrics.UNRETRIEVABLE);
                }
                failures.remove(sop);
                return Optional.empty();
            }
        }
        Map<String, Integer> failures = retrievalFailures.get(tenant.id());
        if (failures != null) {
            failures.remove(sop);
        }
        if (kos.isEmpty()) {
            log.info("organization {}: KOS {} left the PACS before it was read", tenant.id(), sop);
        }
        return kos.map(bytes -> new KosIngestion.Retrieved(sop, bytes));
    }

    private int retrievalAttempts(Tenant tenant) {
        return retrievalAttempts.getOrDefault(tenant.id(), IngestProperties.Ingest.DEFAULT_RETRIEVAL_ATTEMPTS);
    }

    /** A poll that failed because of the PACS; the page it was reading changed nothing. */
    public static final class PollException extends RuntimeException {
        PollException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    @Override
    public synchronized void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            try {
                scheduler.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            scheduler = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return scheduler != null;
    }
}
