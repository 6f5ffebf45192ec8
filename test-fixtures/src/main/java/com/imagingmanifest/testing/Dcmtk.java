package com.imagingmanifest.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The real DICOM peers of the tests: DCMTK command-line tools and dicom3tools' {@code dciodvfy}.
 * Every process gets a timeout; a missing tool fails the test with the command that installs it.
 */
public final class Dcmtk {

    /** Long enough for any of these tools on a loaded machine, short enough that nothing hangs. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private static final ConcurrentHashMap<String, Path> FOUND = new ConcurrentHashMap<>();

    private Dcmtk() {
    }

    /** Fails unless {@code tool} is an executable on the PATH; returns quietly otherwise. */
    public static void require(String tool) {
        locate(tool);
    }

    static Path locate(String tool) {
        return FOUND.computeIfAbsent(tool, name -> {
            String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
            for (String dir : path.split(File.pathSeparator)) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
            throw new IllegalStateException("DCMTK tool " + name
                    + " not found: apt-get install -y dcmtk dicom3tools");
        });
    }

    /** Runs {@code command} (its first word must be on the PATH); kills it after {@code timeout}. */
    public static ToolResult run(Duration timeout, String... command) {
        if (command.length == 0) {
            throw new IllegalArgumentException("no command");
        }
        require(command[0]);
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("tool-", ".out");
            err = Files.createTempFile("tool-", ".err");
            // Output goes to files, not pipes: a chatty tool can never block on a full pipe.
            Process process = new ProcessBuilder(command)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                throw new IllegalStateException(String.join(" ", command) + " did not finish within "
                        + timeout + "; stderr: " + Files.readString(err, StandardCharsets.UTF_8));
            }
            return new ToolResult(process.exitValue(),
                    Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command[0], e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    /** Runs a tool and fails unless it exits with 0; returns its stdout. */
    static String runOrFail(String... command) {
        ToolResult result = run(DEFAULT_TIMEOUT, command);
        if (!result.succeeded()) {
            throw new IllegalStateException(String.join(" ", command) + " exited with " + result.exitCode()
                    + ": " + result.output().strip());
        }
        return result.stdout();
    }

    /** {@code dump2dcm [options] dump out}: turns a DCMTK text dump into a DICOM file. */
    public static Path dump2dcm(Path dump, Path out, String... options) {
        List<String> command = new ArrayList<>();
        command.add("dump2dcm");
        command.addAll(List.of(options));
        command.add(dump.toString());
        command.add(out.toString());
        deleteQuietly(out);
        ToolResult result = run(DEFAULT_TIMEOUT, command.toArray(String[]::new));
        // dump2dcm exits with 0 even when it rejects a line: it then writes no file and prints "E:" lines.
        if (!result.succeeded() || !Files.isRegularFile(out) || result.stderr().contains("E: ")) {
            throw new IllegalStateException(String.join(" ", command) + " failed (exit " + result.exitCode()
                    + "): " + result.output().strip());
        }
        return out;
    }

    /** {@code dcmdump [options] file}: the file's data set as text. */
    public static String dcmdump(Path file, String... options) {
        List<String> command = new ArrayList<>();
        command.add("dcmdump");
        command.addAll(List.of(options));
        command.add(file.toString());
        return runOrFail(command.toArray(String[]::new));
    }

    /** {@code dsrdump file}: a structured report (a KOS is one) as its content tree. */
    public static String dsrdump(Path file) {
        return runOrFail("dsrdump", file.toString());
    }

    /**
     * {@code dciodvfy file}: dicom3tools' IOD verifier. It reports errors as lines starting with
     * "Error" and warnings with "Warning", on stderr; the caller decides what it accepts.
     */
    public static ToolResult dciodvfy(Path file) {
        return run(DEFAULT_TIMEOUT, "dciodvfy", file.toString());
    }

    /**
     * Starts DCMTK {@code storescp} on a free loopback port, writing what it receives to {@code outDir};
     * {@code options} go before the port, e.g. {@code +tls key cert} for DICOM over TLS.
     */
    public static StoreScp startStoreScp(String aeTitle, Path outDir, String... options) {
        return StoreScp.start(aeTitle, outDir, options);
    }

    static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a leftover temp file is harmless
            }
        }
    }
}
