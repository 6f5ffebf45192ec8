package com.imagingmanifest.gateway.bench;

import com.imagingmanifest.testing.PrivateOrthanc;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * How the bench starts the gateway it measures: which build (a jar given, the application as
 * {@code ./gateway run} starts it, or this JVM's class path), its command line with the bench's
 * organizations, and a bearer token from the gateway's own {@code token} command.
 */
final class GatewayLaunch {
    private static final String TOKEN_COMMAND = "com.imagingmanifest.gateway.security.TokenCommand";

    private final BenchOptions options;
    private final Path work;

    GatewayLaunch(BenchOptions options, Path work) {
        this.options = options;
        this.work = work;
    }

    /**
     * The jar as given; else the application as {@code ./gateway run} starts it (the exec jar
     * extracted by the launcher, named by {@code GATEWAY_BENCH_APP}); else none (this JVM's class path).
     */
    Path jar() {
        if (options.gatewayJar() != null) {
            return options.gatewayJar();
        }
        Path app = launcherApp();
        return app == null ? null : app.resolve("gateway.jar");
    }

    /** The launcher's class-data archive of the extracted application, when the bench starts that. */
    Path classDataArchive() {
        Path app = launcherApp();
        if (options.gatewayJar() != null || app == null) {
            return null;
        }
        Path archive = app.resolve("gateway.jsa");
        return Files.isRegularFile(archive) ? archive : null;
    }

    private static Path launcherApp() {
        String app = System.getenv("GATEWAY_BENCH_APP");
        return app != null && Files.isRegularFile(Path.of(app, "gateway.jar")) ? Path.of(app) : null;
    }

    /**
     * The gateway's command line: the bench organization on the bench's Orthanc and, for the ingest
     * scenario ({@code polled} set), the SCP with an AE title for it plus a second organization that
     * polls an Orthanc of its own, so that the poller sees only the KOS stored for it.
     */
    List<String> arguments(PrivateOrthanc orthanc, PrivateOrthanc polled, int scpPort, String jdbcUrl) {
        List<String> arguments = new ArrayList<>(List.of("--gateway.data-dir=" + work.resolve("data")));
        if (!options.store().equals("h2")) {
            // on H2 the gateway's own default URL: the store a user of ./gateway run gets
            arguments.addAll(List.of("--spring.datasource.url=" + jdbcUrl,
                    "--spring.datasource.username=" + options.postgresUser(), "--spring.datasource.password="));
        }
        arguments.addAll(organization(0, BenchCommand.ORG, "Bench", options.pacsKind(), orthanc));
        if (polled != null) {
            arguments.add("--gateway.scp.port=" + scpPort);
            // one association per SCU client, plus room for the ones a closed pool is still releasing
            arguments.add("--gateway.scp.max-associations=" + 2 * Math.max(8, options.ingestClients().stream()
                    .mapToInt(Integer::intValue).max().orElse(1)));
            arguments.add("--gateway.organizations[0].scp-ae-title=" + IngestBench.SCP_AE_TITLE);
            arguments.add("--gateway.organizations[0].scp-allowed-calling-aes[0]=*");
            // every SCU client of the bench calls with the same AE title
            arguments.add("--gateway.scp.max-associations-per-calling-ae=0");
            // Orthanc's change feed, whatever --pacs-kind says: it is how the gateway polls an Orthanc
            arguments.addAll(organization(1, IngestBench.POLLED_ORG, "Bench polled", "orthanc", polled));
            arguments.add("--gateway.organizations[1].ingest.poll-interval=" + options.pollInterval().toMillis() + "ms");
        }
        if (options.scenarios().contains("viewer")) {
            arguments.addAll(organization(polled == null ? 1 : 2, BenchCommand.VIEWER_ORG, "Bench viewer", "orthanc",
                    orthanc));
        }
        return arguments;
    }

    private static List<String> organization(int index, String id, String name, String pacsKind, PrivateOrthanc pacs) {
        String o = "--gateway.organizations[" + index + "].";
        return List.of(
                o + "id=" + id, o + "slug=" + id, o + "name=" + name,
                o + "pacs.kind=" + pacsKind,
                o + "pacs.ae-title=" + pacs.aeTitle(),
                o + "pacs.host=127.0.0.1",
                o + "pacs.port=" + pacs.dicomPort(),
                o + "pacs.dicomweb-url=" + pacs.restUrl() + "/dicom-web",
                o + "pacs.rest-url=" + pacs.restUrl(),
                o + "pacs.username=" + pacs.username(),
                o + "pacs.password=" + pacs.password(),
                o + "pacs.superseded=keep");
    }

    /** Whether this build has the embedded token issuer: without it requests go without Authorization. */
    static boolean hasSecurity() {
        try {
            Class.forName(TOKEN_COMMAND, false, GatewayLaunch.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /**
     * A bearer token for {@code org}, minted by the {@code token} command into the gateway's data
     * directory, whose signing key the gateway then uses.
     */
    String mintToken(String org) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                GatewayProcess.absoluteClassPath(), TOKEN_COMMAND, "--data-dir", work.resolve("data").toString(),
                "--org", org, "--scope", "user/ImagingManifest.read user/ImagingManifest.write", "--ttl", "12h")
                .redirectError(ProcessBuilder.Redirect.appendTo(work.resolve("token.log").toFile())).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0 || output.isEmpty()) {
            throw new IllegalStateException("the token command failed (log " + work.resolve("token.log") + ")");
        }
        String[] lines = output.split("\n");
        return lines[lines.length - 1].trim();
    }
}
