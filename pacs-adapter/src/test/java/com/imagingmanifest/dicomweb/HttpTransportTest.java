package com.imagingmanifest.dicomweb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The transport and the client against the JDK's HTTP server playing odd DICOMweb servers. */
class HttpTransportTest {
    private HttpServer server;
    private final Map<String, String> lastAuthorization = new ConcurrentHashMap<>();
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/warning", ex -> {
            ex.getResponseHeaders().add("Warning", "299 pacs: Unknown attribute 0011xxxx");
            respond(ex, 400, "text/plain", "ignored");
        });
        server.createContext("/orthanc-error", ex -> respond(ex, 404, "application/json",
                "{\"HttpStatus\":404,\"Message\":\"Unknown resource\",\"Details\":\"no such instance\"}"));
        server.createContext("/auth", ex -> {
            lastAuthorization.put("value", String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            respond(ex, 401, "text/plain", "");
        });
        server.createContext("/big", ex -> respond(ex, 200, "application/octet-stream", "x".repeat(5000)));
        server.createContext("/stall", ex -> {
            ex.sendResponseHeaders(200, 100);
            ex.getResponseBody().write(new byte[10]);
            ex.getResponseBody().flush();
            try {
                release.await(30, TimeUnit.SECONDS); // the body never completes within the test's timeout
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.close();
        });
        server.createContext("/dicom-web/studies", ex -> {
            if (ex.getRequestURI().getPath().contains("/instances/")) {
                String body = "preamble\r\n--q\r\nContent-Type: application/dicom\r\n\r\nA\r\n--q\r\n"
                        + "Content-Type: application/dicom\r\n\r\nB\r\n--q--\r\n";
                respond(ex, 200, "multipart/related; type=\"application/dicom\"; boundary=q", body);
            } else {
                ex.sendResponseHeaders(204, -1);
                ex.close();
            }
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
    }

    private static void respond(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    private HttpTransport transport(HttpAuth auth) {
        return HttpTransport.builder().auth(auth).connectTimeout(Duration.ofSeconds(2))
                .requestTimeout(Duration.ofSeconds(2)).maxResponseBytes(1000).build();
    }

    @Test
    void reasonComesFromTheWarningHeader() throws Exception {
        HttpTransport.Response r = transport(HttpAuth.none()).get(uri("/warning"), null);
        DicomwebException e = HttpTransport.statusFailure("QIDO", r);
        assertEquals(DicomwebException.Kind.STATUS, e.kind());
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains("Unknown attribute 0011xxxx"), e.getMessage());
    }

    @Test
    void reasonComesFromAnOrthancErrorBody() throws Exception {
        HttpTransport.Response r = transport(HttpAuth.none()).get(uri("/orthanc-error"), null);
        assertTrue(HttpTransport.statusFailure("GET", r).getMessage().contains("Unknown resource: no such instance"));
    }

    @Test
    void basicAndBearerAuthorizationAreSentAnd401IsRefused() throws Exception {
        HttpTransport.Response r = transport(HttpAuth.basic("alice", "s3cret")).get(uri("/auth"), null);
        assertEquals("Basic YWxpY2U6czNjcmV0", lastAuthorization.get("value"));
        assertEquals(DicomwebException.Kind.REFUSED, HttpTransport.statusFailure("GET", r).kind());
        AtomicInteger calls = new AtomicInteger();
        HttpTransport bearer = transport(HttpAuth.bearer(() -> "token-" + calls.incrementAndGet()));
        bearer.get(uri("/auth"), null);
        bearer.get(uri("/auth"), null);
        assertEquals("Bearer token-2", lastAuthorization.get("value"), "the token is read per request");
    }

    @Test
    void oversizedResponsesAreCutOff() {
        DicomwebException e = assertThrows(DicomwebException.class,
                () -> transport(HttpAuth.none()).get(uri("/big"), null));
        assertEquals(DicomwebException.Kind.MALFORMED, e.kind());
        assertTrue(e.getMessage().contains("larger than 1000"), e.getMessage());
    }

    @Test
    void aBodyThatNeverEndsTimesOut() {
        DicomwebException e = assertThrows(DicomwebException.class,
                () -> transport(HttpAuth.none()).get(uri("/stall"), null));
        assertEquals(DicomwebException.Kind.TIMEOUT, e.kind(), e.getMessage());
    }

    @Test
    void qidoNoContentIsNoMatch() throws Exception {
        DicomwebClient client = new DicomwebClient(uri("/dicom-web"), transport(HttpAuth.none()));
        assertEquals(List.of(), client.searchStudies(QidoQuery.create()));
    }

    @Test
    void wadoWithTwoPartsForOneInstanceIsMalformed() {
        DicomwebClient client = new DicomwebClient(uri("/dicom-web/"), transport(HttpAuth.none()));
        DicomwebException e = assertThrows(DicomwebException.class,
                () -> client.retrieveInstance("1.2.3", "1.2.3.4", "1.2.3.4.5"));
        assertEquals(DicomwebException.Kind.MALFORMED, e.kind());
        assertTrue(e.getMessage().contains("got 2"), e.getMessage());
    }

    @Test
    void uidsThatAreNotUidsNeverReachThePath() {
        DicomwebClient client = new DicomwebClient(uri("/dicom-web"), transport(HttpAuth.none()));
        assertThrows(IllegalArgumentException.class, () -> client.retrieveInstance("1.2/../x", "1", "2"));
    }
}
