package com.imagingmanifest.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A running DCMTK {@code storescp}: a real C-STORE SCP for tests of our SCU. Stopped by PID (SIGKILL). */
public final class StoreScp implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);

    private final Process process;
    private final String aeTitle;
    private final int port;
    private final Path outDir;
    private final Path log;
    private final Thread shutdownHook = new Thread(this::kill, "storescp-kill");

    private StoreScp(Process process, String aeTitle, int port, Path outDir, Path log) {
        this.process = process;
        this.aeTitle = aeTitle;
        this.port = port;
        this.outDir = outDir;
        this.log = log;
    }

    static StoreScp start(String aeTitle, Path outDir, String... options) {
        Dcmtk.require("storescp");
        try {
            Files.createDirectories(outDir);
            Path log = Files.createTempFile("storescp-", ".log");
            int port = FreePorts.find();
            // storescp accepts DCMTK's default list of storage SOP classes, KOS among them.
            List<String> command = new ArrayList<>(List.of("storescp", "-aet", aeTitle, "-od", outDir.toString(),
                    "--acse-timeout", "30", "--dimse-timeout", "30"));
            command.addAll(List.of(options));
            command.add(String.valueOf(port));
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            StoreScp scp = new StoreScp(process, aeTitle, port, outDir, log);
            Runtime.getRuntime().addShutdownHook(scp.shutdownHook);
            scp.awaitListening();
            return scp;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start storescp", e);
        }
    }

    private void awaitListening() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("storescp exited with " + process.exitValue() + ": " + logText());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                sleep(50);
            }
        }
        kill();
        throw new IllegalStateException("storescp did not listen on port " + port + " within " + START_TIMEOUT
                + ": " + logText());
    }

    public String aeTitle() {
        return aeTitle;
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    public Path outDir() {
        return outDir;
    }

    public long pid() {
        return process.pid();
    }

    /** Files storescp has written so far, sorted by name. */
    public List<Path> receivedFiles() {
        try (Stream<Path> files = Files.list(outDir)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits (bounded) until at least {@code count} files arrived; fails with storescp's log otherwise. */
    public List<Path> awaitFiles(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Path> files = receivedFiles();
        while (files.size() < count && System.nanoTime() < deadline) {
            sleep(50);
            files = receivedFiles();
        }
        if (files.size() < count) {
            throw new IllegalStateException("storescp received " + files.size() + " of " + count
                    + " files within " + timeout + ": " + logText());
        }
        return new ArrayList<>(files);
    }

    /** Everything storescp printed. */
    public String logText() {
        try {
            return Files.readString(log, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private void kill() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        kill();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
        Dcmtk.deleteQuietly(log);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
