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
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * DCMTK's {@code dcmqrscp} for tests: a DIMSE-only Query/Retrieve archive (C-ECHO, C-STORE,
 * hierarchical C-FIND, C-GET, C-MOVE) with no REST API, no delete and no change feed, the second
 * real PACS beside {@link PrivateOrthanc}.
 *
 * <p>What it does, as tried with dcmqrscp 3.6.7: an IMAGE or SERIES query must carry the parent
 * UIDs (otherwise "Failed: UnableToProcess", checked only once the archive holds a record); the index keeps a fixed set of attributes (Content
 * Date/Time and SOP Class UID are not among them, Modalities in Study is); UIDs in C-FIND answers
 * are padded with a space; C-MOVE destinations must be in the HostTable, by host name (the
 * configuration file takes no IP address); {@code --single-process} crashes after its first
 * association, so the archive runs in its default mode, a child process per association; it keeps
 * at most 500 studies (the quota's limit) and drops the oldest beyond. Each
 * archive has its own directory (configuration, storage area, log), a free loopback port, and
 * ends with SIGKILL of the process and its children.
 */
public final class Dcmqrscp implements AutoCloseable {
    /**
     * The associations a client may store over at once without the archive mixing up objects. dcmqrscp
     * (DCMTK 3.6.7) names each stored file after the current second plus a pseudo-random number seeded
     * with that same second, and only checks with stat() that no such file exists yet. Two associations
     * (two child processes) storing in the same second therefore pick the same name and write the same
     * file, and the index then points two SOP Instance UIDs at one object: 40 C-STOREs of distinct
     * objects by 8 concurrent storescu left 24 files. A gateway bound to this archive in tests keeps
     * one association ({@code pacs.max-associations}); docs/conformance.md says so for users.
     */
    public static final int STORING_ASSOCIATIONS = 1;

    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);
    private static final Set<Dcmqrscp> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Dcmqrscp::kill), "dcmqrscp-kill"));
    }

    /** A C-MOVE destination: an AE the archive may send to, written into its HostTable. */
    public record Destination(String aeTitle, int port) {
        public Destination {
            if (aeTitle == null || !aeTitle.matches("[A-Za-z0-9_]{1,16}")) {
                throw new IllegalArgumentException("AE title for the HostTable: 1-16 of [A-Za-z0-9_], not " + aeTitle);
            }
        }
    }

    private final String aeTitle;
    private final Path dir;
    private final Path config;
    private final Path log;
    private final int port;
    private Process process;

    private Dcmqrscp(String aeTitle, Path dir, int port) {
        this.aeTitle = aeTitle;
        this.dir = dir;
        this.config = dir.resolve("dcmqrscp.cfg");
        this.log = dir.resolve("dcmqrscp.log");
        this.port = port;
    }

    /** An archive called {@code aeTitle} that accepts any caller and moves to {@code destinations}. */
    public static Dcmqrscp start(String aeTitle, List<Destination> destinations) {
        Dcmtk.require("dcmqrscp");
        try {
            Path dir = Files.createTempDirectory("dcmqrscp-");
            Dcmqrscp archive = new Dcmqrscp(aeTitle, dir, FreePorts.find());
            Files.createDirectories(archive.storage());
            Files.writeString(archive.config, configuration(archive.port, aeTitle, archive.storage(), destinations),
                    StandardCharsets.US_ASCII);
            RUNNING.add(archive);
            archive.launch();
            return archive;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare dcmqrscp", e);
        }
    }

    /** The configuration file: one storage area, any peer, a quota far above what a test stores. */
    static String configuration(int port, String aeTitle, Path storage, List<Destination> destinations) {
        StringBuilder cfg = new StringBuilder();
        cfg.append("NetworkTCPPort  = ").append(port).append('\n');
        cfg.append("MaxPDUSize      = 65536\n");
        cfg.append("MaxAssociations = 32\n");
        cfg.append("HostTable BEGIN\n");
        for (Destination d : destinations) {
            cfg.append(d.aeTitle().toLowerCase(java.util.Locale.ROOT)).append(" = (").append(d.aeTitle())
                    .append(", localhost, ").append(d.port()).append(")\n");
        }
        cfg.append("HostTable END\n");
        cfg.append("VendorTable BEGIN\nVendorTable END\n");
        cfg.append("AETable BEGIN\n");
        // beyond maxStudies dcmqrscp deletes the oldest study; 500 is the most it takes (more is cut to 500)
        cfg.append(aeTitle).append(' ').append(storage).append(" RW (500, 1024mb) ANY\n");
        cfg.append("AETable END\n");
        return cfg.toString();
    }

    private synchronized void launch() {
        try {
            // the configuration path must be absolute: each child re-reads it after changing directory
            process = new ProcessBuilder("dcmqrscp", "-c", config.toAbsolutePath().toString(), "--log-level", "info",
                    "--acse-timeout", "30", "--dimse-timeout", "60", String.valueOf(port))
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start dcmqrscp: " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("dcmqrscp exited with " + process.exitValue() + ": " + logText());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                PrivateOrthanc.sleep(50);
            }
        }
        kill();
        throw new IllegalStateException("dcmqrscp did not listen on port " + port + " within " + START_TIMEOUT
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

    /** The storage area: one file per stored instance plus dcmqrscp's {@code index.dat}. */
    public Path storage() {
        return dir.resolve("storage");
    }

    /** Instances the archive holds (its files, index left out). */
    public List<Path> storedFiles() {
        try (Stream<Path> files = Files.list(storage())) {
            return files.filter(f -> !f.getFileName().toString().equals("index.dat")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    /** Everything the archive and its children printed. */
    public String logText() {
        try {
            return Files.readString(log, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** SIGKILL of the archive and of every child serving an association: a crash mid-exchange. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        // children first: each inherited the listening socket, and one left alive keeps the port open
        List<ProcessHandle> children = process.descendants().toList();
        children.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("dcmqrscp pid " + process.pid() + " survived SIGKILL");
            }
            for (ProcessHandle child : children) {
                child.onExit().get(10, TimeUnit.SECONDS);
            }
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("a dcmqrscp child survived SIGKILL", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Starts it again on the same port with the same storage; returns when it listens. */
    public synchronized void restart() {
        kill();
        launch();
    }

    @Override
    public synchronized void close() {
        kill();
        RUNNING.remove(this);
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : new ArrayList<>(files.sorted(Comparator.reverseOrder()).toList())) {
                Files.deleteIfExists(file);
            }
        } catch (IOException ignored) {
            // a leftover temp directory is harmless
        }
    }

    @Override
    public String toString() {
        return "dcmqrscp " + aeTitle + "@127.0.0.1:" + port;
    }
}
