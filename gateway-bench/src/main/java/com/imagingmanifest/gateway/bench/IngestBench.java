package com.imagingmanifest.gateway.bench;

import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.dicom.io.Part10Object;
import com.imagingmanifest.kos.KosDocument;
import com.imagingmanifest.kos.ManifestToKos;
import com.imagingmanifest.net.dimse.DimseClient;
import com.imagingmanifest.testing.PrivateOrthanc;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.HdrHistogram.Histogram;
import org.hl7.fhir.dstu3.model.ImagingManifest;

/**
 * The ingestion scenario of {@code gateway bench}: KOS made outside the gateway reach it by C-STORE
 * to its SCP, or are stored on the PACS and found by its poller. Each is timed against Orthanc
 * accepting the same number of KOS from the same SCU at the same concurrency, in the same run.
 *
 * <p>The KOS are written by the project's own translation ({@code ManifestToKos}) from the bench
 * study's manifest, each with a SOP Instance UID of its own, so none is the gateway's own KOS or a
 * duplicate. Ingestion asks the PACS nothing about the study a KOS selects, so the polled Orthanc
 * need not hold that study. Whether a KOS became a manifest is read from {@code ingested_kos} (one
 * row per decided KOS, written in the transaction of the manifest's commit).
 */
final class IngestBench {
    /** The bench organization's AE title on the gateway's C-STORE SCP. */
    static final String SCP_AE_TITLE = "GATEWAY";
    /** An organization of its own for the poller, bound to its own Orthanc: nothing else is stored there. */
    static final String POLLED_ORG = "bench-polled";
    private static final String CALLING_AE_TITLE = "BENCHSCU";
    /** How long the gateway's store may stay without a new manifest before the wait gives up. */
    private static final Duration STALL = Duration.ofSeconds(60);

    private final BenchContext bench;
    private final BenchOptions options;
    private final String jdbcUrl;
    private final ImagingManifest manifest;
    private final ManifestToKos translation = new ManifestToKos(null);

    IngestBench(BenchContext bench, String jdbcUrl, ImagingManifest manifest) {
        this.bench = bench;
        this.options = bench.options();
        this.jdbcUrl = jdbcUrl;
        this.manifest = manifest;
    }

    /** What one batch of stores left: its timing, and when each KOS was acknowledged (epoch ms, 0: failed). */
    private record Stored(LoadRun.Result result, long startMillis, long[] ackedMillis, List<Part10Object> batch) {
    }

    void run(int scpPort, PrivateOrthanc orthanc, PrivateOrthanc polled) throws Exception {
        for (int clients : options.ingestClients()) {
            scp(clients, scpPort, orthanc);
        }
        bench.report().note("ingest scp: the gateway's time runs from the first C-STORE to the last manifest seen in its"
                + " store (the SCP answers after the commit, so that adds only the bench's 10 ms look-ups); p50/p99"
                + " are C-STORE round trips, to the gateway and to Orthanc alike");
        poller(options.ingestClients().stream().mapToInt(Integer::intValue).max().orElse(1), polled);
    }

    /**
     * C-STORE to the gateway's SCP. The SCP answers after the manifest's commit, so the batch's time
     * includes it; the gateway's time runs until the last manifest was seen in the store.
     */
    private void scp(int clients, int scpPort, PrivateOrthanc orthanc) throws Exception {
        LoadRun.Result gateway;
        try (DimseClient client = client(scpPort, SCP_AE_TITLE, clients)) {
            warmUp(client, clients, BenchCommand.ORG);
            try (Watch watch = new Watch(BenchCommand.ORG)) {
                Stored stored = store(client, clients);
                long end = watch.awaitAll(stored.result().operations());
                gateway = made(stored, end, watch.seen().size(), stored.result().latencies());
            }
        }
        LoadRun.Result pacs;
        try (DimseClient client = client(orthanc.dicomPort(), orthanc.aeTitle(), clients)) {
            warmUp(client, clients, null);
            pacs = store(client, clients).result();
        }
        bench.report().add(new BenchReport.Row("ingest scp", "", clients, gateway, "DimseClient C-STORE to Orthanc", pacs,
                ">= 0.8x", met(gateway, pacs)));
        bench.progress("ingest scp x" + clients + " done");
    }

