package com.imagingmanifest.gateway.reliability;

import com.imagingmanifest.gateway.security.TestTokens;
import com.imagingmanifest.testing.FreePorts;
import com.imagingmanifest.testing.PrivateOrthanc;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The gateway as a child JVM (this JVM's test class path, main class {@code GatewayApplication}), so
 * that a test can SIGKILL it, restart it on the same store, and read its resident memory and open
 * file descriptors from {@code /proc}. One organization, {@code demo} (id 1), bound to a private
 * Orthanc with the superseded policy {@code delete}.
 */
final class GatewayChild implements AutoCloseable {
    static final String ORG = "demo";
    static final String ORG_ID = "1";
    private static final String MAIN_CLASS = "com.imagingmanifest.gateway.GatewayApplication";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(240);
    /** The exit status of a JVM ended by SIGKILL: 128 + 9. */
    static final int SIGKILL_STATUS = 137;

    private final Path dataDir;
    private final Map<String, String> properties;
    private final Path log;
    private Process process;
    private int port;
    private String token;

    private GatewayChild(Path dataDir, Map<String, String> properties) {
        this.dataDir = dataDir;
        this.properties = properties;
        this.log = dataDir.resolve("gateway.log");
    }

    /**
     * Starts a gateway on {@code jdbcUrl} (user postgres) bound to {@code orthanc}; {@code extra}
     * properties override the defaults (recovery every 2 s with a 10 s grace). A null {@code jdbcUrl}
     * leaves the store to the gateway's defaults: the embedded H2 file database under the data
     * directory, with the URL that {@code ./gateway run} uses.
     */
    static GatewayChild start(String jdbcUrl, PrivateOrthanc orthanc, Map<String, String> extra) {
        Map<String, String> p = orthancProperties(orthanc);
        p.putAll(extra);
        return start(jdbcUrl, p);
    }

    /** The properties binding organization demo to {@code orthanc} (kind orthanc, superseded delete). */
    static Map<String, String> orthancProperties(PrivateOrthanc orthanc) {
        return com.imagingmanifest.gateway.ApiTestSupport.orthancBinding("gateway.organizations[0].", orthanc);
    }

    /**
     * Starts a gateway on {@code jdbcUrl} like {@link #start(String, PrivateOrthanc, Map)}, its PACS
     * binding and the rest given by {@code pacsAndExtra} (e.g. an {@link Archive}'s properties).
     */
    static GatewayChild start(String jdbcUrl, Map<String, String> pacsAndExtra) {
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("gateway-child-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> p = new LinkedHashMap<>();
        p.put("gateway.data-dir", dataDir.toString());
        if (jdbcUrl != null) {
            p.put("spring.datasource.url", jdbcUrl);
            p.put("spring.datasource.username", "postgres");
            p.put("spring.datasource.password", "");
        }
        p.put("gateway.recovery-interval", "2s");
        p.put("gateway.recovery-grace", "10s");
        p.put("gateway.security.startup-tokens", "false");
        p.put("logging.level.access", "WARN");
        String o = "gateway.organizations[0].";
        p.put(o + "id", ORG_ID);
        p.put(o + "slug", ORG);
        p.put(o + "name", "Reliability");
        p.put(o + "pacs.connect-timeout", "2s");
        p.put(o + "pacs.response-timeout", "15s");
        p.putAll(pacsAndExtra);
        GatewayChild child = new GatewayChild(dataDir, p);
        child.launch();
        return child;
    }

    private void launch() {
        port = FreePorts.find();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // the whole heap resident from the start: RSS growth then shows leaks outside the heap (threads, buffers)
        command.add("-Xms384m");
        command.add("-Xmx384m");
        command.add("-XX:+AlwaysPreTouch");
        command.add("-XX:+UseSerialGC");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(MAIN_CLASS);
        command.add("--server.port=" + port);
        command.add("--server.address=127.0.0.1");
        properties.forEach((k, v) -> command.add("--" + k + "=" + v));
        try {
            process = new ProcessBuilder(command).directory(dataDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the gateway", e);
        }
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(base() + "/metadata")).timeout(Duration.ofSeconds(10))
                .GET().build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the gateway exited with " + process.exitValue() + ":\n" + logTail());
            }
            try {
                if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(100);
        }
        process.destroyForcibly();
        throw new IllegalStateException("the gateway did not answer within " + START_TIMEOUT + ":\n" + logTail());
    }

    /** SIGKILL (Process.destroyForcibly on Linux); returns the exit status, 137 when SIGKILL ended it. */
    int kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("gateway pid " + process.pid() + " survived SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return process.exitValue();
    }

    /** Starts it again with the same store, data directory (signing key) and settings, on a new port. */
    void restart() {
        if (process.isAlive()) {
            kill();
        }
        launch();
    }

    String base() {
        return "http://127.0.0.1:" + port + "/organizations/" + ORG + "/fhir/3";
    }

    String token() {
        if (token == null) {
            token = TestTokens.token(dataDir, ORG, TestTokens.ALL);
        }
        return token;
    }

    long pid() {
        return process.pid();
    }

    /** VmRSS of the child, in KiB. */
    long residentKib() {
        return statusKib("VmRSS");
    }

    /** VmHWM of the child (peak resident set since it started), in KiB. */
    long peakResidentKib() {
        return statusKib("VmHWM");
    }

    private long statusKib(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no " + field + " for pid " + pid());
    }

    private String adminToken;

    private synchronized String adminToken() {
        if (adminToken == null) {
            adminToken = TestTokens.token(dataDir, ORG, "gateway.admin");
        }
        return adminToken;
    }

    /** Heap in use now (the sum of the heap pools of {@code jvm_memory_used_bytes}), or -1 when not scraped. */
    long heapUsedBytes() {
        String body = scrape();
        if (body == null) {
            return -1;
        }
        long sum = 0;
        boolean any = false;
        for (String line : body.split("\n")) {
            if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                sum += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                any = true;
            }
        }
        return any ? sum : -1;
    }

    /**
     * The value of the Prometheus sample {@code name} tagged with organization demo, or NaN when the
     * scrape fails or has no such sample (needs the prometheus endpoint exposed).
     */
    double demoSample(String name) {
        String body = scrape();
        if (body != null) {
            for (String line : body.split("\n")) {
                if (line.startsWith(name + "{") && line.contains("tenant=\"" + ORG + "\"")) {
                    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
        }
        return Double.NaN;
    }

    /** The gateway's /actuator/prometheus text, or null when it does not answer. */
    private String scrape() {
        // the metrics name organizations: a scraper needs the admin scope
        HttpRequest scrape = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus"))
                .header("Authorization", "Bearer " + adminToken())
                .timeout(Duration.ofSeconds(5)).GET().build();
        try {
            return HttpClient.newHttpClient().send(scrape, HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The SCP port when {@code gateway.scp.port} was given. */
    int scpPort() {
        return Integer.parseInt(properties.get("gateway.scp.port"));
    }

    /** Entries of /proc/PID/fd. */
    long openFileDescriptors() {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid()), "fd"))) {
            return fds.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String logTail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Log lines that mention a stack trace or a 5xx answer. */
    List<String> serverErrors() {
        try {
            return Files.readAllLines(log).stream()
                    .filter(l -> l.contains("\"status\":5") || l.contains("\tat ") || l.contains("Exception"))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            kill();
        }
    }
}
