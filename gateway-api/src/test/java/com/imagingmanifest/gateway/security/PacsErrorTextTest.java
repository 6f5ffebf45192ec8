package com.imagingmanifest.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A PACS that fails, with the real Orthanc binding: organization {@code down}'s PACS is a port nobody
 * listens on, {@code broken}'s answers every request 500 with a text naming an internal URL. A FHIR
 * create is answered with the kind of failure and the request id; the PACS's host, port and text are
 * only on the log line of that request id.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PacsErrorTextTest {

    private static final String INTERNAL = "http://10.20.30.40:8042/internal/archive";
    private static final int CLOSED_PORT;
    private static final HttpServer BROKEN;
    private static final Path DATA_DIR;

    static {
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            CLOSED_PORT = probe.getLocalPort();
            BROKEN = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            DATA_DIR = Files.createTempDirectory("gateway-pacs-error-text");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        BROKEN.createContext("/", exchange -> {
            byte[] body = ("{\"Message\":\"Internal error: cannot write to " + INTERNAL + "\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(500, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        BROKEN.start();
    }

    @DynamicPropertySource
    static void pacs(DynamicPropertyRegistry registry) {
        registry.add("gateway.data-dir", DATA_DIR::toString);
        // a list binds from one property source: the organizations are all here
        String[][] organizations = {{"org-down", "down"}, {"org-broken", "broken"}};
        for (int i = 0; i < organizations.length; i++) {
            String prefix = "gateway.organizations[" + i + "].";
            registry.add(prefix + "id", organizations[i][0]::toString);
            registry.add(prefix + "slug", organizations[i][1]::toString);
            registry.add(prefix + "pacs.kind", () -> "orthanc");
            registry.add(prefix + "pacs.ae-title", () -> "ORTHANC");
        }
        registry.add("gateway.organizations[0].pacs.dicomweb-url", () -> "http://127.0.0.1:" + CLOSED_PORT + "/dicom-web");
        registry.add("gateway.organizations[1].pacs.dicomweb-url",
                () -> "http://127.0.0.1:" + BROKEN.getAddress().getPort() + "/dicom-web");
    }

    @AfterAll
    static void stop() {
        BROKEN.stop(0);
    }

    @LocalServerPort
    int port;

    private final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();

    @Test
    void theClientGetsTheRequestIdAndTheLogGetsThePacsText() throws Exception {
        AppenderBase<ILoggingEvent> capture = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                event.prepareForDeferredProcessing();
                events.add(event);
            }
        };
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        capture.setContext(root.getLoggerContext());
        capture.start();
        root.addAppender(capture);
        try {
            check("down", 503, String.valueOf(CLOSED_PORT));
            check("broken", 502, "10.20.30.40");
        } finally {
            root.detachAppender(capture);
        }
    }

    private void check(String organization, int status, String pacsDetail) throws Exception {
        String pacsPort = organization.equals("down") ? String.valueOf(CLOSED_PORT)
                : String.valueOf(BROKEN.getAddress().getPort());
        String token = TestTokens.token(DATA_DIR, organization, TestTokens.ALL);
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/organizations/" + organization + "/fhir/3/ImagingManifest"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(SecuredServerTest.manifest("to a failing PACS")))
                .build(), HttpResponse.BodyHandlers.ofString());
        String requestId = r.headers().firstValue("X-Request-Id").orElseThrow();

        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(new ObjectMapper().readTree(r.body()).path("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(r.body()).as("the PACS's address and text stay out of the answer")
                .doesNotContain("127.0.0.1").doesNotContain(":" + pacsPort).doesNotContain("10.20.30.40")
                .doesNotContain("http://").doesNotContain("Internal error")
                .contains("request id " + requestId);

        assertThat(events).as("a log line of request %s names the PACS failure", requestId)
                .anySatisfy(e -> {
                    assertThat(e.getMDCPropertyMap()).containsEntry("request_id", requestId);
                    assertThat(e.getFormattedMessage()).contains(pacsDetail);
                });
    }
}
