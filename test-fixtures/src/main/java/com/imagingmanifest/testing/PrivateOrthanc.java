package com.imagingmanifest.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * An Orthanc for tests: a private process from the Debian packages (default), an external server
 * named by environment variables, or a Testcontainers container when a Docker engine answers.
 *
 * <p>Starting Orthanc takes about half a second but a graceful stop about five, so tests share one per
 * JVM ({@link #shared()}), isolate themselves by their own UIDs or by {@link #clear()}, and every
 * private Orthanc ends with SIGKILL. A test that needs its own configuration or kills the server
 * calls {@link #start(Map)} and closes it.
 *
 * <p>External server: {@code ORTHANC_URL} (REST base), optional {@code ORTHANC_DICOMWEB_URL},
 * {@code ORTHANC_DICOM_HOST}, {@code ORTHANC_DICOM_PORT} (4242), {@code ORTHANC_AET} (ORTHANC),
 * {@code ORTHANC_USER}/{@code ORTHANC_PASSWORD} (orthanc/orthanc). The binary may be moved with
 * {@code ORTHANC_BINARY} (default /usr/sbin/Orthanc), the container image with {@code ORTHANC_IMAGE}.
 */
public final class PrivateOrthanc implements AutoCloseable {

    static final String BINARY = System.getenv().getOrDefault("ORTHANC_BINARY", "/usr/sbin/Orthanc");
    static final String IMAGE = System.getenv().getOrDefault("ORTHANC_IMAGE", "orthancteam/orthanc:24.12.1");
    static final String NOT_FOUND = "Orthanc not found: apt-get install -y orthanc orthanc-dicomweb,"
            + " or set ORTHANC_URL, or run a Docker engine";
    static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    static final String AE_TITLE = "ORTHANC";
    static final String USER = "gateway-test";
    static final String PASSWORD = "gateway-test-secret";

    private static final Set<PrivateOrthanc> RUNNING = ConcurrentHashMap.newKeySet();
    private static volatile PrivateOrthanc shared;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(PrivateOrthanc::destroy),
                "private-orthanc-kill"));
    }

    /** What actually runs the server. */
    interface Server {
        String restUrl();

        URI dicomwebUrl();

        String host();

        int dicomPort();

        String username();

        String password();

        void kill();

        void restart();

        long pid();

        /** Stops it for good and removes what it stored. */
        void destroy();
    }

    private final Server server;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    private PrivateOrthanc(Server server) {
        this.server = server;
    }

    /** The Orthanc shared by every test of this JVM: started on first use, killed when the JVM exits. */
    public static PrivateOrthanc shared() {
        PrivateOrthanc current = shared;
        if (current == null) {
            synchronized (PrivateOrthanc.class) {
                current = shared;
                if (current == null) {
                    String url = System.getenv("ORTHANC_URL");
                    current = url != null && !url.isBlank()
                            ? new PrivateOrthanc(ExternalOrthanc.fromEnvironment())
                            : start(Map.of());
                    shared = current;
                }
            }
        }
        return current;
    }

    /**
     * A new Orthanc of its own for one test, with {@code extraConfig} merged over the default
     * configuration (nested objects key by key), e.g. {@code Map.of("DicomModalities", ...)}.
     * Close it when done.
     */
    public static PrivateOrthanc start(Map<String, Object> extraConfig) {
        Server server;
        if (Files.isExecutable(Path.of(BINARY))) {
            server = OrthancProcess.start(Path.of(BINARY), extraConfig);
        } else if (dockerAvailable()) {
            server = OrthancContainer.start(extraConfig);
        } else {
            throw new IllegalStateException(NOT_FOUND);
        }
        PrivateOrthanc orthanc = new PrivateOrthanc(server);
        RUNNING.add(orthanc);
        return orthanc;
    }

    private static boolean dockerAvailable() {
        try {
            return org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** The configuration every private Orthanc starts from, before the test's extra keys. */
    static Map<String, Object> baseConfig(int httpPort, int dicomPort, String storage) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("Name", "gateway-test");
        config.put("HttpPort", httpPort);
        config.put("DicomPort", dicomPort);
        config.put("DicomAet", AE_TITLE);
        config.put("StorageDirectory", storage);
        config.put("IndexDirectory", storage);
        config.put("RemoteAccessAllowed", true);
        config.put("AuthenticationEnabled", true);
        config.put("RegisteredUsers", Map.of(USER, PASSWORD));
        // All four are known to Orthanc 1.10.1 (see /etc/orthanc/orthanc.json of the Debian package);
        // C-FIND is refused to unregistered callers without DicomAlwaysAllowFind.
        config.put("DicomAlwaysAllowEcho", true);
        config.put("DicomAlwaysAllowStore", true);
        config.put("DicomAlwaysAllowFind", true);
        config.put("DicomAlwaysAllowGet", true);
        config.put("DicomCheckCalledAet", false);
        config.put("DicomScpTimeout", 30);
        config.put("DicomWeb", Map.of("Enable", true, "Root", "/dicom-web/"));
        // Series and studies become "stable" (change feed events) one second after their last instance.
        config.put("StableAge", 1);
        config.put("SaveJobs", false);
        config.put("KeepAlive", true);
        config.put("TcpNoDelay", true);
        config.put("HttpTimeout", 60);
        return config;
    }

    public String restUrl() {
        return server.restUrl();
    }

    /** The DICOMweb base, ending with a slash. */
    public URI dicomwebUrl() {
        return server.dicomwebUrl();
    }

    public String host() {
        return server.host();
    }

    public int dicomPort() {
        return server.dicomPort();
    }

    public String aeTitle() {
        return server instanceof ExternalOrthanc external ? external.aeTitle() : AE_TITLE;
    }

    public String username() {
        return server.username();
    }

    public String password() {
        return server.password();
    }

    /** PID of the Orthanc process (-1 for an external server). */
    public long pid() {
        return server.pid();
    }

    /** GET with basic auth; fails on any status but 2xx. */
    public String get(String path) {
        return send(request(path).GET(), path);
    }

    /** POST with basic auth; fails on any status but 2xx. */
    public String post(String path, String contentType, byte[] body) {
        return send(request(path).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)), path);
    }

    /** DELETE with basic auth; returns the status (404 is a normal answer when it is already gone). */
    public int delete(String path) {
        try {
            return exchange(request(path).DELETE().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw new UncheckedIOException("DELETE " + restUrl() + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Deletes every patient, hence everything stored. */
    public void clear() {
        for (String id : Json.stringArray(get("/patients"))) {
            int status = delete("/patients/" + id);
            if (status / 100 != 2 && status != 404) {
                throw new IllegalStateException("DELETE /patients/" + id + " answered " + status);
            }
        }
    }

    /** SIGKILL: the server vanishes as in a crash; storage stays for {@link #restart()}. */
    public void kill() {
        server.kill();
    }

    /** Starts it again on the same ports with the same storage; returns when it answers. */
    public void restart() {
        server.restart();
    }

    /** Kills and removes this Orthanc; the shared one ignores close (it lives as long as the JVM). */
    @Override
    public void close() {
        if (this != shared) {
            destroy();
        }
    }

    private void destroy() {
        RUNNING.remove(this);
        server.destroy();
    }

    private HttpRequest.Builder request(String path) {
        String credentials = username() + ":" + password();
        return HttpRequest.newBuilder(URI.create(restUrl() + path))
                .timeout(REQUEST_TIMEOUT)
                .header("Authorization", "Basic "
                        + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
    }

    private String send(HttpRequest.Builder builder, String path) {
        HttpRequest request = builder.build();
        try {
            HttpResponse<String> response = exchange(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException(request.method() + " " + path + " answered "
                        + response.statusCode() + ": " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + restUrl() + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Sends once more when the first attempt fails on the connection itself: Orthanc closes idle
     * keep-alive connections, and the client may reuse one just closed ("header parser received no
     * bytes"). Every request these helpers make is idempotent in Orthanc (GET, DELETE, a store of
     * the same bytes, a lookup), so the retry is safe. A timeout is not retried.
     */
    private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        try {
            return http.send(request, handler);
        } catch (java.net.http.HttpTimeoutException e) {
            throw e;
        } catch (IOException e) {
            return http.send(request, handler);
        }
    }

    @Override
    public String toString() {
        return "Orthanc " + restUrl() + " DICOM " + aeTitle() + "@" + host() + ":" + dicomPort();
    }

    /** Polls GET /system until it answers 200; {@code death} names an early death (null while alive). */
    static void awaitReady(String restUrl, String user, String password, java.util.function.Supplier<String> death,
                           java.util.function.Supplier<String> logTail) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(restUrl + "/system"))
                .timeout(Duration.ofSeconds(5))
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)))
                .build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            String died = death.get();
            if (died != null) {
                throw new IllegalStateException("Orthanc " + died + "; log tail:\n" + logTail.get());
            }
            try {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
                last = "status " + response.statusCode();
            } catch (ConnectException notYet) {
                last = "connection refused";
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            sleep(50);
        }
        throw new IllegalStateException("Orthanc at " + restUrl + " did not answer GET /system within "
                + START_TIMEOUT + " (" + last + "); log tail:\n" + logTail.get());
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Orthanc started from the OS package in a temp directory. */
    static final class OrthancProcess implements Server {
        private final Path binary;
        private final Path dir;
        private final Path log;
        private final int httpPort;
        private final int dicomPort;
        private Process process;

        private OrthancProcess(Path binary, Path dir, int httpPort, int dicomPort) {
            this.binary = binary;
            this.dir = dir;
            this.log = dir.resolve("orthanc.log");
            this.httpPort = httpPort;
            this.dicomPort = dicomPort;
        }

        static OrthancProcess start(Path binary, Map<String, Object> extraConfig) {
            IllegalStateException failure = null;
            // Another process may take a port between FreePorts.find() and Orthanc's bind: retry anew.
            for (int attempt = 0; attempt < 3; attempt++) {
                Path dir;
                try {
                    dir = Files.createTempDirectory("private-orthanc-");
                    Path storage = Files.createDirectories(dir.resolve("storage"));
                    int httpPort = FreePorts.find();
                    int dicomPort = FreePorts.find();
                    Map<String, Object> config = baseConfig(httpPort, dicomPort, storage.toString());
                    config.put("Plugins", List.of(dicomWebPlugin()));
                    Files.writeString(dir.resolve("orthanc.json"), Json.write(Json.merge(config, extraConfig)));
                    OrthancProcess server = new OrthancProcess(binary, dir, httpPort, dicomPort);
                    try {
                        server.launch();
                        return server;
                    } catch (IllegalStateException e) {
                        server.destroy();
                        failure = e;
                        if (!server.lostPortRace(e)) {
                            throw e;
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot prepare a private Orthanc", e);
                }
            }
            throw failure;
        }

        private boolean lostPortRace(IllegalStateException e) {
            String message = String.valueOf(e.getMessage()).toLowerCase();
            return message.contains("already in use") || message.contains("cannot bind");
        }

        static String dicomWebPlugin() {
            for (String candidate : List.of("/usr/share/orthanc/plugins/libOrthancDicomWeb.so",
                    "/usr/lib/orthanc/libOrthancDicomWeb.so")) {
                if (Files.exists(Path.of(candidate))) {
                    return candidate;
                }
            }
            try (Stream<Path> files = Files.list(Path.of("/usr/lib/orthanc"))) {
                return files.map(Path::toString).filter(name -> name.contains("libOrthancDicomWeb.so"))
                        .findFirst().orElseThrow(() -> new IllegalStateException(
                                "Orthanc's DICOMweb plugin not found: apt-get install -y orthanc-dicomweb"));
            } catch (IOException e) {
                throw new IllegalStateException(
                        "Orthanc's DICOMweb plugin not found: apt-get install -y orthanc-dicomweb", e);
            }
        }

        private synchronized void launch() {
            try {
                ProcessBuilder builder = new ProcessBuilder(binary.toString(), dir.resolve("orthanc.json").toString())
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
                // Without it every DIMSE exchange with Orthanc stalls ~40 ms (Nagle + delayed ACK).
                builder.environment().put("TCP_NODELAY", "1");
                process = builder.start();
            } catch (IOException e) {
                throw new IllegalStateException("cannot start " + binary + ": " + e.getMessage(), e);
            }
            Process started = process;
            awaitReady(restUrl(), USER, PASSWORD,
                    () -> started.isAlive() ? null : "exited with " + started.exitValue(), this::logTail);
        }

        String logTail() {
            try {
                List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
                return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
            } catch (IOException e) {
                return "(no log: " + e + ")";
            }
        }

        @Override
        public String restUrl() {
            return "http://127.0.0.1:" + httpPort;
        }

        @Override
        public URI dicomwebUrl() {
            return URI.create(restUrl() + "/dicom-web/");
        }

        @Override
        public String host() {
            return "127.0.0.1";
        }

        @Override
        public int dicomPort() {
            return dicomPort;
        }

        @Override
        public String username() {
            return USER;
        }

        @Override
        public String password() {
            return PASSWORD;
        }

        @Override
        public synchronized void kill() {
            if (process != null && process.isAlive()) {
                process.destroyForcibly(); // SIGKILL on Unix
                try {
                    if (!process.waitFor(10, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("Orthanc pid " + process.pid() + " survived SIGKILL");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
        }

        @Override
        public synchronized void restart() {
            kill();
            launch();
        }

        @Override
        public synchronized long pid() {
            return process == null ? -1 : process.pid();
        }

        @Override
        public synchronized void destroy() {
            kill();
            try (Stream<Path> files = Files.walk(dir)) {
                List<Path> all = new ArrayList<>(files.sorted(Comparator.reverseOrder()).toList());
                for (Path file : all) {
                    Files.deleteIfExists(file);
                }
            } catch (IOException ignored) {
                // a leftover temp directory is harmless
            }
        }
    }
}
