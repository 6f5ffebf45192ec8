package com.imagingmanifest.gateway.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagingmanifest.gateway.ApiTestSupport;
import com.imagingmanifest.testing.Dcmtk;
import com.imagingmanifest.testing.FreePorts;
import com.imagingmanifest.testing.GatewayScript;
import com.imagingmanifest.testing.ToolResult;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.WebElement;

/**
 * Issue 25's "done when", as a user does it: {@code ./gateway run} (the real script, its private
 * Orthanc), one study stored with storescu as the start-up banner says, one manifest created with the
 * demo token; the demo then prints the key-image link, and that link opens every selected image in
 * a real browser.
 */
class DemoKeyImageLinkTest {
    private static final Duration START = Duration.ofMinutes(3);
    private static final Pattern STORESCU = Pattern.compile("storescu (\\S+) (\\d+) -aec (\\S+)");

    @TempDir
    Path dir;

    @Test
    void thePrintedLinkOpensTheSelectedImages() throws Exception {
        Dcmtk.require("storescu");
        int http = FreePorts.find();
        try (GatewayScript.Server gw = GatewayScript.run(dir, java.util.Map.of(), "--server.port=" + http,
                "--gateway.scp.port=0", "--gateway.data-dir=" + dir.resolve("gw"));
                Chromium chromium = Chromium.start()) {
            gw.awaitHttp(http, START);
            Matcher pacs = STORESCU.matcher(line(gw, l -> STORESCU.matcher(l).find()));
            assertThat(pacs.find()).isTrue();
            ViewerTestData data = ViewerTestData.of("P-DEMO-1");
            List<String> command = new ArrayList<>(List.of("storescu", pacs.group(1), pacs.group(2), "-aec",
                    pacs.group(3)));
            int n = 0;
            for (byte[] file : data.files()) {
                Path f = dir.resolve("image-" + n++ + ".dcm");
                Files.write(f, file);
                command.add(f.toString());
            }
            ToolResult stored = Dcmtk.run(Dcmtk.DEFAULT_TIMEOUT, command.toArray(String[]::new));
            assertThat(stored.succeeded()).as(stored.output()).isTrue();

            String demoToken = line(gw, l -> l.startsWith("Demo token (org demo): ")).replaceFirst(".*: ", "");
            HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + http + "/organizations/demo/fhir/3/ImagingManifest"))
                    .header("Authorization", "Bearer " + demoToken).header("Content-Type", "application/fhir+json")
                    .POST(HttpRequest.BodyPublishers.ofString(ApiTestSupport.json(data.manifest()))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            String id = created.headers().firstValue("Location").orElseThrow()
                    .replaceAll(".*/ImagingManifest/([^/]+)/_history/.*", "$1");

            String link = line(gw, l -> l.startsWith("Key-image page of ImagingManifest/" + id + " "))
                    .replaceFirst(".*\\): ", "");
            assertThat(link).startsWith("http://127.0.0.1:" + http + "/organizations/demo/viewer/ImagingManifest/"
                    + id + "#token=");
            List<WebElement> images = chromium.openKeyImages(link);
            assertThat(images).as(gw.output()).hasSize(4);
            assertThat(images).allSatisfy(img -> assertThat(img.getDomAttribute("data-state")).isEqualTo("loaded"));
        }
    }

    /** The first line of the launcher's standard output that matches, waiting for it up to a minute. */
    private static String line(GatewayScript.Server gw, Predicate<String> matches) throws InterruptedException {
        Instant end = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(end)) {
            Optional<String> found = gw.stdout().lines().filter(matches).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the expected line never came\n" + gw.output());
    }
}