    /**
     * KOS stored into the polled Orthanc; the gateway's rate is the batch over the time from the first
     * store to the last manifest seen, and p50/p99 are each KOS's wait from Orthanc's C-STORE response
     * until its manifest was seen in the store (the poller commits a page of KOS at once).
     */
    private void poller(int clients, PrivateOrthanc polled) throws Exception {
        try (DimseClient client = client(polled.dicomPort(), polled.aeTitle(), clients)) {
            // the warm-up's KOS are ingested too: the poller's code is compiled before the timed batch
            warmUp(client, clients, POLLED_ORG);
            Stored stored;
            long end;
            Histogram waits = new Histogram(3_600_000_000L, 3);
            try (Watch watch = new Watch(POLLED_ORG)) {
                stored = store(client, clients);
                end = watch.awaitAll(stored.result().operations());
                for (int i = 0; i < stored.batch().size(); i++) {
                    Long seen = watch.seen().get(stored.batch().get(i).sopInstanceUid());
                    if (seen != null && stored.ackedMillis()[i] > 0) {
                        waits.recordValue(Math.max(1, (seen - stored.ackedMillis()[i]) * 1000));
                    }
                }
            }
            LoadRun.Result gateway = made(stored, end, waits.getTotalCount(), waits);
            bench.report().add(new BenchReport.Row("ingest poll", "", clients, gateway, "DimseClient C-STORE to Orthanc",
                    stored.result(), ">= 0.8x", met(gateway, stored.result())));
            long tail = end - (stored.startMillis() + Math.round(stored.result().seconds() * 1000));
            long interval = options.pollInterval().toMillis();
            bench.report().note(String.format(Locale.ROOT, "ingest poll: %d KOS stored into Orthanc in %.2f s by %d clients;"
                    + " the last manifest was seen %d ms after the last store (poll interval %d ms); p50/p99 are each"
                    + " KOS's wait from Orthanc's C-STORE response until its manifest was seen in the store. %s",
                    stored.result().operations(), stored.result().seconds(), clients, tail, interval,
                    tail <= 2 * interval
                            ? "The poller kept up with the stores: its rate is Orthanc's plus up to one poll"
                                    + " interval, which weighs more the smaller the batch."
                            : "The poller fell behind the stores: its rate is its own, not bounded by the poll"
                                    + " interval."));
            bench.progress("ingest poll x" + clients + " done");
        }
    }

    /** The gateway's figures: the manifests seen, over the time from the first store to the last one seen. */
    private LoadRun.Result made(Stored stored, long endMillis, long made, Histogram latencies) {
        String failure = stored.result().firstFailure() != null ? stored.result().firstFailure()
                : made < options.ingestCount() ? "only " + made + " of " + options.ingestCount()
                        + " KOS became manifests" : null;
        return new LoadRun.Result(made, options.ingestCount() - made, (endMillis - stored.startMillis()) / 1000.0,
                latencies, failure);
    }

    private static boolean met(LoadRun.Result gateway, LoadRun.Result pacs) {
        return gateway.failures() == 0 && gateway.throughput() >= 0.8 * pacs.throughput();
    }

    private DimseClient client(int port, String calledAeTitle, int clients) {
        return DimseClient.builder("127.0.0.1", port, calledAeTitle).callingAeTitle(CALLING_AE_TITLE)
                .poolSize(clients).build();
    }

