package com.imagingmanifest.gateway.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The bench's peer, HAPI FHIR's JPA server (the Maven project {@code peers/hapi-jpa}, outside the
 * gateway's build): built with Maven when its classes are missing or older than its sources, then
 * started as a child JVM bound to 127.0.0.1 on a free port, with the same JVM options as the
 * gateway, and stopped by its PID like the gateway.
 */
final class HapiPeer {
    static final String NAME = "HAPI FHIR JPA 8.8.0";
    static final String MAIN_CLASS = "com.imagingmanifest.peer.hapi.HapiJpaPeer";
    /** Where the launcher says the peers are; else {@code peers} under the working directory. */
    static final String PEERS_DIR_VARIABLE = "GATEWAY_PEERS_DIR";

    private HapiPeer() {
    }

    /** The peer's Maven project: {@code hapi-jpa} under {@code peersDir}. */
    static Path project(String peersDir) {
        return Path.of(peersDir == null || peersDir.isBlank() ? "peers" : peersDir, "hapi-jpa").toAbsolutePath();
    }

    /**
     * The peer's command line without the port: {@code java}, the JVM options, its classes and the
     * class path Maven wrote, its main class, then the store. {@code jdbcUrl} names an H2 file or a
     * PostgreSQL database; the user is the store's (H2: {@code sa}).
     */
    static List<String> command(Path project, List<String> jvmOptions, String jdbcUrl, String user) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(project.resolve("target/classes") + File.pathSeparator
                + Files.readString(project.resolve("target/classpath.txt")).trim());
        command.add(MAIN_CLASS);
        command.add("--server.address=127.0.0.1");
        command.add("--spring.datasource.url=" + jdbcUrl);
        command.add("--spring.datasource.username=" + user);
        command.add("--spring.datasource.password=");
        return command;
    }

    /** The peer's own H2 file under the bench's work directory, opened as HAPI's starter opens its default. */
    static String h2Url(Path work) {
        return "jdbc:h2:file:" + work.resolve("hapi-jpa").resolve("h2").toAbsolutePath();
    }

    /** True when the peer's classes are missing or older than its pom or any of its sources. */
    static boolean needsBuild(Path project) throws IOException {
        Path stamp = project.resolve("target/classpath.txt");
        if (!Files.isRegularFile(stamp) || !Files.isDirectory(project.resolve("target/classes"))) {
            return true;
        }
        long built = Files.getLastModifiedTime(stamp).toMillis();
        try (Stream<Path> sources = Stream.concat(Stream.of(project.resolve("pom.xml")),
                Files.walk(project.resolve("src")))) {
            return sources.filter(Files::isRegularFile).anyMatch(p -> {
                try {
                    return Files.getLastModifiedTime(p).toMillis() > built;
                } catch (IOException e) {
                    return true;
                }
            });
        }
    }

    /**
     * Builds the peer (compile, and the class path file) with Maven, online: its first build fetches
     * HAPI's JPA server and its dependencies from Maven Central. The output goes to {@code log}.
     */
    static void build(Path project, Path log) throws IOException, InterruptedException {
        if (!Files.isRegularFile(project.resolve("pom.xml"))) {
            throw new IllegalStateException("no peer project at " + project + " (set " + PEERS_DIR_VARIABLE + ")");
        }
        Process maven = new ProcessBuilder("mvn", "-B", "-q", "-f", project.resolve("pom.xml").toString(), "compile")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        if (!maven.waitFor(30, TimeUnit.MINUTES)) {
            maven.destroyForcibly();
            throw new IllegalStateException("building the peer took longer than 30 minutes (log " + log + ")");
        }
        if (maven.exitValue() != 0) {
            throw new IllegalStateException("building the peer failed with " + maven.exitValue() + " (log " + log + ")");
        }
        // Maven leaves an unchanged class path file as it was: the stamp of this build is set here
        Files.setLastModifiedTime(project.resolve("target/classpath.txt"),
                java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()));
    }
}
