package com.imagingmanifest.gateway.bench;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.hl7.fhir.dstu3.model.Bundle;

/**
 * The bench's peer mode ({@code --peer hapi}): HAPI FHIR's JPA server beside the gateway in the same
 * run, on a store of the same kind (its own H2 file, or its own fresh PostgreSQL database), loaded
 * with the same manifests, and asked the same requests by the same load generator with the same
 * number of clients right after the gateway. Each comparison is one report row whose baseline is
 * the peer, so the row's ratio is gateway / HAPI; start-up and resident memory are figures with
 * their ratio.
 */
final class PeerBench implements AutoCloseable {
    private final BenchOptions options;
    private final BenchReport report;
    private final Consumer<String> log;
    private final FhirContext fhir;
    private final GatewayProcess process;
    private final String base;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    /** Scenario and size pairs already warmed up on the peer. */
    private final Set<String> warm = new HashSet<>();
    private double peakRssMib;

    private PeerBench(BenchOptions options, BenchReport report, Consumer<String> log, FhirContext fhir,
            GatewayProcess process) {
        this.options = options;
        this.report = report;
        this.log = log;
        this.fhir = fhir;
        this.process = process;
        this.base = "http://127.0.0.1:" + process.port() + "/fhir";
    }

    /**
     * Builds the peer when needed and starts it on {@code jdbcUrl} (the store's user: {@code user}),
     * with the JVM options the gateway gets; its start-up time and memory become figures beside the
     * gateway's ({@code gatewayStartSeconds}, {@code gatewayRssMib}).
     */
    static PeerBench start(BenchOptions options, BenchReport report, Consumer<String> log, FhirContext fhir, Path work,
            String jdbcUrl, String user, double gatewayStartSeconds, double gatewayRssMib) throws Exception {
        Path project = HapiPeer.project(System.getenv(HapiPeer.PEERS_DIR_VARIABLE));
        Path dir = Files.createDirectories(work.resolve("hapi-jpa"));
        if (HapiPeer.needsBuild(project)) {
            log.accept("building the peer " + project + " (the first build downloads HAPI's JPA server)");
            HapiPeer.build(project, dir.resolve("build.log"));
        }
        List<String> command = HapiPeer.command(project, options.jvmOptions(), jdbcUrl, user);
        GatewayProcess process = GatewayProcess.launch(dir, "hapi-jpa", port -> concat(command, "--server.port=" + port),
                "/fhir/metadata");
        PeerBench peer = new PeerBench(options, report, log, fhir, process);
        log.accept(String.format(Locale.ROOT, "peer %s pid %d ready in %.2f s on an empty store (log %s)", HapiPeer.NAME,
                process.pid(), process.startSeconds(), process.log()));
        report.header("peer: " + HapiPeer.NAME + " (STU3, peers/hapi-jpa: HAPI's JPA configuration, pages of 20,"
                + " search-result cache off) on " + (jdbcUrl.startsWith("jdbc:h2:") ? "its own H2 file"
                        : "its own fresh PostgreSQL database") + ", started as a child JVM with the gateway's JVM options");
        report.figure(new BenchReport.Figure("peer: start-up to ready, gateway / " + HapiPeer.NAME,
                ratio(gatewayStartSeconds, process.startSeconds(), "s", 2) + " (HAPI's first start creates its schema)",
                null, null));
        report.figure(new BenchReport.Figure("peer: resident memory after start (VmRSS), gateway / " + HapiPeer.NAME,
                ratio(gatewayRssMib, process.rssMib(), "MiB", 0), null, null));
        process.resetPeak();
        return peer;
    }

    private static List<String> concat(List<String> command, String last) {
        List<String> all = new java.util.ArrayList<>(command);
        all.add(last);
        return all;
    }

    /** "a unit / b unit = ratio x" */
    static String ratio(double gateway, double peer, String unit, int decimals) {
        String format = "%." + decimals + "f %s / %." + decimals + "f %s = %.2fx";
        return String.format(Locale.ROOT, format, gateway, unit, peer, unit, gateway / peer);
    }

    /** Loads manifests {@code from} to {@code to} of {@code manifests} into the peer, through its REST API. */
    void load(StoreLoader manifests, long from, long to) throws Exception {
        long started = System.nanoTime();
        new HapiPeerLoader(fhir, manifests).load(http, base, from, to);
        log.accept(String.format(Locale.ROOT, "peer holds %,d manifests (loaded through its API in %.1f s)", to,
                (System.nanoTime() - started) / 1e9));
    }

    /**
     * The peer's request for a gateway path under {@code /organizations/{org}/fhir}: the STU3 base's
     * paths ({@code /3/...}) with the same resource path and query; null for anything else (the R5
     * base: the peer serves STU3 only).
     */
    static String peerPath(String gatewayPath) {
        return gatewayPath.startsWith("/3/") ? gatewayPath.substring(2) : null;
    }

