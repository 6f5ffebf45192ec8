package com.imagingmanifest.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real {@code ./gateway} launcher of this checkout, run as a user runs it. Tools get the test's own
 * class path through {@code GATEWAY_CLASSPATH}, so the script dispatches, sets up logging and exits as
 * for a user, without building the project again from inside a test.
 */
public final class GatewayScript {
    /** A finished run: exit status and the two output streams, kept apart. */
    public record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private GatewayScript() {
    }

    /** The checkout: the first directory above the working directory with the {@code gateway} script and a pom. */
    public static Path root() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("gateway")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
        }
        throw new IllegalStateException("no ./gateway script above " + Path.of("").toAbsolutePath());
    }

    /** {@code ./gateway args...} for a tool, in {@code workDir}, with extra environment; waits up to two minutes. */
    public static Result tool(Path workDir, Map<String, String> env, String... args) {
        ProcessBuilder pb = command(args).directory(workDir.toFile());
        pb.environment().put("GATEWAY_CLASSPATH", System.getProperty("java.class.path"));
        pb.environment().putAll(env);
        return finish(pb, workDir, Duration.ofMinutes(2));
    }

    /**
     * {@code ./gateway run args...} in {@code workDir} with extra environment, in the background, on the
     * test's class path (no build); its output goes to files in {@code workDir}. Close to SIGKILL it.
     */
    public static Server run(Path workDir, Map<String, String> env, String... args) {
        List<String> all = new ArrayList<>(List.of("run"));
        all.addAll(List.of(args));
        ProcessBuilder pb = command(all.toArray(String[]::new)).directory(workDir.toFile());
        pb.environment().put("GATEWAY_CLASSPATH", System.getProperty("java.class.path"));
        pb.environment().putAll(env);
        try {
            Path out = Files.createTempFile(workDir, "gateway-run-", ".out");
            Path err = Files.createTempFile(workDir, "gateway-run-", ".err");
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            return new Server(p, out, err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A {@code ./gateway run} in the background. */
    public record Server(Process process, Path out, Path err) implements AutoCloseable {
        /** Waits until {@code http://127.0.0.1:port/actuator/health} answers at all; fails if the process ends first. */
        public void awaitHttp(int port, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new AssertionError("./gateway run ended with " + process.exitValue() + " before answering\n" + output());
                }
                try {
                    java.net.HttpURLConnection c = (java.net.HttpURLConnection)
                            java.net.URI.create("http://127.0.0.1:" + port + "/actuator/health").toURL().openConnection();
                    c.setConnectTimeout(1000);
                    c.setReadTimeout(5000);
                    c.getResponseCode();
                    c.disconnect();
                    return;
                } catch (IOException notYet) {
                    sleep(250);
                }
            }
            throw new AssertionError("./gateway run did not answer on port " + port + " within " + timeout + "\n" + output());
        }

        /** Standard output so far. */
        public String stdout() {
            return read(out);
        }

        /** Both streams so far, for failure messages. */
        public String output() {
            return "--- stdout\n" + read(out) + "--- stderr\n" + read(err);
        }

        /** SIGKILL of the launcher's process (and of nothing else: what it leaves behind is the test's question). */
        public void kill() {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
            List<ProcessHandle> children = process.descendants().toList();
            kill();
            children.forEach(ProcessHandle::destroyForcibly);
        }

        private static String read(Path file) {
            try {
                return Files.readString(file);
            } catch (IOException e) {
                return "(unreadable: " + e + ")";
            }
        }

        private static void sleep(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** A process builder for {@code ./gateway args...}; the caller sets directory, environment and output. */
    public static ProcessBuilder command(String... args) {
        List<String> command = new ArrayList<>(List.of(root().resolve("gateway").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        // the JVM the tests run on, whatever the PATH holds
        String javaBin = Path.of(System.getProperty("java.home"), "bin").toString();
        pb.environment().put("PATH", javaBin + File.pathSeparator + pb.environment().getOrDefault("PATH", "/usr/bin:/bin"));
        return pb;
    }

    /** Runs {@code pb} with its output in files (a chatty process never blocks on a pipe); kills it after {@code timeout}. */
    public static Result finish(ProcessBuilder pb, Path workDir, Duration timeout) {
        try {
            Path out = Files.createTempFile(workDir, "gateway-", ".out");
            Path err = Files.createTempFile(workDir, "gateway-", ".err");
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError("./gateway " + pb.command().subList(1, pb.command().size()) + " did not finish in "
                        + timeout + "; stderr: " + Files.readString(err));
            }
            Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
