package com.imagingmanifest.dicomweb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
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

    /**
     * A server that keeps the first connection alive after one answer, then closes it when the next
     * request arrives without answering: what a client meets when it reuses a connection the server
     * has just dropped as idle. Later connections are answered normally.
     */
    @Test
    void aPostOnAConnectionTheServerDroppedIsSentAgainOnANewOne() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        AtomicInteger connections = new AtomicInteger();
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                while (!listener.isClosed()) {
                    try (Socket s = listener.accept()) {
                        int connection = connections.incrementAndGet();
                        BufferedInputStream in = new BufferedInputStream(s.getInputStream());
                        OutputStream out = s.getOutputStream();
                        for (int onThisConnection = 1; readRequest(in); onThisConnection++) {
                            requests.incrementAndGet();
                            if (connection == 1 && onThisConnection == 2) {
                                break; // dropped without a byte of answer
                            }
                            out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                                    .getBytes(StandardCharsets.US_ASCII));
                            out.flush();
                        }
                    } catch (IOException closed) {
                        // listener closed by the test, or the client went away
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            HttpTransport http = transport(HttpAuth.none());
            URI target = URI.create("http://127.0.0.1:" + listener.getLocalPort() + "/instances");
            byte[] body = "instance".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < 2; i++) {
                HttpTransport.Response r = http.exchange("POST", target, Map.of(), body);
                assertEquals(200, r.status());
                assertEquals("ok", r.text());
            }
            assertEquals(3, requests.get(), "the dropped request was sent once more");
            assertEquals(2, connections.get(), "on a new connection");
        }
    }

    /** Reads one request with a Content-Length body; false at end of stream. */
    private static boolean readRequest(BufferedInputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            head.append((char) c);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        if (c == -1) {
            return false;
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        return in.readNBytes(length).length == length;
    }
}