    /** Whether the read scenario {@code name} is one the peer is compared on: read, search by patient, by authoring time. */
    static boolean compared(String name, String samplePath) {
        return peerPath(samplePath) != null
                && (name.equals("read") || name.startsWith("search patient") || name.startsWith("search authoring-time"));
    }

    /** A read scenario's request for manifest {@code n}. */
    @FunctionalInterface
    interface PathFor {
        String path(long n);
    }

    /**
     * Runs read scenario {@code name} on the peer as the gateway just ran it ({@code gateway}):
     * the same paths for the same random manifests in [0, range), the same clients, warm-up and
     * duration; checks first that the peer finds what the gateway found ({@code expectedTotal}
     * matches, a page of 20 at most; negative: a read), then adds the row.
     */
    void compare(String name, String storeLabel, int clients, LoadRun.Result gateway, PathFor path, long range,
            int expectedTotal) throws Exception {
        if (!compared(name, path.path(0))) {
            return;
        }
        check(name, peerPath(path.path(range / 2)), expectedTotal);
        if (warm.add(name + " " + storeLabel)) {
            // as the gateway got: the first timed run must not pay for the JIT compiling this path
            LoadRun.run(clients, Duration.ZERO, options.warmup(), (c, r) -> get(peerPath(path.path(r.nextLong(range)))));
        }
        LoadRun.Result peer = LoadRun.run(clients, options.warmup(), options.duration(),
                (c, r) -> GatewayClient.status(200, get(peerPath(path.path(r.nextLong(range))))), process::cpuSeconds);
        peakRssMib = Math.max(peakRssMib, process.peakRssMib());
        report.add(new BenchReport.Row(name + " vs peer", storeLabel, clients, gateway, HapiPeer.NAME, peer, null, null));
        log.accept(name + " at " + storeLabel + " on the peer done");
    }

    /**
     * Creates on the peer with {@code clients} clients, the same bodies the gateway's create run
     * posted ({@code gateway}): the gateway also writes each manifest's KOS into the PACS, the peer
     * stores the resource only.
     */
    void create(List<String> bodies, int clients, LoadRun.Result gateway) throws Exception {
        AtomicLong next = new AtomicLong();
        HttpRequest first = post(bodies.get(0));
        int status = http.send(first, HttpResponse.BodyHandlers.ofString()).statusCode();
        if (status != 201) {
            throw new IllegalStateException("the peer answered a create with HTTP " + status);
        }
        LoadRun.Result peer = LoadRun.run(clients, options.warmup(), options.duration(), (c, r) -> {
            HttpResponse<String> response = http.send(post(bodies.get((int) (next.getAndIncrement() % bodies.size()))),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 201) {
                throw new IllegalStateException("HTTP " + response.statusCode() + " " + GatewayClient.snippet(response.body()));
            }
        }, process::cpuSeconds);
        peakRssMib = Math.max(peakRssMib, process.peakRssMib());
        report.add(new BenchReport.Row("create vs peer", "", clients, gateway, HapiPeer.NAME, peer, null, null));
        log.accept("create x" + clients + " on the peer done");
    }

    /** The peak resident memory under the peer's load beside the gateway's ({@code gatewayPeakMib}). */
    void memoryFigure(String load, double gatewayPeakMib) {
        if (peakRssMib > 0) {
            report.figure(new BenchReport.Figure("peer: resident memory under " + load + " (peak VmRSS), gateway / "
                    + HapiPeer.NAME, ratio(gatewayPeakMib, peakRssMib, "MiB", 0), null, null));
        }
    }

    private void check(String name, String path, int expectedTotal) throws IOException, InterruptedException {
        HttpResponse<String> response = get(path);
        if (response.statusCode() != 200) {
            throw new IllegalStateException("peer " + name + ": HTTP " + response.statusCode() + " "
                    + GatewayClient.snippet(response.body()));
        }
        if (expectedTotal >= 0) {
            int entries = fhir.newJsonParser().parseResource(Bundle.class, response.body()).getEntry().size();
            if (entries != Math.min(HapiPeerLoader.PAGE, expectedTotal)) {
                throw new IllegalStateException("peer " + name + ": expected " + Math.min(HapiPeerLoader.PAGE,
                        expectedTotal) + " entries, got " + entries + ": " + GatewayClient.snippet(response.body()));
            }
        }
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .header("Accept", "application/fhir+json").GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest post(String body) {
        return HttpRequest.newBuilder(URI.create(base + "/ImagingManifest")).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/fhir+json").header("Accept", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    @Override
    public void close() {
        process.close();
    }
}
