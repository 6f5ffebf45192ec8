package com.imagingmanifest.gateway.bench;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The bench's own Orthanc: a private process from the OS package on free loopback ports, stopped
 * with SIGKILL (graceful stop takes ~5 s and keeps nothing the bench needs). The test fixture
 * {@code PrivateOrthanc} is not reused because its module brings JUnit and Testcontainers, which do
 * not belong on the application's runtime class path; this class does only what the bench needs.
 */
final class BenchOrthanc implements AutoCloseable {
    static final String AE_TITLE = "ORTHANC";
    static final String USER = "bench";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /**
     * Associations Orthanc serves at once (its default is 4; option since Orthanc 1.9.8): the pooled
     * SCU keeps one association per client open, so with fewer threads than clients the extra
     * associations queue for a thread and the baseline measures that queue, not Orthanc's store.
     */
    static final int DICOM_THREADS = 16;

    private final Process process;
    private final Path dir;
    private final int httpPort;
    private final int dicomPort;
    private final String password;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private BenchOrthanc(Process process, Path dir, int httpPort, int dicomPort, String password) {
        this.process = process;
        this.dir = dir;
        this.httpPort = httpPort;
        this.dicomPort = dicomPort;
        this.password = password;
    }

    /** A private Orthanc whose storage, configuration and log live in {@code workDir/name}. */
    static BenchOrthanc start(Path workDir, String name) throws IOException, InterruptedException {
        String binary = System.getenv().getOrDefault("ORTHANC_BINARY", "/usr/sbin/Orthanc");
        if (!Files.isExecutable(Path.of(binary))) {
            throw new IllegalStateException("Orthanc not found at " + binary + ": apt-get install -y orthanc orthanc-dicomweb");
        }
        Path dir = Files.createDirectories(workDir.resolve(name));
        int httpPort = freePort();
        int dicomPort = freePort();
        String password = UUID.randomUUID().toString();
        String config = """
                {
                  "Name": "gateway-bench",
                  "HttpPort": %d,
                  "DicomPort": %d,
                  "DicomAet": "%s",
                  "StorageDirectory": "%s",
                  "IndexDirectory": "%s",
                  "RemoteAccessAllowed": true,
                  "AuthenticationEnabled": true,
                  "RegisteredUsers": { "%s": "%s" },
                  "DicomAlwaysAllowEcho": true,
                  "DicomAlwaysAllowStore": true,
                  "DicomAlwaysAllowFind": true,
                  "DicomAlwaysAllowGet": true,
                  "DicomCheckCalledAet": false,
                  "DicomThreadsCount": %d,
                  "Plugins": [ "%s" ],
                  "DicomWeb": { "Enable": true, "Root": "/dicom-web/" },
                  "StableAge": 5,
                  "KeepAlive": true,
                  "TcpNoDelay": true
                }
                """.formatted(httpPort, dicomPort, AE_TITLE, dir.resolve("storage"), dir.resolve("storage"), USER,
                password, DICOM_THREADS, dicomWebPlugin());
        Files.writeString(dir.resolve("orthanc.json"), config);
        ProcessBuilder builder = new ProcessBuilder(binary, dir.resolve("orthanc.json").toString())
                .directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("orthanc.log").toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        // without it every DIMSE exchange with Orthanc stalls ~40 ms (Nagle + delayed ACK), docs/architecture.md §4
        builder.environment().put("TCP_NODELAY", "1");
        BenchOrthanc orthanc = new BenchOrthanc(builder.start(), dir, httpPort, dicomPort, password);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!orthanc.process.isAlive()) {
                throw new IllegalStateException("Orthanc exited with " + orthanc.process.exitValue() + " (log "
                        + dir.resolve("orthanc.log") + ")");
            }
            try {
                if (orthanc.get("/system").statusCode() == 200) {
                    return orthanc;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        orthanc.close();
        throw new IllegalStateException("Orthanc did not answer within " + START_TIMEOUT.toSeconds() + " s");
    }

    int httpPort() {
        return httpPort;
    }

    int dicomPort() {
        return dicomPort;
    }

    String restUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    String password() {
        return password;
    }

    long pid() {
        return process.pid();
    }

    /** CPU time (user + system, all threads) Orthanc has used so far. */
    double cpuSeconds() {
        return GatewayProcess.cpuSeconds(process.pid());
    }

    HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
        return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    HttpResponse<String> post(String path, String contentType, byte[] body) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request(path).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException("Orthanc POST " + path + ": HTTP " + response.statusCode() + " " + response.body());
        }
        return response;
    }

    /** The stored file of the instance with this SOP Instance UID (POST /tools/lookup, then its file). */
    byte[] instanceFile(String sopInstanceUid) throws IOException, InterruptedException {
        String found = post("/tools/lookup", "text/plain", sopInstanceUid.getBytes(StandardCharsets.US_ASCII)).body();
        java.util.regex.Matcher id = java.util.regex.Pattern.compile("\"ID\"\\s*:\\s*\"([^\"]+)\"").matcher(found);
        if (!id.find()) {
            throw new IOException("Orthanc does not hold SOP instance " + sopInstanceUid);
        }
        HttpResponse<byte[]> file = get("/instances/" + id.group(1) + "/file");
        if (file.statusCode() != 200) {
            throw new IOException("Orthanc GET instance file: HTTP " + file.statusCode());
        }
        return file.body();
    }

    private HttpRequest.Builder request(String path) {
        String basic = Base64.getEncoder().encodeToString((USER + ":" + password).getBytes(StandardCharsets.UTF_8));
        return HttpRequest.newBuilder(URI.create(restUrl() + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Basic " + basic);
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    Path dir() {
        return dir;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String dicomWebPlugin() throws IOException {
        for (String candidate : List.of("/usr/share/orthanc/plugins/libOrthancDicomWeb.so",
                "/usr/lib/orthanc/libOrthancDicomWeb.so")) {
            if (Files.exists(Path.of(candidate))) {
                return candidate;
            }
        }
        try (Stream<Path> files = Files.list(Path.of("/usr/lib/orthanc"))) {
            return files.map(Path::toString).filter(n -> n.contains("libOrthancDicomWeb.so")).findFirst()
                    .orElseThrow(() -> new IllegalStateException(
                            "Orthanc's DICOMweb plugin not found: apt-get install -y orthanc-dicomweb"));
        }
    }
}