    /**
     * Stores KOS for the warm-up period: the associations open and the path to the commit is
     * compiled. With an organization, waits until the gateway has ingested them all, so that the timed
     * batch starts with nothing in flight.
     */
    private void warmUp(DimseClient client, int clients, String org) throws Exception {
        try (Watch watch = org == null ? null : new Watch(org)) {
            LoadRun.Result warm = LoadRun.run(clients, Duration.ZERO, options.warmup(),
                    (c, r) -> store(client, kos()));
            if (warm.operations() == 0 && warm.firstFailure() != null) {
                throw new IllegalStateException("ingest warm-up: no KOS stored: " + warm.firstFailure());
            }
            if (watch != null) {
                watch.awaitAll(warm.operations());
            }
        }
    }

    /** A batch of new KOS, made before the clock starts, stored {@code clients} at a time. */
    private Stored store(DimseClient client, int clients) throws InterruptedException {
        List<Part10Object> batch = new ArrayList<>();
        for (int i = 0; i < options.ingestCount(); i++) {
            batch.add(kos());
        }
        long[] acked = new long[batch.size()];
        long start = System.currentTimeMillis();
        LoadRun.Result result = LoadRun.batch(clients, batch.size(), i -> {
            store(client, batch.get(i));
            acked[i] = System.currentTimeMillis();
        });
        return new Stored(result, start, acked, batch);
    }

    private static void store(DimseClient client, Part10Object kos) {
        client.store(kos.sopClassUid(), kos.sopInstanceUid(), kos.dataSet(), kos.transferSyntaxUid());
    }

    private Part10Object kos() {
        KosDocument document = translation.translate(manifest, Map.of(), List.of(Uid.generate())).get(0);
        return Part10Object.parse(document.toPart10());
    }

    /**
     * Watches the gateway's store from its creation on: each manifest the ingestion makes for the
     * organization, by its KOS's SOP Instance UID, with the time (epoch ms) the bench first saw it.
     * A row of {@code ingested_kos} is visible once the manifest's transaction committed.
     */
    private final class Watch implements AutoCloseable {
        private final Map<String, Long> seen = new ConcurrentHashMap<>();
        private final Connection connection;
        private final PreparedStatement query;
        private final Thread thread;
        private volatile boolean closed;
        private volatile String error;

        Watch(String org) throws SQLException {
            connection = DriverManager.getConnection(jdbcUrl, options.postgresUser(), "");
            // a decision made before the watch is not this batch's (the 'ingested' time is the decision's)
            query = connection.prepareStatement("SELECT sop_uid FROM ingested_kos WHERE org_id = ?"
                    + " AND outcome = 'manifest' AND ingested >= ?");
            query.setString(1, org);
            query.setLong(2, System.currentTimeMillis());
            thread = new Thread(this::watch, "bench-ingest-watch");
            thread.setDaemon(true);
            thread.start();
        }

        private void watch() {
            while (!closed) {
                try (ResultSet rs = query.executeQuery()) {
                    long now = System.currentTimeMillis();
                    while (rs.next()) {
                        seen.putIfAbsent(rs.getString(1), now);
                    }
                    Thread.sleep(10);
                } catch (SQLException e) {
                    error = e.getMessage();
                    return;
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        Map<String, Long> seen() {
            return seen;
        }

        /**
         * Waits until {@code count} manifests were seen, or until none came for {@link #STALL}; returns
         * when the last one seen was seen.
         */
        long awaitAll(long count) throws InterruptedException {
            int last = -1;
            long lastChange = System.currentTimeMillis();
            while (seen.size() < count && error == null) {
                if (seen.size() != last) {
                    last = seen.size();
                    lastChange = System.currentTimeMillis();
                } else if (System.currentTimeMillis() - lastChange > STALL.toMillis()) {
                    bench.progress("ingest: no new manifest for " + STALL.toSeconds() + " s; " + last + " of " + count);
                    break;
                }
                Thread.sleep(10);
            }
            if (error != null) {
                throw new IllegalStateException("ingest: reading the gateway's store failed: " + error);
            }
            return seen.values().stream().mapToLong(Long::longValue).max().orElse(System.currentTimeMillis());
        }

        @Override
        public void close() throws SQLException {
            closed = true;
            thread.interrupt();
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            connection.close();
        }
    }
}
