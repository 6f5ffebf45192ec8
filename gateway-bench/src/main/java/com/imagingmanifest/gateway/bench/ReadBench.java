package com.imagingmanifest.gateway.bench;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.hl7.fhir.dstu3.model.Bundle;

/**
 * The read scenario: reads, vreads, searches and history at each store size, each beside the bare
 * JDBC select of the same rows by the same index (the store's own floor). The store is filled by
 * {@link StoreLoader} in bulk, not through the gateway.
 */
final class ReadBench {
    private static final String STU3 = "/3/ImagingManifest/";
    private static final String R5 = "/5/ImagingSelection/";
    private static final String CURRENT_JSON = "SELECT v.resource_json FROM manifest_resource r JOIN manifest_version v"
            + " ON v.org_id = r.org_id AND v.res_id = r.res_id AND v.version_id = r.version_id";
    private static final String ORG = BenchCommand.ORG;

    private final BenchContext bench;
    private final BenchOptions options;
    private final LiveGateway live;
    private final String jdbcUrl;
    /** The peer loaded with the same manifests and asked the same requests (--peer); null without one. */
    private final PeerBench peer;

    ReadBench(BenchContext bench, LiveGateway live, String jdbcUrl, PeerBench peer) {
        this.bench = bench;
        this.options = bench.options();
        this.live = live;
        this.jdbcUrl = jdbcUrl;
        this.peer = peer;
    }

    private record ReadScenario(String name, RequestFor request, String baselineSql, BindFor bind, int expectedTotal) {
    }

    @FunctionalInterface
    private interface RequestFor {
        String path(long n);
    }

    @FunctionalInterface
    private interface BindFor {
        void bind(PreparedStatement statement, long n) throws SQLException;
    }

    /**
     * Paths are under {@code /organizations/{org}/fhir}: {@code /3/ImagingManifest...} on the STU3 base,
     * {@code /5/ImagingSelection...} for the R5 view of the same manifests, whose rows have the same
     * baseline select as their STU3 twins (the same store rows; the difference is the translation).
     */
    private static List<ReadScenario> scenarios(StoreLoader loader) {
        String patientSql = "SELECT v.resource_json FROM search_reference d JOIN manifest_resource r ON r.org_id = d.org_id"
                + " AND r.res_id = d.res_id JOIN manifest_version v ON v.org_id = r.org_id"
                + " AND v.res_id = r.res_id AND v.version_id = r.version_id WHERE d.org_id = ?"
                + " AND d.param = 'patient' AND d.reference = ? AND r.deleted = FALSE ORDER BY d.org_id,"
                + " d.param, d.reference, d.last_updated DESC, d.res_id DESC LIMIT 21";
        return List.of(
                new ReadScenario("read", n -> STU3 + StoreLoader.id(n),
                        CURRENT_JSON + " WHERE r.org_id = ? AND r.res_id = ?",
                        (s, n) -> { s.setString(1, ORG); s.setString(2, StoreLoader.id(n)); }, -1),
                new ReadScenario("read R5 ImagingSelection", n -> R5 + StoreLoader.id(n),
                        CURRENT_JSON + " WHERE r.org_id = ? AND r.res_id = ?",
                        (s, n) -> { s.setString(1, ORG); s.setString(2, StoreLoader.id(n)); }, -1),
                new ReadScenario("vread", n -> STU3 + StoreLoader.id(n) + "/_history/1",
                        "SELECT resource_json FROM manifest_version WHERE org_id = ? AND res_id = ? AND version_id = 1",
                        (s, n) -> { s.setString(1, ORG); s.setString(2, StoreLoader.id(n)); }, -1),
                // driven by the index the gateway uses, in its order, a page's worth
                new ReadScenario("search patient", n -> "/3/ImagingManifest?patient=" + loader.patient(n), patientSql,
                        (s, n) -> { s.setString(1, ORG); s.setString(2, loader.patient(n)); },
                        loader.perPatient()),
                new ReadScenario("search patient R5", n -> "/5/ImagingSelection?patient=" + loader.patient(n),
                        patientSql, (s, n) -> { s.setString(1, ORG); s.setString(2, loader.patient(n)); },
                        loader.perPatient()),
                new ReadScenario("search selected-study", n -> "/3/ImagingManifest?selected-study=" + StoreLoader.study(n),
                        "SELECT v.resource_json FROM search_token d JOIN manifest_resource r ON r.org_id = d.org_id"
                                + " AND r.res_id = d.res_id JOIN manifest_version v ON v.org_id = r.org_id"
                                + " AND v.res_id = r.res_id AND v.version_id = r.version_id WHERE d.org_id = ?"
                                + " AND d.param = 'selected-study' AND d.token_value = ? AND r.deleted = FALSE ORDER BY"
                                + " d.org_id, d.param, d.token_value, d.last_updated DESC, d.res_id DESC LIMIT 21",
                        (s, n) -> { s.setString(1, ORG); s.setString(2, StoreLoader.study(n)); }, 1),
                new ReadScenario("search authoring-time (10 min)", n -> "/3/ImagingManifest?authoring-time=ge"
                                + GatewayClient.enc(iso(StoreLoader.authoringTime(n))) + "&authoring-time=lt"
                                + GatewayClient.enc(iso(StoreLoader.authoringTime(n) + 10 * StoreLoader.AUTHORING_STEP)),
                        // the store's bounded form: every bulk and created manifest has second precision,
                        // so authoring_low >= from - 999 ms holds (the gateway finds that bound itself)
                        CURRENT_JSON + " WHERE r.org_id = ? AND r.deleted = FALSE AND r.authoring_high >= ?"
                                + " AND r.authoring_low >= ? AND r.authoring_low < ? ORDER BY r.last_updated DESC, r.res_id LIMIT 21",
                        (s, n) -> {
                            s.setString(1, ORG);
                            s.setLong(2, StoreLoader.authoringTime(n));
                            s.setLong(3, StoreLoader.authoringTime(n) - 999);
                            s.setLong(4, StoreLoader.authoringTime(n) + 10 * StoreLoader.AUTHORING_STEP);
                        }, 10),
                new ReadScenario("history", n -> STU3 + StoreLoader.id(n) + "/_history",
                        "SELECT version_id, resource_json FROM manifest_version WHERE org_id = ? AND res_id = ?"
                                + " ORDER BY last_updated DESC, version_id DESC",
                        (s, n) -> { s.setString(1, ORG); s.setString(2, StoreLoader.id(n)); }, 1));
    }

