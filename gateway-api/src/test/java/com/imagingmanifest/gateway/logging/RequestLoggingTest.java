package com.imagingmanifest.gateway.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.imagingmanifest.gateway.security.SecuredServerTest;
import com.imagingmanifest.gateway.security.TestTokens;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The JSON log lines of requests, encoded by the configured console encoder (logback-spring.xml) and
 * parsed back: log-cdata fields on every line of the request, the access line, the audit records, and
 * hostile values refused or escaped.
 */
class RequestLoggingTest extends SecuredServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private Capture capture;

    /** Encodes each event with the console appender's encoder, as it would appear on standard output. */
    private final class Capture extends AppenderBase<ILoggingEvent> {
        private final Encoder<ILoggingEvent> encoder;

        Capture(Encoder<ILoggingEvent> encoder) {
            this.encoder = encoder;
        }

        @Override
        protected void append(ILoggingEvent event) {
            event.prepareForDeferredProcessing();
            lines.add(new String(encoder.encode(event), StandardCharsets.UTF_8));
        }
    }

    @BeforeEach
    @SuppressWarnings("unchecked")
    void capture() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        OutputStreamAppender<ILoggingEvent> console = (OutputStreamAppender<ILoggingEvent>) root.getAppender("json");
        assertTrue(console != null, "logback-spring.xml attaches the 'json' console appender by default");
        capture = new Capture(console.getEncoder());
        capture.setContext(root.getLoggerContext());
        capture.start();
        root.addAppender(capture);
    }

    @AfterEach
    void release() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(capture);
    }

    /** Lines of the request {@code requestId}, once its access line (the last one) has been written. */
    private List<JsonNode> linesOf(String requestId) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (true) {
            List<JsonNode> mine = new ArrayList<>();
            for (String line : lines) {
                assertEquals(1, line.split("\n", -1).length - 1, "one line per event: " + line);
                JsonNode node = JSON.readTree(line);
                if (requestId.equals(node.path("request_id").asText())) {
                    mine.add(node);
                }
            }
            boolean done = mine.stream().anyMatch(n -> n.path("logger_name").asText().equals("access"));
            if (done || Instant.now().isAfter(deadline)) {
                assertTrue(done, "no access line for request " + requestId + " in " + lines);
                return mine;
            }
            Thread.sleep(20);
        }
    }

    private static JsonNode one(List<JsonNode> lines, Predicate<JsonNode> which, String what) {
        List<JsonNode> found = lines.stream().filter(which).toList();
        assertEquals(1, found.size(), what + " in " + lines);
        return found.get(0);
    }

    @Test
    void kvCdataIsOnEveryLineOfTheRequestAndInTheAuditRecord() throws Exception {
        HttpResponse<String> r = send("POST", "/organizations/demo/fhir/3/ImagingManifest", token("demo", TestTokens.ALL),
                Map.of("X-Request-Id", "req-kv-1", "log-cdata", "ticket=RIS-77; user=jdoe&note=a%20b"),
                manifest("logged"));
        assertEquals(201, r.statusCode(), r.body());
        List<JsonNode> mine = linesOf("req-kv-1");
        assertTrue(mine.size() >= 2, "access and audit lines at least: " + mine);
        for (JsonNode line : mine) {
            assertEquals("RIS-77", line.path("cdata.ticket").asText(), line.toString());
            assertEquals("jdoe", line.path("cdata.user").asText(), line.toString());
            assertEquals("a b", line.path("cdata.note").asText(), line.toString());
            assertEquals("demo", line.path("tenant").asText(), line.toString());
            assertEquals("create", line.path("operation").asText(), line.toString());
        }
        JsonNode access = one(mine, n -> n.path("logger_name").asText().equals("access"), "access line");
        assertEquals(201, access.path("status").asInt());
        assertEquals("POST", access.path("method").asText());
        assertTrue(access.path("duration_ms").isNumber(), access.toString());
        JsonNode audit = one(mine, n -> n.path("logger_name").asText().equals("audit"), "audit record");
        assertEquals("write", audit.path("event").asText());
        assertEquals("create", audit.path("action").asText());
        String location = r.headers().firstValue("Location").orElseThrow();
        assertTrue(location.contains("/" + audit.path("resource").asText() + "/_history/1"), location + " vs " + audit);
        assertEquals("1", audit.path("version").asText());
        assertEquals("tester", audit.path("subject").asText());
    }

    @Test
    void jsonCdataKeepsValuesAndEveryWriteIsAudited() throws Exception {
        String id = create("demo", "to delete");
        HttpResponse<String> r = send("DELETE", "/organizations/demo/fhir/3/ImagingManifest/" + id,
                token("demo", TestTokens.ALL), Map.of("X-Request-Id", "req-json-1", "log-cdata-format", "json",
                        "log-cdata", "{\"ticket\":\"RIS-78\",\"attempt\":2,\"urgent\":true}"), null);
        assertTrue(r.statusCode() == 200 || r.statusCode() == 204, r.statusCode() + " " + r.body());
        List<JsonNode> mine = linesOf("req-json-1");
        JsonNode audit = one(mine, n -> n.path("logger_name").asText().equals("audit"), "audit record");
        assertEquals("RIS-78", audit.path("cdata.ticket").asText());
        assertEquals("2", audit.path("cdata.attempt").asText());
        assertEquals("true", audit.path("cdata.urgent").asText());
        assertEquals("delete", audit.path("action").asText());
        assertEquals("ImagingManifest/" + id, audit.path("resource").asText());
    }

    @Test
    void deniedRequestsAreAuditedWithTheirContext() throws Exception {
        send("GET", "/organizations/demo/fhir/3/ImagingManifest", null,
                Map.of("X-Request-Id", "req-denied-1", "log-cdata", "ticket=RIS-79"), null);
        send("POST", "/organizations/demo/fhir/3/ImagingManifest", token("demo", TestTokens.READ),
                Map.of("X-Request-Id", "req-denied-2"), manifest("refused"));
        send("GET", "/organizations/demo/fhir/3/ImagingManifest", token("other", TestTokens.READ),
                Map.of("X-Request-Id", "req-denied-3"), null);
        String[][] expected = {{"req-denied-1", "401", "missing-token"}, {"req-denied-2", "403", "insufficient-scope"},
            {"req-denied-3", "404", "organization-mismatch"}};
        for (String[] e : expected) {
            JsonNode audit = one(linesOf(e[0]), n -> n.path("logger_name").asText().equals("audit"), e[0]);
            assertEquals("denied", audit.path("event").asText());
            assertEquals(Integer.parseInt(e[1]), audit.path("status").asInt(), audit.toString());
            assertEquals(e[2], audit.path("reason").asText(), audit.toString());
            assertEquals("WARN", audit.path("level").asText());
        }
        assertEquals("RIS-79", one(linesOf("req-denied-1"), n -> n.path("logger_name").asText().equals("audit"), "audit")
                .path("cdata.ticket").asText());
    }

    @Test
    void quotesCannotForgeFields() throws Exception {
        String forged = "note=\"},\"level\":\"ERROR\",\"x\":\"";
        HttpResponse<String> r = send("GET", "/organizations/demo/fhir/3/ImagingManifest", token("demo", TestTokens.READ),
                Map.of("X-Request-Id", "req-quote-1", "log-cdata", forged), null);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode access = one(linesOf("req-quote-1"), n -> n.path("logger_name").asText().equals("access"), "access");
        assertEquals("INFO", access.path("level").asText());
        assertFalse(access.has("x"), access.toString());
        assertEquals("\"},\"level\":\"ERROR\",\"x\":\"", access.path("cdata.note").asText());
    }

    @Test
    void hostileHeadersAre400NamingTheHeaderAndLeaveNoTrace() throws Exception {
        Map<String, Map<String, String>> hostile = Map.of(
                "crlf", Map.of("log-cdata", "a=1%0D%0A{\"level\":\"ERROR\"}"),
                "json-newline", Map.of("log-cdata-format", "json", "log-cdata", "{\"a\":\"x\\r\\ny\"}"),
                "huge", Map.of("log-cdata", "a=" + "x".repeat(4000)),
                "too-many", Map.of("log-cdata", "a1=1;a2=2;a3=3;a4=4;a5=5;a6=6;a7=7;a8=8;a9=9;a10=1;a11=1;a12=1;a13=1;"
                        + "a14=1;a15=1;a16=1;a17=1;a18=1;a19=1;a20=1;a21=1;a22=1;a23=1;a24=1;a25=1;a26=1;a27=1;a28=1;"
                        + "a29=1;a30=1;a31=1;a32=1;a33=1"),
                "bad-format", Map.of("log-cdata-format", "yaml", "log-cdata", "a=1"));
        for (var h : hostile.entrySet()) {
            Map<String, String> headers = new java.util.HashMap<>(h.getValue());
            headers.put("X-Request-Id", "req-" + h.getKey());
            HttpResponse<String> r = send("POST", "/organizations/demo/fhir/3/ImagingManifest",
                    token("demo", TestTokens.ALL), headers, manifest("must not be stored"));
            String diagnostics = assertOperationOutcome(r, 400, "invalid");
            String header = h.getKey().equals("bad-format") ? "log-cdata-format" : "log-cdata";
            assertTrue(diagnostics.startsWith("Header " + header + ":"), diagnostics);
            List<JsonNode> mine = linesOf("req-" + h.getKey());
            assertTrue(mine.stream().noneMatch(n -> n.path("logger_name").asText().equals("audit")), "no write happened");
            mine.forEach(n -> n.fieldNames().forEachRemaining(f -> assertFalse(f.startsWith("cdata."), n.toString())));
        }
    }

    @Test
    void rawLineBreakInAHeaderNeverReachesTheLog() throws Exception {
        // java.net.http refuses to send CR/LF in a header value; a raw socket can
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /organizations/demo/fhir/3/metadata HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "X-Request-Id: req-raw-1\r\nlog-cdata: a=1\rlevel=ERROR\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            String status = new String(in.readNBytes(12), StandardCharsets.ISO_8859_1);
            assertEquals("HTTP/1.1 400", status);
        }
        assertTrue(lines.stream().noneMatch(l -> l.contains("req-raw-1")), "Tomcat refused it before any filter");
    }
}
