package com.imagingmanifest.gateway.bench;

import ca.uhn.fhir.context.FhirContext;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.dicom.io.Part10;
import com.imagingmanifest.dicom.io.Part10Object;
import com.imagingmanifest.net.dimse.DimseClient;
import com.imagingmanifest.net.dimse.QueryRetrieveLevel;
import com.imagingmanifest.pacs.StudyContext;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import org.hl7.fhir.dstu3.model.Bundle;
import org.hl7.fhir.dstu3.model.DateTimeType;
import org.hl7.fhir.dstu3.model.Identifier;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.hl7.fhir.dstu3.model.Reference;

/**
 * {@code gateway bench}: measures the gateway side by side with its baselines in one run. It starts
 * a private Orthanc, a fresh PostgreSQL database and the gateway as a child JVM, then runs each
 * scenario against the gateway and against its baseline (the PACS itself for writes, the store's own
 * SQL for reads), and reports throughput, p50, p99 and their ratio. Figures only: nothing here
 * passes or fails a build.
 */
public final class BenchCommand {
    static final String ORG = "bench";
    /** The viewer scenario's organization: bound to the same Orthanc as kind orthanc, whatever --pacs-kind says. */
    static final String VIEWER_ORG = "bench-viewer";
    private static final String ISSUER = "BENCH-ISSUER";
    private static final String PATIENT_ID = "BENCH-PAT-1";
    private static final String FHIR_JSON = "application/fhir+json";
    private static final String TOKEN_COMMAND = "com.imagingmanifest.gateway.security.TokenCommand";

