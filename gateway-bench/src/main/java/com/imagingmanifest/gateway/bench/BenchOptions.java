package com.imagingmanifest.gateway.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The command line of {@code gateway bench}; {@link #parse} throws IllegalArgumentException with a one-line message. */
record BenchOptions(boolean quick, Set<String> scenarios, Path out, Duration warmup, Duration duration,
        List<Long> sizes, List<Integer> createClients, int readClients, int storescuFiles, int startups,
        String pacsKind, Path gatewayJar, List<String> jvmOptions, Path jmhResults, String postgresUrl,
        String postgresUser, boolean keepDatabase, int ingestCount, List<Integer> ingestClients,
        Duration pollInterval, int createStudies, int instances, String store, int perPatient, String peer) {

    static final Set<String> SCENARIOS = Set.of("startup", "create", "read", "ingest", "viewer");
    static final String USAGE = "usage: gateway bench [--quick] [--scenarios startup,create,read,ingest,viewer] [--out FILE]"
            + " [--warmup 3s] [--duration 10s] [--sizes 10000,100000,1000000] [--create-clients 1,8,32]"
            + " [--read-clients 8] [--storescu-files 500] [--startups 3] [--pacs-kind dimse|orthanc]"
            + " [--gateway-jar FILE] [--jvm-opt OPTION]... [--jmh FILE] [--postgres jdbc:postgresql://127.0.0.1:5432/]"
            + " [--postgres-user postgres] [--keep-db] [--ingest-count 500] [--ingest-clients 1,8]"
            + " [--poll-interval 500ms] [--create-studies 100] [--instances 1|2] [--store postgres|h2] [--per-patient 5] [--peer hapi]";

    static BenchOptions parse(String... args) {
        boolean quick = List.of(args).contains("--quick");
        Set<String> scenarios = new LinkedHashSet<>(List.of("startup", "create", "read", "ingest", "viewer"));
        Path out = null;
        Duration warmup = quick ? Duration.ofSeconds(2) : Duration.ofSeconds(3);
        Duration duration = quick ? Duration.ofSeconds(5) : Duration.ofSeconds(10);
        List<Long> sizes = quick ? List.of(10_000L, 100_000L) : List.of(10_000L, 100_000L, 1_000_000L);
        List<Integer> createClients = List.of(1, 8, 32);
        int readClients = 8;
        int storescuFiles = quick ? 200 : 500;
        int startups = quick ? 1 : 3;
        String pacsKind = "dimse";
        Path jar = null;
        List<String> jvm = new ArrayList<>();
        Path jmh = null;
        String postgres = "jdbc:postgresql://127.0.0.1:5432/";
        String postgresUser = "postgres";
        boolean keep = false;
        int ingestCount = quick ? 200 : 500;
        List<Integer> ingestClients = List.of(1, 8);
        Duration pollInterval = Duration.ofMillis(500);
        // creates go round a set of studies, as a department's manifests spread over its studies: one
        // study collecting thousands of KOS series is no workload a PACS meets
        int createStudies = quick ? 20 : 100;
        int instances = 1;
        boolean scenariosGiven = false;
        String store = "postgres";
        int perPatient = StoreLoader.DEFAULT_PER_PATIENT;
        String peer = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--quick" -> { }
                case "--keep-db" -> keep = true;
                case "--help", "-h" -> throw new IllegalArgumentException(USAGE);
                default -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(a.startsWith("--") ? a + " needs a value" : "unknown argument '" + a + "'; " + USAGE);
                    }
                    String v = args[++i];
                    switch (a) {
                        case "--scenarios" -> {
                            scenariosGiven = true;
                            scenarios = new LinkedHashSet<>();
                            for (String s : v.split(",")) {
                                if (!SCENARIOS.contains(s.trim())) {
                                    throw new IllegalArgumentException("unknown scenario '" + s + "'; known: " + SCENARIOS);
                                }
                                scenarios.add(s.trim());
                            }
                        }
                        case "--out" -> out = Path.of(v);
                        case "--warmup" -> warmup = duration(a, v);
                        case "--duration" -> duration = duration(a, v);
                        case "--sizes" -> sizes = list(a, v).stream().map(Long::valueOf).sorted().toList();
                        case "--create-clients" -> createClients = list(a, v).stream().map(Long::intValue).toList();
                        case "--read-clients" -> readClients = positive(a, v);
                        case "--storescu-files" -> storescuFiles = positive(a, v);
                        case "--startups" -> startups = positive(a, v);
                        case "--pacs-kind" -> {
                            if (!v.equals("dimse") && !v.equals("orthanc")) {
                                throw new IllegalArgumentException("--pacs-kind must be dimse or orthanc");
                            }
                            pacsKind = v;
                        }
                        case "--gateway-jar" -> {
                            jar = Path.of(v);
                            if (!Files.isRegularFile(jar)) {
                                throw new IllegalArgumentException("--gateway-jar " + v + ": no such file");
                            }
                        }
                        case "--jvm-opt" -> jvm.add(v);
                        case "--jmh" -> {
                            jmh = Path.of(v);
                            if (!Files.isRegularFile(jmh)) {
                                throw new IllegalArgumentException("--jmh " + v + ": no such file");
                            }
                        }
                        case "--postgres" -> postgres = v.endsWith("/") ? v : v + "/";
                        case "--postgres-user" -> postgresUser = v;
                        case "--ingest-count" -> ingestCount = positive(a, v);
                        case "--create-studies" -> createStudies = positive(a, v);
                        case "--store" -> {
                            if (!v.equals("postgres") && !v.equals("h2")) {
                                throw new IllegalArgumentException("--store must be postgres or h2");
                            }
                            store = v;
                        }
                        case "--per-patient" -> perPatient = positive(a, v);
                        case "--peer" -> {
                            if (!v.equals("hapi")) {
                                throw new IllegalArgumentException("--peer must be hapi (HAPI FHIR's JPA server, peers/hapi-jpa)");
                            }
                            peer = v;
                        }
                        case "--instances" -> {
                            instances = positive(a, v);
                            if (instances > 2) {
                                throw new IllegalArgumentException("--instances must be 1 or 2");
                            }
                        }
                        case "--ingest-clients" -> ingestClients = list(a, v).stream().map(Long::intValue).toList();
                        case "--poll-interval" -> {
                            pollInterval = duration(a, v);
                            if (pollInterval.isZero() || pollInterval.isNegative()) {
                                throw new IllegalArgumentException("--poll-interval must be longer than 0");
                            }
                        }
                        default -> throw new IllegalArgumentException("unknown argument '" + a + "'; " + USAGE);
                    }
                }
            }
        }
        if (store.equals("h2") && !scenariosGiven) {
            scenarios.remove("ingest");
        }
        if (store.equals("h2") && (scenarios.contains("ingest") || instances > 1)) {
            // the embedded store is one process's file: nothing else may open it while the gateway runs
            throw new IllegalArgumentException("--store h2 takes the scenarios startup, create and read, one instance"
                    + " (ingest watches the store while the gateway runs; several instances need PostgreSQL)");
        }
        return new BenchOptions(quick, scenarios, out, warmup, duration, sizes, createClients, readClients,
                storescuFiles, startups, pacsKind, jar, List.copyOf(jvm), jmh, postgres, postgresUser, keep, ingestCount,
                ingestClients, pollInterval, createStudies, instances, store, perPatient, peer);
    }

    private static Duration duration(String name, String v) {
        try {
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            if (v.endsWith("s")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " '" + v + "' is not a duration like 500ms or 10s");
    }

    private static List<Long> list(String name, String v) {
        List<Long> values = new ArrayList<>();
        for (String s : v.split(",")) {
            values.add((long) positive(name, s.trim().replace("_", "").replace("k", "000").replace("M", "000000")));
        }
        return values;
    }

    private static int positive(String name, String v) {
        try {
            long n = Long.parseLong(v);
            if (n > 0 && n <= Integer.MAX_VALUE) {
                return (int) n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " '" + v + "' must be a positive whole number");
    }
}
