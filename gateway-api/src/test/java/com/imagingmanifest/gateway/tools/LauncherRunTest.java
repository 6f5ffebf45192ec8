package com.imagingmanifest.gateway.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagingmanifest.gateway.security.TestTokens;
import com.imagingmanifest.testing.FreePorts;
import com.imagingmanifest.testing.GatewayScript;
import com.imagingmanifest.testing.GatewayScript.Result;
import com.imagingmanifest.testing.GatewayScript.Server;
import com.imagingmanifest.testing.PrivateOrthanc;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./gateway run} as a user runs it: the real script, each rule of the launcher in its own start.
 * What the user gives (arguments, environment) wins over the launcher's defaults; organizations of the
 * user's own mean no private Orthanc; the launcher becomes the JVM; killing it leaves nothing behind.
 */
class LauncherRunTest {
    private static final Duration START = Duration.ofMinutes(3);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    @Test
    void argumentsAndEnvironmentWinOverTheDemoDefaults() throws Exception {
        int http = FreePorts.find();
        int scp = FreePorts.find();
        // the launcher's demo defaults include gateway.scp.port=11112 and gateway.logging.format=plain
        Map<String, String> env = Map.of("GATEWAY_LOGGING_FORMAT", "json");
        try (Server gw = GatewayScript.run(dir, env, "--server.port=" + http, "--gateway.scp.port=" + scp,
                "--gateway.data-dir=" + dir.resolve("gw"))) {
            gw.awaitHttp(http, START);
            assertThat(get(http, "/organizations/demo/fhir/3/metadata", null).statusCode()).isEqualTo(200);
            // the SCP listens on the port given, not on "11112,<port>" (which would have stopped the start)
            try (Socket s = new Socket("127.0.0.1", scp)) {
                assertThat(s.isConnected()).isTrue();
            }
            List<String> started = gw.stdout().lines().filter(l -> l.contains("Started GatewayApplication")).toList();
            assertThat(started).as(gw.output()).singleElement().asString().startsWith("{");
        }
    }