    private final BenchOptions options;
    private final PrintStream out;
    private final BenchReport report = new BenchReport();
    private final FhirContext fhir = FhirContext.forDstu3();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final int STUDY_UID_LENGTH = 44;
    private final AtomicLong uidCounter = new AtomicLong();
    private final String uidPrefix = "2.25.9" + (100_000 + new SplittableRandom().nextInt(900_000));
    private String token;
    private DoubleSupplier gatewayCpu = () -> Double.NaN;
    /** The gateway being measured: the read scenario on H2 stops and starts it round each bulk load. */
    private GatewayProcess live;
    private Start restart;

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
        header();
        String database = "bench_" + Long.toString(System.currentTimeMillis(), 36);
        boolean ingest = options.scenarios().contains("ingest");
        try (BenchOrthanc orthanc = BenchOrthanc.start(work, "orthanc");
                BenchOrthanc polled = ingest ? BenchOrthanc.start(work, "orthanc-polled") : null) {
            progress("private Orthanc pid " + orthanc.pid() + ", DICOM port " + orthanc.dicomPort());
            if (polled != null) {
                progress("polled Orthanc pid " + polled.pid() + ", DICOM port " + polled.dicomPort());
            }
            if (h2()) {
                // the embedded store exactly as ./gateway run makes it, under the bench's data directory
                measure(work, orthanc, polled, "jdbc:h2:file:" + work.resolve("data").resolve("gateway").toAbsolutePath()
                        + ";AUTO_SERVER=FALSE;WRITE_DELAY=0");
            } else {
                admin("CREATE DATABASE " + database);
                try {
                    measure(work, orthanc, polled, options.postgresUrl() + database);
                } finally {
                    if (!options.keepDatabase()) {
                        admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
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

    private void measure(Path work, BenchOrthanc orthanc, BenchOrthanc polled, String jdbcUrl) throws Exception {
        List<Study> studies = new ArrayList<>();
        for (int i = 0; i < options.createStudies(); i++) {
            studies.add(seedStudy(orthanc));
        }
        Study study = studies.get(0);
        token = mintToken(work, ORG);
        int scpPort = polled == null ? -1 : BenchOrthanc.freePort();
        List<String> arguments = gatewayArguments(work, orthanc, polled, scpPort, jdbcUrl);
        String metadata = "/organizations/" + ORG + "/fhir/3/metadata";
        List<Double> starts = new ArrayList<>();
        List<Double> cpu = new ArrayList<>();
        GatewayProcess gateway = null;
        Path archive = classDataArchive();
        List<String> jvm = new ArrayList<>(options.jvmOptions());
        if (archive != null) {
            jvm.add("-XX:SharedArchiveFile=" + archive);
        }
        if (options.scenarios().contains("startup") && archive != null) {
            // the same start without the archive, to show what it saves
            try (GatewayProcess plain = GatewayProcess.start(work, gatewayJar(), options.jvmOptions(), arguments,
                    metadata)) {
                report.figure(new BenchReport.Figure("start-up to ready without the class-data archive",
                        String.format(Locale.ROOT, "%.2f s, CPU %.2f s", plain.startSeconds(), plain.startCpuSeconds()),
                        null, null));
                progress(String.format(Locale.ROOT, "gateway pid %d (no archive) ready in %.2f s", plain.pid(),
                        plain.startSeconds()));
            }
        }
        int startups = options.scenarios().contains("startup") ? options.startups() : 1;
        for (int i = 0; i < startups; i++) {
            if (gateway != null) {
                gateway.close();
            }
            gateway = GatewayProcess.start(work, gatewayJar(), jvm, arguments, metadata);
            starts.add(gateway.startSeconds());
            cpu.add(gateway.startCpuSeconds());
            progress(String.format(Locale.ROOT, "gateway pid %d ready in %.2f s", gateway.pid(), gateway.startSeconds()));
        }
        live = gateway;
        restart = () -> GatewayProcess.start(work, gatewayJar(), jvm, arguments, metadata);
        try {
            GatewayProcess running = gateway;
            gatewayCpu = () -> live.cpuSeconds();
            double idle = running.rssMib();
            if (options.scenarios().contains("startup")) {
                double median = median(starts);
                report.figure(new BenchReport.Figure("start-up to ready (process start to 200 from /metadata)",
                        String.format(Locale.ROOT, "median %.2f s of %d (%s)", median, starts.size(),
                                starts.stream().map(s -> String.format(Locale.ROOT, "%.2f", s)).toList()),
                        "< 6 s", median < 6.0));
                report.figure(new BenchReport.Figure("CPU time to ready (user + system, all threads)",
                        String.format(Locale.ROOT, "median %.2f s", median(cpu)), null, null));
                report.figure(new BenchReport.Figure("resident memory after start (VmRSS)", mib(idle), null, null));
            }
            String base = fhirBase(running.port());
            if (options.scenarios().contains("create")) {
                running.resetPeak();
                create(base, orthanc, studies, work);
                double peak = running.peakRssMib();
                report.figure(new BenchReport.Figure("resident memory under create load (peak VmRSS)", mib(peak),
                        "< 512 MiB", peak < 512));
            }
            if (options.scenarios().contains("read")) {
                running.resetPeak();
                reads(jdbcUrl);
                running = live;
                double peak = running.peakRssMib();
                report.figure(new BenchReport.Figure("resident memory under read load (peak VmRSS)", mib(peak),
                        "< 512 MiB", peak < 512));
            }
            if (options.scenarios().contains("viewer")) {
                // WADO-RS relay: the Orthanc binding, whatever --pacs-kind the other scenarios use
                new ViewerBench(options, report, this::progress, gatewayCpu).run("http://127.0.0.1:"
                        + running.port(), VIEWER_ORG, token == null ? null : mintToken(work, VIEWER_ORG), orthanc);
            }
            if (options.instances() > 1) {
                instances(work, jvm, arguments, metadata, running, studies);
            }
            if (polled != null) {
                running.resetPeak();
                new IngestBench(options, report, this::progress, jdbcUrl, study.manifest()).run(scpPort, orthanc, polled);
                double peak = running.peakRssMib();
                report.figure(new BenchReport.Figure("resident memory under ingest load (peak VmRSS)", mib(peak),
                        "< 512 MiB", peak < 512));
            }
        } finally {
            live.close();
        }
    }

    private boolean h2() {
        return options.store().equals("h2");
    }

    /** A connection of the bench's own to the store (H2: only while the gateway is stopped). */
    private Connection connect(String jdbcUrl) throws SQLException {
        return h2() ? DriverManager.getConnection(jdbcUrl, "sa", "")
                : DriverManager.getConnection(jdbcUrl, options.postgresUser(), "");
    }

    @FunctionalInterface
    private interface Start {
        GatewayProcess start() throws Exception;
    }

    // ---- create

    private void create(String base, BenchOrthanc orthanc, List<Study> studies, Path work) throws Exception {
        List<String> bodies = studies.stream().map(s -> fhir.newJsonParser().encodeResourceToString(s.manifest()))
                .toList();
        String studyUid = studies.get(0).studyUid();
        // one create first: it warms the path and gives the KOS the gateway writes, the baselines' payload
        HttpResponse<String> first = send(post(base + "/ImagingManifest", bodies.get(0)));
        if (first.statusCode() != 201) {
            throw new IllegalStateException("create answered " + first.statusCode() + ": " + first.body());
        }
        String kosUid = fhir.newJsonParser().parseResource(ImagingManifest.class, first.body()).getIdentifier()
                .getValue().replace("urn:oid:", "");
        byte[] kosFile = orthanc.instanceFile(kosUid);
        Part10Object kos = Part10Object.parse(kosFile);
        // every KOS the gateway writes is a new instance in a new series of the study (docs/architecture.md §6):
        // the baselines store the same, or the PACS would be spared the cost of a new series each time
        String seriesUid = Part10.read(kosFile).dataSet().getString(Tag.SeriesInstanceUID);
        progress("KOS of the create scenario: " + kosFile.length + " bytes, " + kos.sopInstanceUid() + "; creates go round "
                + studies.size() + " studies");
        report.note("create: the manifests, and the baselines' KOS, go round " + studies.size()
                + " studies of 4 CT instances each (--create-studies)");
        AtomicLong next = new AtomicLong();

        for (int clients : options.createClients()) {
            LoadRun.Result gateway;
            LoadRun.Result scu;
            LoadRun.Result floor;
            try (DimseClient client = DimseClient.builder("127.0.0.1", orthanc.dicomPort(), BenchOrthanc.AE_TITLE)
                    .callingAeTitle("BENCHSCU").poolSize(clients).build()) {
                // the PACS work a create cannot do without: the study's context (docs/architecture.md §6), then
                // the store. Measured before the gateway: Orthanc's look-ups grow dearer as its database
                // grows, so the later runs meet a larger database than this one
                floor = LoadRun.run(clients, options.warmup(), options.duration(), (c, r) -> {
                    Study target = studies.get(nextStudy(next, studies));
                    if (client.find(QueryRetrieveLevel.STUDY, StudyContext.queryKeys(target.studyUid())).isEmpty()) {
                        throw new IllegalStateException("study " + target.studyUid() + " not found");
                    }
                    storeCopy(client, kos, seriesUid, studyUid, target);
                }, () -> Double.NaN, orthanc::cpuSeconds);
                gateway = LoadRun.run(clients, options.warmup(), options.duration(), (c, r) -> {
                    String body = bodies.get(nextStudy(next, studies));
                    HttpResponse<String> response = send(post(base + "/ImagingManifest", body));
                    if (response.statusCode() != 201) {
                        throw new IllegalStateException("HTTP " + response.statusCode() + " " + snippet(response.body()));
                    }
                }, gatewayCpu, orthanc::cpuSeconds);
                scu = LoadRun.run(clients, options.warmup(), options.duration(),
                        (c, r) -> storeCopy(client, kos, seriesUid, studyUid, studies.get(nextStudy(next, studies))),
                        () -> Double.NaN, orthanc::cpuSeconds);
            }
            boolean target = clients < 8 ? gateway.p50Millis() <= scu.p50Millis() + 3
                    : gateway.throughput() >= 0.8 * scu.throughput() && gateway.p50Millis() <= scu.p50Millis() + 3;
            report.add(new BenchReport.Row("create", "", clients, gateway, "DimseClient C-STORE", scu,
                    clients < 8 ? "p50 <= base+3ms" : ">= 0.8x, p50 <= base+3ms", target));
            report.add(new BenchReport.Row("create", "", clients, gateway, "C-FIND study + C-STORE", floor,
                    ">= 0.8x", gateway.throughput() >= 0.8 * floor.throughput()));
            progress("create x" + clients + " done");
        }
        storescu(orthanc, kosFile, kos.sopInstanceUid(), seriesUid, studyUid, studies, work);
    }

    // ---- several instances on one database (--instances 2)

    /**
     * Read, create and search paging with the same clients on one instance and then spread over two
     * instances on the same PostgreSQL database (a second gateway process started now, same settings
     * and signing key). On one machine the two share its cores: the figure shows what a second instance
     * costs, not what it gains on a second machine. Paging: the second page, through the signed cursor
     * the first page's next link carries (a keyset seek in the database, continued by either instance),
     * beside the first page of the same search.
     */
    private void instances(Path work, List<String> jvm, List<String> arguments, String metadata, GatewayProcess first,
            List<Study> studies) throws Exception {
        try (GatewayProcess second = GatewayProcess.start(Files.createDirectories(work.resolve("instance-2")),
                gatewayJar(), jvm, arguments, metadata)) {
            progress(String.format(Locale.ROOT, "second gateway pid %d ready in %.2f s", second.pid(),
                    second.startSeconds()));
            List<String> bases = List.of(fhirBase(first.port()), fhirBase(second.port()));
            List<String> bodies = studies.stream().map(s -> fhir.newJsonParser().encodeResourceToString(s.manifest()))
                    .toList();
            int clients = Math.max(2, options.readClients());
            String label = clients + " clients";
            AtomicLong next = new AtomicLong();
            List<String> created = java.util.Collections.synchronizedList(new ArrayList<>());
            LoadRun.Result[] create = new LoadRun.Result[2];
            LoadRun.Result[] read = new LoadRun.Result[2];
            for (int n = 1; n <= 2; n++) {
                List<String> targets = bases.subList(0, n);
                DoubleSupplier cpu = n == 1 ? first::cpuSeconds : () -> first.cpuSeconds() + second.cpuSeconds();
                // client c always asks instance c mod n, as a load balancer with sticky connections would
                create[n - 1] = LoadRun.run(clients, options.warmup(), options.duration(), (c, r) -> {
                    HttpResponse<String> response = send(post(targets.get(c % targets.size()) + "/ImagingManifest",
                            bodies.get(nextStudy(next, studies))));
                    if (response.statusCode() != 201) {
                        throw new IllegalStateException("HTTP " + response.statusCode() + " " + snippet(response.body()));
                    }
                    created.add(fhir.newJsonParser().parseResource(ImagingManifest.class, response.body())
                            .getIdElement().getIdPart());
                }, cpu);
                read[n - 1] = LoadRun.run(clients, options.warmup(), options.duration(), (c, r) -> {
                    String id = created.get(r.nextInt(created.size()));
                    ok(send(get(targets.get(c % targets.size()) + "/ImagingManifest/" + id)));
                }, cpu);
                progress("instances: " + n + " done");
            }
            report.add(new BenchReport.Row("create, 2 instances", label, clients, create[1], "1 instance", create[0],
                    null, null));
            report.add(new BenchReport.Row("read, 2 instances", label, clients, read[1], "1 instance", read[0], null,
                    null));
            // every created manifest names the bench patient: a search with many pages
            String search = "/ImagingManifest?patient.identifier=" + enc(ISSUER + "|" + PATIENT_ID) + "&_count=10";
            Bundle page1 = fhir.newJsonParser().parseResource(Bundle.class, ok(send(get(bases.get(0) + search))).body());
            if (page1.getLink(Bundle.LINK_NEXT) == null) {
                throw new IllegalStateException("the paging search has one page only");
            }
            // the link as the first instance made it, followed on the second
            String page2 = page1.getLink(Bundle.LINK_NEXT).getUrl().replace(bases.get(0), bases.get(1));
            LoadRun.Result firstPage = LoadRun.run(clients, options.warmup(), options.duration(),
                    (c, r) -> ok(send(get(bases.get(c % 2) + search))),
                    () -> first.cpuSeconds() + second.cpuSeconds());
            LoadRun.Result secondPage = LoadRun.run(clients, options.warmup(), options.duration(),
                    (c, r) -> ok(send(get(page2))), () -> first.cpuSeconds() + second.cpuSeconds());
            report.add(new BenchReport.Row("search page 2 (signed cursor, other instance)", label, clients, secondPage,
                    "page 1 of the same search", firstPage, null, null));
            report.note("instances: a second gateway process on the same PostgreSQL database; both share this"
                    + " machine's cores, so two instances show the overhead of sharing one database, not a speed-up;"
                    + " paging: " + created.size() + " manifests of one patient, pages of 10");
        }
    }

    private static String fhirBase(int port) {
        return fhirRoot(port) + "/3";
    }

    /** Above both FHIR bases: {@code /organizations/{org}/fhir}. */
    private static String fhirRoot(int port) {
        return "http://127.0.0.1:" + port + "/organizations/" + ORG + "/fhir";
    }

    private static HttpResponse<String> ok(HttpResponse<String> response) {
        if (response.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + response.statusCode() + " " + snippet(response.body()));
        }
        return response;
    }

    private static int nextStudy(AtomicLong next, List<Study> studies) {
        return (int) (next.getAndIncrement() % studies.size());
    }

    /** The gateway's KOS as a new instance in a new series of {@code target}, stored straight into the PACS. */
    private void storeCopy(DimseClient client, Part10Object kos, String seriesUid, String studyUid, Study target) {
        String uid = nextUid(kos.sopInstanceUid().length());
        byte[] dataSet = copyOfKos(kos.dataSet(), kos.sopInstanceUid(), uid, seriesUid, studyUid, target);
        client.store(kos.sopClassUid(), uid, dataSet, kos.transferSyntaxUid());
    }

    /**
     * The encoded KOS ({@code bytes}: a data set or a whole file) with SOP Instance UID {@code uid}, a
     * new Series Instance UID and {@code target}'s Study Instance UID, every UID swapped in place.
     */
    private byte[] copyOfKos(byte[] bytes, String kosUid, String uid, String seriesUid, String studyUid,
            Study target) {
        return replace(replace(replace(bytes, kosUid, uid), seriesUid, nextUid(seriesUid.length())), studyUid,
                target.studyUid());
    }

    /**
     * DCMTK storescu sending N copies of the KOS (new SOP Instance and Series UIDs, round the studies
     * as the creates go) in one association.
     */
    private void storescu(BenchOrthanc orthanc, byte[] kosFile, String kosUid, String seriesUid, String studyUid,
            List<Study> studies, Path work) throws Exception {
        Path dir = Files.createDirectories(work.resolve("storescu"));
        List<String> command = new ArrayList<>(List.of("storescu", "-aet", "BENCHSCU", "-aec", BenchOrthanc.AE_TITLE,
                "127.0.0.1", Integer.toString(orthanc.dicomPort())));
        for (int i = 0; i < options.storescuFiles(); i++) {
            Path file = dir.resolve("kos" + i + ".dcm");
            Files.write(file, copyOfKos(kosFile, kosUid, nextUid(kosUid.length()), seriesUid, studyUid,
                    studies.get(i % studies.size())));
            command.add(file.toString());
        }
        long start = System.nanoTime();
        Process process;
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("storescu.log").toFile()));
            // DCMTK leaves Nagle on unless told: each exchange would wait ~40 ms for a delayed ACK
            builder.environment().put("TCP_NODELAY", "1");
            process = builder.start();
        } catch (IOException e) {
            report.note("DCMTK storescu baseline not measured: " + e.getMessage() + " (apt-get install -y dcmtk)");
            return;
        }
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("storescu did not finish within 10 minutes");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (process.exitValue() != 0) {
            throw new IllegalStateException("storescu exited with " + process.exitValue() + " (log "
                    + work.resolve("storescu.log") + ")");
        }
        LoadRun.Result whole = LoadRun.Result.whole(options.storescuFiles(), seconds);
        LoadRun.Result gatewayAt1 = report.rows().stream().filter(r -> r.scenario().equals("create") && r.clients() == 1)
                .map(BenchReport.Row::gateway).findFirst().orElse(null);
        if (gatewayAt1 != null) {
            report.add(new BenchReport.Row("create", "", 1, gatewayAt1, "storescu, 1 association", whole, null, null));
        }
        report.note(String.format(Locale.ROOT, "storescu: %d KOS in one association in %.2f s (process start included)",
                options.storescuFiles(), seconds));
    }

