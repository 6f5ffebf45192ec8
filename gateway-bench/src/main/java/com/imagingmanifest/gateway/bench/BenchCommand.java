package com.imagingmanifest.gateway.bench;

import ca.uhn.fhir.context.FhirContext;
import com.imagingmanifest.testing.FreePorts;
import com.imagingmanifest.testing.PrivateOrthanc;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code gateway bench}: measures the gateway side by side with its baselines in one run. It starts
 * a private Orthanc, a fresh PostgreSQL database and the gateway as a child JVM, then runs each
 * scenario against the gateway and against its baseline (the PACS itself for writes, the store's own
 * SQL for reads), and reports throughput, p50, p99 and their ratio. Figures only: nothing here
 * passes or fails a build. Each scenario is a class of its own ({@link CreateBench},
 * {@link ReadBench}, {@link ViewerBench}, {@link InstancesBench}, {@link IngestBench}); this one
 * sets up, starts the gateway and reports start-up and memory.
 */
public final class BenchCommand {
    static final String ORG = "bench";
    /** The viewer scenario's organization: bound to the same Orthanc as kind orthanc, whatever --pacs-kind says. */
    static final String VIEWER_ORG = "bench-viewer";
    /**
     * The bench's Orthanc over the test configuration: associations served at once (default 4) at
     * least the pooled SCU's clients, or the baseline measures a queue for a thread and not the store;
     * series stable after 5 s, as for a site.
     */
    private static final Map<String, Object> ORTHANC_CONFIG = Map.of("Name", "gateway-bench",
            "DicomThreadsCount", 16, "StableAge", 5);

    private final BenchOptions options;
    private final PrintStream out;
    private final BenchReport report = new BenchReport();
    private final FhirContext fhir = FhirContext.forDstu3();
    private final SameLengthUids uids = new SameLengthUids();

    private BenchCommand(BenchOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public static void main(String[] args) {
        com.imagingmanifest.dicom.tools.Tool.logToStandardError();
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the bench; returns the exit status (0 done, 2 bad arguments, 1 the bench could not run). */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            out.println(BenchOptions.USAGE);
            return 0;
        }
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("bench: " + e.getMessage());
            return 2;
        }
        try {
            // progress is log, on standard error; the table alone is the result
            BenchReport report = new BenchCommand(options, err).execute();
            out.println();
            out.print(report.table());
            if (options.out() != null) {
                Files.writeString(options.out(), report.markdown());
                out.println("report written to " + options.out());
            }
            return 0;
        } catch (Exception e) {
            err.println("bench: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return 1;
        }
    }

    BenchReport execute() throws Exception {
        Path work = Files.createTempDirectory("gateway-bench");
        GatewayLaunch launch = new GatewayLaunch(options, work);
        header(launch);
        String database = "bench_" + Long.toString(System.currentTimeMillis(), 36);
        boolean ingest = options.scenarios().contains("ingest");
        try (PrivateOrthanc orthanc = PrivateOrthanc.start(ORTHANC_CONFIG);
                PrivateOrthanc polled = ingest ? PrivateOrthanc.start(ORTHANC_CONFIG) : null) {
            progress("private Orthanc pid " + orthanc.pid() + ", DICOM port " + orthanc.dicomPort());
            if (polled != null) {
                progress("polled Orthanc pid " + polled.pid() + ", DICOM port " + polled.dicomPort());
            }
            if (h2()) {
                // the embedded store exactly as ./gateway run makes it, under the bench's data directory
                measure(work, launch, orthanc, polled, "jdbc:h2:file:"
                        + work.resolve("data").resolve("gateway").toAbsolutePath() + ";AUTO_SERVER=FALSE;WRITE_DELAY=0");
            } else {
                admin("CREATE DATABASE " + database);
                if (options.peer() != null) {
                    admin("CREATE DATABASE " + database + "_peer");
                }
                try {
                    measure(work, launch, orthanc, polled, options.postgresUrl() + database);
                } finally {
                    if (!options.keepDatabase()) {
                        admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
                        admin("DROP DATABASE IF EXISTS " + database + "_peer WITH (FORCE)");
                    }
                }
            }
        }
        report.header("load average at end: " + loadAverage());
        if (options.jmhResults() != null) {
            report.appendix("## JMH (data layer and translation)\n\n```\n" + Files.readString(options.jmhResults()).trim()
                    + "\n```");
        }
        return report;
    }