    @Test
    void theDataDirectoryGivenIsTheServersAndTheTokenToolTakesIt() throws Exception {
        int http = FreePorts.find();
        Path data = dir.resolve("srv-gw");
        try (Server gw = GatewayScript.run(dir, Map.of(), "--server.port=" + http, "--gateway.scp.port=0",
                "--gateway.data-dir=" + data)) {
            gw.awaitHttp(http, START);
            assertThat(data.resolve("gateway.mv.db")).as(gw.output()).isRegularFile();
            assertThat(data.resolve("orthanc")).isDirectory();
            try (var files = Files.list(dir)) {
                assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(","));
            }
            Result token = GatewayScript.tool(dir, Map.of(), "token", "--org", "demo", "--data-dir", data.toString());
            assertThat(token.exit()).as(token.toString()).isZero();
            String search = "/organizations/demo/fhir/3/ImagingManifest";
            assertThat(get(http, search, token.out().strip()).statusCode()).isEqualTo(200);
            // the demo prints its own start-up token, signed with the same key
            String demo = gw.stdout().lines().filter(l -> l.startsWith("Demo token (org demo): ")).findFirst()
                    .orElseThrow(() -> new AssertionError("no start-up token in the demo\n" + gw.output()));
            assertThat(get(http, search, demo.substring(demo.indexOf(": ") + 2)).statusCode()).isEqualTo(200);
            // a key from another directory is not the server's
            Result other = GatewayScript.tool(dir, Map.of(), "token", "--org", "demo", "--data-dir", dir.resolve("other").toString());
            assertThat(get(http, search, other.out().strip()).statusCode()).isEqualTo(401);
        }
    }

    @Test
    void anOrganizationArgumentMeansNoDemoOrthancAndNoDemoValues() throws Exception {
        PrivateOrthanc pacs = PrivateOrthanc.shared();
        int http = FreePorts.find();
        Path data = dir.resolve("data");
        try (Server gw = GatewayScript.run(dir, Map.of(), "--server.port=" + http, "--gateway.data-dir=" + data,
                "--gateway.organizations[0].id=7", "--gateway.organizations[0].slug=site",
                "--gateway.organizations[0].pacs.kind=orthanc",
                "--gateway.organizations[0].pacs.ae-title=" + pacs.aeTitle(),
                "--gateway.organizations[0].pacs.host=" + pacs.host(),
                "--gateway.organizations[0].pacs.port=" + pacs.dicomPort(),
                "--gateway.organizations[0].pacs.dicomweb-url=" + pacs.dicomwebUrl(),
                "--gateway.organizations[0].pacs.rest-url=" + pacs.restUrl(),
                "--gateway.organizations[0].pacs.username=" + pacs.username(),
                "--gateway.organizations[0].pacs.password=" + pacs.password())) {
            gw.awaitHttp(http, START);
            assertThat(get(http, "/organizations/site/fhir/3/metadata", null).statusCode()).as(gw.output()).isEqualTo(200);
            // no demo organization (metadata answers alike for any name; data requests tell, with a token)
            assertThat(get(http, "/organizations/demo/fhir/3/ImagingManifest",
                    TestTokens.token(data, "demo", TestTokens.READ)).statusCode()).isEqualTo(404);
            assertThat(data.resolve("orthanc")).doesNotExist();
            // nothing to stop afterwards: the launcher became the JVM
            assertThat(gw.process().info().command()).hasValueSatisfying(c -> assertThat(c).endsWith("/java"));
            assertThat(gw.process().descendants().map(p -> p.info().command().orElse("?")).toList())
                    .noneMatch(c -> c.contains("Orthanc"));
            assertThat(Files.readString(data.resolve("launcher-defaults.properties"))).doesNotContain("organizations");
            assertThat(gw.stdout()).doesNotContain("Demo token");
        }
    }

    @Test
    void aConfigurationFileNamedByGatewayConfigIsUsedAndMeansNoDemo() throws Exception {
        PrivateOrthanc pacs = PrivateOrthanc.shared();
        int http = FreePorts.find();
        Path data = dir.resolve("data");
        Path config = Files.writeString(dir.resolve("site.yml"), """
                gateway:
                  logging:
                    format: plain
                  organizations:
                    - id: "9"
                      slug: clinic
                      pacs:
                        kind: orthanc
                        ae-title: %s
                        host: %s
                        port: %d
                        dicomweb-url: %s
                        rest-url: %s
                        username: %s
                        password: %s
                """.formatted(pacs.aeTitle(), pacs.host(), pacs.dicomPort(), pacs.dicomwebUrl(), pacs.restUrl(),
                pacs.username(), pacs.password()));
        Map<String, String> env = Map.of("GATEWAY_CONFIG", config.toString(), "GATEWAY_DATA_DIR", data.toString());
        try (Server gw = GatewayScript.run(dir, env, "--server.port=" + http)) {
            gw.awaitHttp(http, START);
            assertThat(get(http, "/organizations/clinic/fhir/3/metadata", null).statusCode()).as(gw.output()).isEqualTo(200);
            // no demo organization (metadata answers alike for any name; data requests tell, with a token)
            assertThat(get(http, "/organizations/demo/fhir/3/ImagingManifest",
                    TestTokens.token(data, "demo", TestTokens.READ)).statusCode()).isEqualTo(404);
            assertThat(data.resolve("orthanc")).doesNotExist();
            assertThat(data.resolve("gateway.mv.db")).isRegularFile();
            List<String> started = gw.stdout().lines().filter(l -> l.contains("Started GatewayApplication")).toList();
            // the file's log format, not the default json
            assertThat(started).as(gw.output()).singleElement().asString().doesNotStartWith("{").contains(" INFO ");
        }
    }

    @Test
    void theLauncherBecomesTheJvmAndSigkillLeavesNoOrphan() throws Exception {
        int http = FreePorts.find();
        Path data = dir.resolve("data");
        Server gw = GatewayScript.run(dir, Map.of(), "--server.port=" + http, "--gateway.scp.port=0", "--gateway.data-dir=" + data);
        try {
            gw.awaitHttp(http, START);
            // exec: the process the user (or a supervisor) started is the JVM itself
            assertThat(gw.process().info().command()).as(gw.output()).hasValueSatisfying(c -> assertThat(c).endsWith("/java"));
            long orthancPid = Long.parseLong(Files.readString(data.resolve("orthanc/orthanc.pid")).strip());
            Optional<ProcessHandle> orthanc = ProcessHandle.of(orthancPid);
            assertThat(orthanc).as("private Orthanc").hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());
            assertThat(orthanc.get().parent().map(ProcessHandle::pid)).hasValue(gw.process().pid());

            gw.kill();   // SIGKILL, as a supervisor after its grace period or the OOM killer
            assertThat(gw.process().exitValue()).isEqualTo(137);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (orthanc.get().isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(orthanc.get().isAlive()).as("the private Orthanc outlived its gateway").isFalse();
        } finally {
            gw.close();
        }
    }

    private static HttpResponse<String> get(int port, String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).header("Accept", "application/fhir+json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