    private String nextUid(int length) {
        String counter = Long.toString(uidCounter.incrementAndGet());
        int pad = length - uidPrefix.length() - counter.length();
        if (pad < 0) {
            throw new IllegalStateException("UID of " + length + " characters is too short to vary");
        }
        return uidPrefix + "0".repeat(pad) + counter; // same length: the encoded element lengths stay valid
    }

    /** Every occurrence of {@code from} replaced by {@code to} (same length) in a copy of {@code bytes}. */
    static byte[] replace(byte[] bytes, String from, String to) {
        byte[] f = from.getBytes(StandardCharsets.US_ASCII);
        byte[] t = to.getBytes(StandardCharsets.US_ASCII);
        if (f.length != t.length) {
            throw new IllegalArgumentException("replacement must keep the length");
        }
        byte[] copy = bytes.clone();
        int replaced = 0;
        outer:
        for (int i = 0; i + f.length <= copy.length; i++) {
            for (int j = 0; j < f.length; j++) {
                if (copy[i + j] != f[j]) {
                    continue outer;
                }
            }
            System.arraycopy(t, 0, copy, i, t.length);
            replaced++;
        }
        if (replaced == 0) {
            throw new IllegalStateException("UID " + from + " not found in the KOS");
        }
        return copy;
    }