    private void measure(Path work, GatewayLaunch launch, PrivateOrthanc orthanc, PrivateOrthanc polled,
            String jdbcUrl) throws Exception {
        List<BenchStudy> studies = new ArrayList<>();
        for (int i = 0; i < options.createStudies(); i++) {
            studies.add(BenchStudy.seed(orthanc, uids.next(BenchStudy.STUDY_UID_LENGTH)));
        }
        BenchContext bench = new BenchContext(options, report, this::progress, new GatewayClient(token(launch, ORG)),
                fhir, uids);
        int scpPort = polled == null ? -1 : FreePorts.find();
        List<String> arguments = launch.arguments(orthanc, polled, scpPort, jdbcUrl);
        String metadata = "/organizations/" + ORG + "/fhir/3/metadata";
        Path archive = launch.classDataArchive();
        List<String> jvm = new ArrayList<>(options.jvmOptions());
        if (archive != null) {
            jvm.add("-XX:SharedArchiveFile=" + archive);
        }
        if (options.scenarios().contains("startup") && archive != null) {
            // the same start without the archive, to show what it saves
            try (GatewayProcess plain = GatewayProcess.start(work, launch.jar(), options.jvmOptions(), arguments,
                    metadata)) {
                report.figure(new BenchReport.Figure("start-up to ready without the class-data archive",
                        String.format(Locale.ROOT, "%.2f s, CPU %.2f s", plain.startSeconds(), plain.startCpuSeconds()),
                        null, null));
                progress(String.format(Locale.ROOT, "gateway pid %d (no archive) ready in %.2f s", plain.pid(),
                        plain.startSeconds()));
            }
        }
        try (LiveGateway live = new LiveGateway(work, launch.jar(), jvm, arguments, metadata)) {
            double started = startups(live);
            GatewayProcess running = live.current();
            PeerBench peer = options.peer() == null ? null : PeerBench.start(options, report, this::progress, fhir, work,
                    h2() ? HapiPeer.h2Url(work) : jdbcUrl + "_peer", h2() ? "sa" : options.postgresUser(), started,
                    running.rssMib());
            try (peer) {
                scenarios(work, launch, orthanc, polled, jdbcUrl, studies, bench, scpPort, live, running, peer);
            }
        }
    }

    private void scenarios(Path work, GatewayLaunch launch, PrivateOrthanc orthanc, PrivateOrthanc polled,
            String jdbcUrl, List<BenchStudy> studies, BenchContext bench, int scpPort, LiveGateway live,
            GatewayProcess running, PeerBench peer) throws Exception {
        String base = GatewayClient.fhirBase(running.port());
        if (options.scenarios().contains("create")) {
            running.resetPeak();
            new CreateBench(bench, live::cpuSeconds, peer)
                    .run(base, orthanc, studies, work);
            peak("create", running);
        }
        if (options.scenarios().contains("read")) {
            running.resetPeak();
            new ReadBench(bench, live, jdbcUrl, peer).run();
            // on H2 the read scenario restarted the gateway round each bulk load
            running = live.current();
            peak("read", running);
            if (peer != null) {
                peer.memoryFigure("read load", running.peakRssMib());
            }
        }
        if (options.scenarios().contains("viewer")) {
            // WADO-RS relay: the Orthanc binding, whatever --pacs-kind the other scenarios use
            new ViewerBench(bench, live::cpuSeconds).run("http://127.0.0.1:"
                    + running.port(), VIEWER_ORG, token(launch, VIEWER_ORG), orthanc);
        }
        if (options.instances() > 1) {
            new InstancesBench(bench).run(work, live, studies);
        }
        if (polled != null) {
            running.resetPeak();
            new IngestBench(bench, jdbcUrl, studies.get(0).manifest())
                    .run(scpPort, orthanc, polled);
            peak("ingest", running);
        }
    }

