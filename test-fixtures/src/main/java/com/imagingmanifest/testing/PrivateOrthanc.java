package com.imagingmanifest.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    private static final Pattern LOOKUP_ID = Pattern.compile("\"ID\"\\s*:\\s*\"([^\"]+)\"");
    private static final Set<PrivateOrthanc> RUNNING = ConcurrentHashMap.newKeySet();
    private static volatile PrivateOrthanc shared;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(PrivateOrthanc::destroy),
                "private-orthanc-kill"));
    }

    private final OrthancServer server;
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    private PrivateOrthanc(OrthancServer server) {
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
        OrthancServer server;
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

    /** GET with basic auth, the body as bytes (a stored file, a rendered frame); fails on any status but 2xx. */
    public byte[] getBytes(String path) {
        HttpRequest request = request(path).GET().build();
        try {
            HttpResponse<byte[]> response = exchange(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException("GET " + path + " answered " + response.statusCode());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + restUrl() + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The stored Part 10 file of the instance with this SOP Instance UID (POST /tools/lookup, then its file). */
    public byte[] instanceFile(String sopInstanceUid) {
        String found = post("/tools/lookup", "text/plain", sopInstanceUid.getBytes(StandardCharsets.US_ASCII));
        Matcher id = LOOKUP_ID.matcher(found);
        if (!id.find()) {
            throw new IllegalStateException("Orthanc holds no instance " + sopInstanceUid);
        }
        return getBytes("/instances/" + id.group(1) + "/file");
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

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