    // ---- reads and searches

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

    private static final String STU3 = "/3/ImagingManifest/";
    private static final String R5 = "/5/ImagingSelection/";
    private static final String CURRENT_JSON = "SELECT v.resource_json FROM manifest_resource r JOIN manifest_version v"
            + " ON v.org_id = r.org_id AND v.res_id = r.res_id AND v.version_id = r.version_id";

    /**
     * Paths are under {@code /organizations/{org}/fhir}: {@code /3/ImagingManifest...} on the STU3 base,
     * {@code /5/ImagingSelection...} for the R5 view of the same manifests, whose rows have the same
     * baseline select as their STU3 twins (the same store rows; the difference is the translation).
     */
    private List<ReadScenario> readScenarios(StoreLoader loader) {
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
                                + enc(iso(StoreLoader.authoringTime(n))) + "&authoring-time=lt"
                                + enc(iso(StoreLoader.authoringTime(n) + 10 * StoreLoader.AUTHORING_STEP)),
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
    private void reads(String jdbcUrl) throws Exception {
        StoreLoader loader = new StoreLoader(fhir, ORG, options.perPatient());
        int clients = options.readClients();
        List<ReadScenario> scenarios = readScenarios(loader);
        report.note(String.format(Locale.ROOT, "reads: bulk manifests, %d per patient (--per-patient), one study each;"
                + " searches by patient match %d, pages of 20", loader.perPatient(), loader.perPatient()));
        long loaded = 0;
        for (long size : options.sizes()) {
            if (h2()) {
                live.close();
            }
            List<LoadRun.Result> bare;
            try (Connection admin = connect(jdbcUrl)) {
                long started = System.nanoTime();
                loader.load(admin, loaded, size);
                loaded = size;
                progress(String.format(Locale.ROOT, "store holds %,d bulk manifests (loaded in %.1f s)", size,
                        (System.nanoTime() - started) / 1e9));
                bare = bareSelects(jdbcUrl, scenarios, clients, range(size, loader));
            }
            if (h2()) {
                live = restart.start();
                progress(String.format(Locale.ROOT, "gateway pid %d ready in %.2f s on the loaded store", live.pid(),
                        live.startSeconds()));
            }
            String base = fhirRoot(live.port());
            String label = String.format(Locale.ROOT, "%,d", size);
            long range = range(size, loader);
            if (size == options.sizes().get(0) || h2()) {
                // the first timed run must not pay for the JIT compiling the gateway's read path
                for (ReadScenario s : scenarios) {
                    LoadRun.run(clients, Duration.ZERO, options.warmup(), (c, r) ->
                            send(get(base + s.request().path(r.nextLong(range)))));
                }
            }
            for (int i = 0; i < scenarios.size(); i++) {
                ReadScenario s = scenarios.get(i);
                check(base, s, range / 2);
                LoadRun.Result gateway = LoadRun.run(clients, options.warmup(), options.duration(),
                        (c, r) -> ok(send(get(base + s.request().path(r.nextLong(range))))), gatewayCpu);
                boolean met = gateway.p99Millis() < 20 && gateway.throughput() >= 0.5 * bare.get(i).throughput();
                report.add(new BenchReport.Row(s.name(), label + " " + options.store(), clients, gateway,
                        "JDBC select", bare.get(i), "p99 < 20ms, >= 0.5x", met));
                progress(s.name() + " at " + label + " done");
            }
        }
    }

    /** Each search picks manifests whose expected matches all exist (the last patient may have fewer). */
    private static long range(long size, StoreLoader loader) {
        return Math.max(1, size - Math.max(10, loader.perPatient()));
    }

    /** The same rows by the same index, selected with JDBC by {@code clients} connections of the bench's own. */
    private List<LoadRun.Result> bareSelects(String jdbcUrl, List<ReadScenario> scenarios, int clients, long range)
            throws Exception {
        Connection[] connections = new Connection[clients];
        List<List<PreparedStatement>> statements = new ArrayList<>();
        List<LoadRun.Result> results = new ArrayList<>();
        try {
            for (int c = 0; c < clients; c++) {
                connections[c] = connect(jdbcUrl);
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
        HttpResponse<String> response = send(get(base + s.request().path(n)));
        if (response.statusCode() != 200) {
            throw new IllegalStateException(s.name() + ": HTTP " + response.statusCode() + " " + snippet(response.body()));
        }
        if (s.expectedTotal() >= 0) {
            int entries = s.request().path(n).startsWith("/5/")
                    ? ca.uhn.fhir.context.FhirContext.forR5Cached().newJsonParser()
                            .parseResource(org.hl7.fhir.r5.model.Bundle.class, response.body()).getEntry().size()
                    : fhir.newJsonParser().parseResource(Bundle.class, response.body()).getEntry().size();
            if (entries != Math.min(20, s.expectedTotal())) {
                throw new IllegalStateException(s.name() + ": expected " + Math.min(20, s.expectedTotal())
                        + " entries, got " + entries + ": " + snippet(response.body()));
            }
        }
    }

    // ---- set-up

    private record Study(String studyUid, String seriesUid, List<String> sopUids) {
        ImagingManifest manifest() {
            ImagingManifest m = new ImagingManifest();
            m.setPatient(new Reference().setIdentifier(new Identifier().setSystem(ISSUER).setValue(PATIENT_ID))
                    .setDisplay("Bench^Patient"));
            m.setAuthoringTimeElement(new DateTimeType("2024-01-15T10:15:00+01:00"));
            m.setAuthor(new Reference().setDisplay("Doe^Jane"));
            m.setDescription("bench key images");
            ImagingManifest.SeriesComponent series = m.addStudy().setUid("urn:oid:" + studyUid)
                    .addSeries().setUid("urn:oid:" + seriesUid);
            for (String sop : sopUids) {
                series.addInstance().setSopClass("urn:oid:" + Uid.CTImageStorage).setUid("urn:oid:" + sop);
            }
            return m;
        }
    }

    /** A CT study with a few instances on the Orthanc: what every created manifest selects. */
    private Study seedStudy(BenchOrthanc orthanc) throws IOException, InterruptedException {
        // one length for every study's UID: the baselines swap it in place in the KOS's encoded bytes
        SyntheticCtStudy study = SyntheticCtStudy.of(nextUid(STUDY_UID_LENGTH), 4, "Bench^Patient", PATIENT_ID,
                ISSUER);
        for (byte[] file : study.part10Files()) {
            orthanc.post("/instances", "application/dicom", file);
        }
        return new Study(study.studyUid(), study.seriesUid(), study.sopUids());
    }

    /**
     * The gateway's command line: the bench organization on the bench's Orthanc and, for the ingest
     * scenario ({@code polled} set), the SCP with an AE title for it plus a second organization that
     * polls an Orthanc of its own, so that the poller sees only the KOS stored for it.
     */
    private List<String> gatewayArguments(Path work, BenchOrthanc orthanc, BenchOrthanc polled, int scpPort,
            String jdbcUrl) {
        List<String> arguments = new ArrayList<>(List.of("--gateway.data-dir=" + work.resolve("data")));
        if (!h2()) {
            // on H2 the gateway's own default URL: the store a user of ./gateway run gets
            arguments.addAll(List.of("--spring.datasource.url=" + jdbcUrl,
                    "--spring.datasource.username=" + options.postgresUser(), "--spring.datasource.password="));
        }
        arguments.addAll(organization(0, ORG, "Bench", options.pacsKind(), orthanc));
        if (polled != null) {
            arguments.add("--gateway.scp.port=" + scpPort);
            // one association per SCU client, plus room for the ones a closed pool is still releasing
            arguments.add("--gateway.scp.max-associations=" + 2 * Math.max(8, options.ingestClients().stream()
                    .mapToInt(Integer::intValue).max().orElse(1)));
            arguments.add("--gateway.organizations[0].scp-ae-title=" + IngestBench.SCP_AE_TITLE);
            arguments.add("--gateway.organizations[0].scp-allowed-calling-aes[0]=*");
            // every SCU client of the bench calls with the same AE title
            arguments.add("--gateway.scp.max-associations-per-calling-ae=0");
            // Orthanc's change feed, whatever --pacs-kind says: it is how the gateway polls an Orthanc
            arguments.addAll(organization(1, IngestBench.POLLED_ORG, "Bench polled", "orthanc", polled));
            arguments.add("--gateway.organizations[1].ingest.poll-interval=" + options.pollInterval().toMillis() + "ms");
        }
        if (options.scenarios().contains("viewer")) {
            arguments.addAll(organization(polled == null ? 1 : 2, VIEWER_ORG, "Bench viewer", "orthanc", orthanc));
        }
        return arguments;
    }

    private static List<String> organization(int index, String id, String name, String pacsKind, BenchOrthanc pacs) {
        String o = "--gateway.organizations[" + index + "].";
        return List.of(
                o + "id=" + id, o + "slug=" + id, o + "name=" + name,
                o + "pacs.kind=" + pacsKind,
                o + "pacs.ae-title=" + BenchOrthanc.AE_TITLE,
                o + "pacs.host=127.0.0.1",
                o + "pacs.port=" + pacs.dicomPort(),
                o + "pacs.dicomweb-url=" + pacs.restUrl() + "/dicom-web",
                o + "pacs.rest-url=" + pacs.restUrl(),
                o + "pacs.username=" + BenchOrthanc.USER,
                o + "pacs.password=" + pacs.password(),
                o + "pacs.superseded=keep");
    }

    /**
     * The jar as given; else the application as {@code ./gateway run} starts it (the exec jar
     * extracted by the launcher, named by {@code GATEWAY_BENCH_APP}); else none (this JVM's class path).
     */
    private Path gatewayJar() {
        if (options.gatewayJar() != null) {
            return options.gatewayJar();
        }
        Path app = launcherApp();
        return app == null ? null : app.resolve("gateway.jar");
    }

    /** The launcher's class-data archive of the extracted application, when the bench starts that. */
    private Path classDataArchive() {
        Path app = launcherApp();
        if (options.gatewayJar() != null || app == null) {
            return null;
        }
        Path archive = app.resolve("gateway.jsa");
        return Files.isRegularFile(archive) ? archive : null;
    }

    private static Path launcherApp() {
        String app = System.getenv("GATEWAY_BENCH_APP");
        return app != null && Files.isRegularFile(Path.of(app, "gateway.jar")) ? Path.of(app) : null;
    }

    /**
     * A bearer token for the bench organization when this build has the embedded token issuer
     * (branch security): minted by the {@code token} command into the gateway's data directory,
     * whose signing key the gateway then uses. Null when the build has no security yet.
     */
    private String mintToken(Path work, String org) throws IOException, InterruptedException {
        if (!classPresent(TOKEN_COMMAND)) {
            report.note("no token: this build has no JWT security (requests are sent without Authorization)");
            return null;
        }
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                GatewayProcess.absoluteClassPath(), TOKEN_COMMAND, "--data-dir", work.resolve("data").toString(),
                "--org", org, "--scope", "user/ImagingManifest.read user/ImagingManifest.write", "--ttl", "12h")
                .redirectError(ProcessBuilder.Redirect.appendTo(work.resolve("token.log").toFile())).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0 || output.isEmpty()) {
            throw new IllegalStateException("the token command failed (log " + work.resolve("token.log") + ")");
        }
        String[] lines = output.split("\n");
        return lines[lines.length - 1].trim();
    }

    private void header() {
        report.header("date: " + Instant.now());
        report.header("machine: " + Runtime.getRuntime().availableProcessors() + " cores, " + memTotal()
                + ", load average at start: " + loadAverage() + " (shared with other builds: figures are noisy)");
        report.header("JVM: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.version")
                + "; gateway " + (gatewayJar() != null ? "jar " + gatewayJar() : "from the class path")
                + (classDataArchive() != null ? " with the class-data archive " + classDataArchive() : "")
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

    // ---- HTTP

    private HttpRequest post(String url, String body) {
        return authorized(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", FHIR_JSON)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpRequest get(String url) {
        return authorized(HttpRequest.newBuilder(URI.create(url)).GET());
    }

    private HttpRequest authorized(HttpRequest.Builder builder) {
        builder.timeout(Duration.ofSeconds(60)).header("Accept", FHIR_JSON);
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder.build();
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    // ---- small things

    private void progress(String line) {
        out.println("bench: " + line);
        out.flush();
    }

    private static boolean classPresent(String name) {
        try {
            Class.forName(name, false, BenchCommand.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    private static String snippet(String body) {
        return body.length() > 300 ? body.substring(0, 300) + "..." : body;
    }

    private static String iso(long millis) {
        return Instant.ofEpochMilli(millis).toString();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
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
