package com.imagingmanifest.gateway.bench;

import com.imagingmanifest.testing.FreePorts;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * The gateway under test as a child JVM, so that its start-up and resident memory are its own:
 * the exec jar when one is given, else this JVM's class path with the application's main class.
 */
final class GatewayProcess implements AutoCloseable {
    private static final String MAIN_CLASS = "com.imagingmanifest.gateway.GatewayApplication";
    // HAPI's JPA server on a loaded 2-core machine has been seen to take minutes (its first start
    // creates its schema)
    private static final Duration START_TIMEOUT = Duration.ofSeconds(600);

    private final Process process;
    private final int port;
    private final Path log;
    private final double startSeconds;
    private final double startCpuSeconds;
    private final AtomicLong peakRssKib = new AtomicLong();
    private final Thread sampler;

    private GatewayProcess(Process process, int port, Path log, double startSeconds) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.startSeconds = startSeconds;
        this.startCpuSeconds = cpuSeconds(process.pid());
        this.sampler = new Thread(this::sampleRss, "bench-rss-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    /**
     * Starts the gateway and waits until {@code readyPath} answers 200 (or 401 when the gateway
     * requires a token: it is then serving).
     */
    static GatewayProcess start(Path workDir, Path jar, List<String> jvmOptions, List<String> arguments,
            String readyPath) throws IOException, InterruptedException {
        return launch(workDir, "gateway", port -> {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmOptions);
            if (jar != null) {
                command.add("-jar");
                command.add(jar.toString());
            } else {
                command.add("-cp");
                command.add(absoluteClassPath());
                command.add(MAIN_CLASS);
            }
            command.add("--server.port=" + port);
            command.add("--server.address=127.0.0.1");
            command.addAll(arguments);
            return command;
        }, readyPath);
    }

    /**
     * Starts the server that {@code command} makes for a free port (the gateway, or the bench's peer),
     * logging to {@code name.log} in {@code workDir}, and waits until {@code readyPath} answers 200 or 401.
     */
    static GatewayProcess launch(Path workDir, String name, IntFunction<List<String>> command, String readyPath)
            throws IOException, InterruptedException {
        int port = FreePorts.find();
        Path log = workDir.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(command.apply(port)).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest probe = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + readyPath))
                .timeout(Duration.ofSeconds(5)).GET().build();
        long started = System.nanoTime();
        Process process = builder.start();
        long deadline = started + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the " + name + " exited with " + process.exitValue() + "; log " + log
                        + ":\n" + tail(log));
            }
            try {
                int status = http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 200 || status == 401) {
                    return new GatewayProcess(process, port, log, (System.nanoTime() - started) / 1e9);
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(10);
        }
        process.destroyForcibly();
        throw new IllegalStateException("the " + name + " was not ready within " + START_TIMEOUT.toSeconds()
                + " s; log " + log + ":\n" + tail(log));
    }

    /** This JVM's class path with absolute entries: the child runs in another directory. */
    static String absoluteClassPath() {
        return java.util.Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.isEmpty()).map(e -> Path.of(e).toAbsolutePath().toString())
                .collect(java.util.stream.Collectors.joining(File.pathSeparator));
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    /** Process start to the first 200 from the ready path. */
    double startSeconds() {
        return startSeconds;
    }

    /**
     * CPU time (user + system, all threads) the gateway used until it was ready: less dependent on
     * other load on a shared machine than the wall time.
     */
    double startCpuSeconds() {
        return startCpuSeconds;
    }

    /** CPU time (user + system, all threads) the gateway has used so far. */
    double cpuSeconds() {
        return cpuSeconds(process.pid());
    }

    /** utime + stime of /proc/PID/stat (PS: fields 14 and 15, in clock ticks of 1/100 s on Linux). */
    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // fields 14, 15 counted from 1
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Resident set size now, in MiB (VmRSS of /proc/PID/status). */
    double rssMib() {
        return readRssKib() / 1024.0;
    }

    /** The highest VmRSS sampled since {@link #resetPeak()}, in MiB. */
    double peakRssMib() {
        return Math.max(peakRssKib.get(), readRssKib()) / 1024.0;
    }

    void resetPeak() {
        peakRssKib.set(readRssKib());
    }

    Path log() {
        return log;
    }

    private void sampleRss() {
        while (process.isAlive()) {
            long kib = readRssKib();
            peakRssKib.accumulateAndGet(kib, Math::max);
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private long readRssKib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // the process is gone
        }
        return 0;
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        sampler.interrupt();
        process.destroy(); // SIGTERM: a flight recording started with dumponexit is written
        try {
            if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