    /**
     * Starts the gateway {@code --startups} times (once without the startup scenario); the last one
     * stays. Returns the median start-up time.
     */
    private double startups(LiveGateway live) throws Exception {
        List<Double> starts = new ArrayList<>();
        List<Double> cpu = new ArrayList<>();
        int startups = options.scenarios().contains("startup") ? options.startups() : 1;
        for (int i = 0; i < startups; i++) {
            GatewayProcess gateway = live.start();
            starts.add(gateway.startSeconds());
            cpu.add(gateway.startCpuSeconds());
            progress(String.format(Locale.ROOT, "gateway pid %d ready in %.2f s", gateway.pid(), gateway.startSeconds()));
        }
        if (options.scenarios().contains("startup")) {
            double median = median(starts);
            report.figure(new BenchReport.Figure("start-up to ready (process start to 200 from /metadata)",
                    String.format(Locale.ROOT, "median %.2f s of %d (%s)", median, starts.size(),
                            starts.stream().map(s -> String.format(Locale.ROOT, "%.2f", s)).toList()),
                    "< 6 s", median < 6.0));
            report.figure(new BenchReport.Figure("CPU time to ready (user + system, all threads)",
                    String.format(Locale.ROOT, "median %.2f s", median(cpu)), null, null));
            report.figure(new BenchReport.Figure("resident memory after start (VmRSS)", mib(live.current().rssMib()),
                    null, null));
        }
        return median(starts);
    }

    private void peak(String scenario, GatewayProcess gateway) {
        double peak = gateway.peakRssMib();
        report.figure(new BenchReport.Figure("resident memory under " + scenario + " load (peak VmRSS)", mib(peak),
                "< 512 MiB", peak < 512));
    }

    /** A bearer token for {@code org}, or null (noted once) when this build has no JWT security. */
    private String token(GatewayLaunch launch, String org) throws IOException, InterruptedException {
        if (!GatewayLaunch.hasSecurity()) {
            if (org.equals(ORG)) {
                report.note("no token: this build has no JWT security (requests are sent without Authorization)");
            }
            return null;
        }
        return launch.mintToken(org);
    }

    private boolean h2() {
        return options.store().equals("h2");
    }

    private void header(GatewayLaunch launch) {
        report.header("date: " + Instant.now());
        report.header("machine: " + Runtime.getRuntime().availableProcessors() + " cores, " + memTotal()
                + ", load average at start: " + loadAverage() + " (shared with other builds: figures are noisy)");
        report.header("JVM: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.version")
                + "; gateway " + (launch.jar() != null ? "jar " + launch.jar() : "from the class path")
                + (launch.classDataArchive() != null ? " with the class-data archive " + launch.classDataArchive() : "")
                + (options.jvmOptions().isEmpty() ? "" : " with " + options.jvmOptions()));
        report.header("PACS: private Orthanc (OS package), gateway binding kind " + options.pacsKind()
                + "; store: " + (h2() ? "embedded H2 file, the URL ./gateway run uses, under the bench's data directory"
                        : "PostgreSQL on 127.0.0.1:5432, fresh database"));
        report.header(String.format(Locale.ROOT, "each run: %s warm-up, %s measured; reads with %d clients%s",
                human(options.warmup()), human(options.duration()), options.readClients(),
                options.quick() ? "; --quick" : ""));
        if (options.scenarios().contains("ingest")) {
            report.header(String.format(Locale.ROOT, "ingest: %s warm-up, then a batch of %d KOS per run;"
                    + " the poller polls its own Orthanc (change feed) every %s", human(options.warmup()),
                    options.ingestCount(), human(options.pollInterval())));
        }
    }

    private void admin(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(options.postgresUrl() + "postgres", options.postgresUser(), "");
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private void progress(String line) {
        out.println("bench: " + line);
        out.flush();
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int m = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }

    private static String mib(double mib) {
        return String.format(Locale.ROOT, "%.0f MiB", mib);
    }

    private static String human(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static String loadAverage() {
        try {
            return String.join(" ", Arrays.copyOf(Files.readString(Path.of("/proc/loadavg")).trim().split(" "), 3));
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String memTotal() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return String.format(Locale.ROOT, "%.0f GiB RAM", kib / 1024.0 / 1024.0);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // below
        }
        return "unknown RAM";
    }
}
