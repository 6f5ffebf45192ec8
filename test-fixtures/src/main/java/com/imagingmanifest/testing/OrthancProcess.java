package com.imagingmanifest.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Orthanc started from the OS package in a temp directory. */
final class OrthancProcess implements OrthancServer {
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
                Map<String, Object> config = PrivateOrthanc.baseConfig(httpPort, dicomPort, storage.toString());
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
        OrthancServer.awaitReady(restUrl(), PrivateOrthanc.USER, PrivateOrthanc.PASSWORD,
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
        return PrivateOrthanc.USER;
    }

    @Override
    public String password() {
        return PrivateOrthanc.PASSWORD;
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