    /**
     * Reads and searches at each store size. On PostgreSQL the bulk load and the bare selects run
     * beside the running gateway; the embedded H2 store is one process's file, so there the gateway
     * stops for each load, the bare selects run in this JVM on the same file (the store's own floor,
     * without a network), and the gateway starts again on it for its runs.
     */
    void run() throws Exception {
        StoreLoader loader = new StoreLoader(bench.fhir(), ORG, options.perPatient());
        int clients = options.readClients();
        List<ReadScenario> scenarios = scenarios(loader);
        bench.report().note(String.format(Locale.ROOT, "reads: bulk manifests, %d per patient (--per-patient), one study each;"
                + " searches by patient match %d, pages of 20", loader.perPatient(), loader.perPatient()));
        long loaded = 0;
        for (long size : options.sizes()) {
            if (h2()) {
                live.stop();
            }
            List<LoadRun.Result> bare;
            try (Connection admin = connect()) {
                long started = System.nanoTime();
                loader.load(admin, loaded, size);
                if (peer != null) {
                    peer.load(loader, loaded, size);
                }
                loaded = size;
                bench.progress(String.format(Locale.ROOT, "store holds %,d bulk manifests (loaded in %.1f s)", size,
                        (System.nanoTime() - started) / 1e9));
                bare = bareSelects(scenarios, clients, range(size, loader));
            }
            if (h2()) {
                GatewayProcess started = live.start();
                bench.progress(String.format(Locale.ROOT, "gateway pid %d ready in %.2f s on the loaded store",
                        started.pid(), started.startSeconds()));
            }
            String base = GatewayClient.fhirRoot(live.current().port());
            String label = String.format(Locale.ROOT, "%,d", size);
            long range = range(size, loader);
            if (size == options.sizes().get(0) || h2()) {
                // the first timed run must not pay for the JIT compiling the gateway's read path
                for (ReadScenario s : scenarios) {
                    LoadRun.run(clients, Duration.ZERO, options.warmup(), (c, r) ->
                            bench.client().get(base + s.request().path(r.nextLong(range))));
                }
            }
            for (int i = 0; i < scenarios.size(); i++) {
                ReadScenario s = scenarios.get(i);
                check(base, s, range / 2);
                LoadRun.Result gateway = LoadRun.run(clients, options.warmup(), options.duration(),
                        (c, r) -> bench.client().read(base + s.request().path(r.nextLong(range))), live::cpuSeconds);
                boolean met = gateway.p99Millis() < 20 && gateway.throughput() >= 0.5 * bare.get(i).throughput();
                bench.report().add(new BenchReport.Row(s.name(), label + " " + options.store(), clients, gateway,
                        "JDBC select", bare.get(i), "p99 < 20ms, >= 0.5x", met));
                if (peer != null) {
                    peer.compare(s.name(), label + " " + options.store(), clients, gateway, n -> s.request().path(n),
                            range, s.expectedTotal());
                }
                bench.progress(s.name() + " at " + label + " done");
            }
        }
    }

