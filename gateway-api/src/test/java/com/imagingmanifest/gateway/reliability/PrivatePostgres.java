package com.imagingmanifest.gateway.reliability;

import com.imagingmanifest.testing.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of one test (initdb into a temp directory, pg_ctl on a free loopback port), so
 * that the test can stop it with {@code -m immediate} (a crash) and start it again without touching
 * the machine's shared server. Run as user postgres through runuser when this JVM runs as root
 * (initdb refuses root).
 */
final class PrivatePostgres implements AutoCloseable {
    private final Path dir;
    private final Path data;
    private final int port;
    private final Path bin;

    private PrivatePostgres(Path dir, Path bin, int port) {
        this.dir = dir;
        this.data = dir.resolve("data");
        this.bin = bin;
        this.port = port;
    }

    static PrivatePostgres start() {
        Path bin = binaries();
        try {
            Path dir = Files.createTempDirectory("private-postgres-");
            if (root()) {
                UserPrincipal postgres = dir.getFileSystem().getUserPrincipalLookupService()
                        .lookupPrincipalByName("postgres");
                Files.setOwner(dir, postgres);
            }
            PrivatePostgres server = new PrivatePostgres(dir, bin, FreePorts.find());
            server.run(bin.resolve("initdb").toString(), "-D", server.data.toString(), "-A", "trust", "-U", "postgres",
                    "--no-sync", "-E", "UTF8");
            server.startServer();
            server.execute("CREATE DATABASE gateway");
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare a private PostgreSQL", e);
        }
    }

    private static Path binaries() {
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.naturalOrder()).orElseThrow(() -> new IllegalStateException(
                            "PostgreSQL server binaries not found under /usr/lib/postgresql: apt-get install postgresql"));
        } catch (IOException e) {
            throw new IllegalStateException("PostgreSQL server binaries not found under /usr/lib/postgresql", e);
        }
    }

    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/gateway";
    }

    void startServer() {
        run(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", dir.resolve("server.log").toString(),
                "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off", "-w", "-t", "60",
                "start");
    }

    /** Stops it as in a crash (immediate mode: no checkpoint, sessions cut). */
    void crash() {
        run(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "-t", "60", "stop");
    }

    private void execute(String sql) {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres",
                "postgres", ""); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    private void run(String... command) {
        List<String> full = new ArrayList<>();
        if (root()) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(List.of(command));
        try {
            Path out = Files.createTempFile("pg-command", ".log");
            Process p = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", full) + " did not finish within 120 s");
            }
            String output = Files.readString(out);
            Files.deleteIfExists(out);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", full) + " exited with " + p.exitValue() + ":\n" + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            crash();
        } catch (IllegalStateException alreadyStopped) {
            // nothing to stop
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException ignored) {
            // a leftover temp directory is harmless
        }
    }
}