    private boolean h2() {
        return options.store().equals("h2");
    }

    /** A connection of the bench's own to the store (H2: only while the gateway is stopped). */
    private Connection connect() throws SQLException {
        return h2() ? DriverManager.getConnection(jdbcUrl, "sa", "")
                : DriverManager.getConnection(jdbcUrl, options.postgresUser(), "");
    }

    /** Each search picks manifests whose expected matches all exist (the last patient may have fewer). */
    private static long range(long size, StoreLoader loader) {
        return Math.max(1, size - Math.max(10, loader.perPatient()));
    }

    /** The same rows by the same index, selected with JDBC by {@code clients} connections of the bench's own. */
    private List<LoadRun.Result> bareSelects(List<ReadScenario> scenarios, int clients, long range) throws Exception {
        Connection[] connections = new Connection[clients];
        List<List<PreparedStatement>> statements = new ArrayList<>();
        List<LoadRun.Result> results = new ArrayList<>();
        try {
            for (int c = 0; c < clients; c++) {
                connections[c] = connect();
                List<PreparedStatement> mine = new ArrayList<>();
                for (ReadScenario s : scenarios) {
                    mine.add(connections[c].prepareStatement(s.baselineSql()));
                }
                statements.add(mine);
            }
            for (int i = 0; i < scenarios.size(); i++) {
                ReadScenario s = scenarios.get(i);
                int index = i;
                results.add(LoadRun.run(clients, options.warmup(), options.duration(), (c, r) -> {
                    PreparedStatement statement = statements.get(c).get(index);
                    s.bind().bind(statement, r.nextLong(range));
                    int rows = 0;
                    try (ResultSet rs = statement.executeQuery()) {
                        // a page's worth, as the gateway reads
                        while (rows < 20 && rs.next()) {
                            rows += rs.getString(rs.getMetaData().getColumnCount()).length() > 0 ? 1 : 0;
                        }
                    }
                    if (rows == 0) {
                        throw new IllegalStateException("no row");
                    }
                }));
            }
        } finally {
            for (Connection c : connections) {
                if (c != null) {
                    c.close();
                }
            }
        }
        return results;
    }

    /** One request before the timed run: the gateway must find exactly what the bulk load put in (a page of 20 at most). */
    private void check(String base, ReadScenario s, long n) throws IOException, InterruptedException {
        String body;
        try {
            body = bench.client().read(base + s.request().path(n)).body();
        } catch (IllegalStateException e) {
            throw new IllegalStateException(s.name() + ": " + e.getMessage(), e);
        }
        if (s.expectedTotal() >= 0) {
            int entries = s.request().path(n).startsWith("/5/")
                    ? FhirContext.forR5Cached().newJsonParser()
                            .parseResource(org.hl7.fhir.r5.model.Bundle.class, body).getEntry().size()
                    : bench.fhir().newJsonParser().parseResource(Bundle.class, body).getEntry().size();
            if (entries != Math.min(20, s.expectedTotal())) {
                throw new IllegalStateException(s.name() + ": expected " + Math.min(20, s.expectedTotal())
                        + " entries, got " + entries + ": " + GatewayClient.snippet(body));
            }
        }
    }

    private static String iso(long millis) {
        return Instant.ofEpochMilli(millis).toString();
    }
}
