package com.imagingmanifest.gateway.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.imagingmanifest.gateway.security.SecuredServerTest;
import com.imagingmanifest.gateway.security.TestTokens;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code /actuator/prometheus} after a few requests: every line is valid Prometheus text exposition
 * format (0.0.4), and the FHIR request and PACS operation series are there with their tags; health
 * shows each tenant's PACS.
 */
class PrometheusEndpointTest extends SecuredServerTest {

    /** One sample: metric name, labels, value. */
    record Sample(String name, Map<String, String> labels, double value) {
    }

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"");

    /** A strict reader of the text format; fails on any line it does not understand. */
    static List<Sample> parse(String text) {
        List<Sample> samples = new ArrayList<>();
        Map<String, String> types = new LinkedHashMap<>();
        String[] lines = text.split("\n", -1);
        assertEquals("", lines[lines.length - 1], "text ends with a line feed");
        for (int i = 0; i < lines.length - 1; i++) {
            String line = lines[i];
            if (line.startsWith("# HELP ")) {
                String[] p = line.split(" ", 4);
                assertTrue(NAME.matcher(p[2]).matches(), line);
            } else if (line.startsWith("# TYPE ")) {
                String[] p = line.split(" ");
                assertEquals(4, p.length, line);
                assertTrue(List.of("counter", "gauge", "histogram", "summary", "untyped").contains(p[3]), line);
                assertTrue(types.put(p[2], p[3]) == null, "one TYPE per metric: " + line);
            } else if (!line.startsWith("#") && !line.isEmpty()) {
                samples.add(sample(line));
            }
        }
        return samples;
    }

    private static Sample sample(String line) {
        Matcher name = NAME.matcher(line);
        assertTrue(name.lookingAt(), line);
        int at = name.end();
        Map<String, String> labels = new LinkedHashMap<>();
        if (line.charAt(at) == '{') {
            int close = line.indexOf("} ", at);
            assertTrue(close > 0, line);
            String body = line.substring(at + 1, close);
            Matcher label = LABEL.matcher(body);
            int pos = 0;
            while (pos < body.length()) {
                assertTrue(label.find(pos) && label.start() == pos, "label at " + pos + ": " + line);
                labels.put(label.group(1), label.group(2));
                pos = label.end();
                if (pos < body.length()) {
                    assertEquals(',', body.charAt(pos), line);
                    pos++;
                }
            }
            at = close + 1;
        }
        String[] rest = line.substring(at + 1).split(" ");
        assertTrue(rest.length == 1 || rest.length == 2, line);
        double value = switch (rest[0]) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(rest[0]);
        };
        return new Sample(name.group(), labels, value);
    }

    private static double value(List<Sample> samples, String name, Map<String, String> labels) {
        return samples.stream()
                .filter(s -> s.name.equals(name) && s.labels.entrySet().containsAll(labels.entrySet()))
                .mapToDouble(Sample::value).sum();
    }

    @Test
    void fhirAndPacsMetricsAfterAFewRequests() {
        String id = create("demo", "metered");
        String read = token("demo", TestTokens.READ);
        assertEquals(200, get("/organizations/demo/fhir/3/ImagingManifest/" + id, read).statusCode());
        assertEquals(200, get("/organizations/demo/fhir/3/ImagingManifest?_id=" + id, read).statusCode());
        assertEquals(404, get("/organizations/demo/fhir/3/ImagingManifest/no-such-id", read).statusCode());
        assertEquals(401, get("/organizations/demo/fhir/3/ImagingManifest", null).statusCode());
        // a write to the organization whose PACS is down fails; the PACS call is counted as unreachable
        HttpResponse<String> down = send("POST", "/organizations/third/fhir/3/ImagingManifest",
                token("third", TestTokens.ALL), Map.of(), manifest("nowhere to go"));
        assertTrue(down.statusCode() >= 500, down.statusCode() + " " + down.body());

        HttpResponse<String> scrape = get("/actuator/prometheus", token("demo", "gateway.admin"));
        assertEquals(200, scrape.statusCode(), scrape.body());
        assertTrue(scrape.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        List<Sample> samples = parse(scrape.body());

        String fhir = "gateway_fhir_requests_seconds";
        assertTrue(value(samples, fhir + "_count", Map.of("operation", "create", "tenant", "demo", "status", "201",
                "outcome", "success")) >= 1, "create counted");
        assertTrue(value(samples, fhir + "_count", Map.of("operation", "read", "status", "200")) >= 1, "read counted");
        assertTrue(value(samples, fhir + "_count", Map.of("operation", "read", "status", "404",
                "outcome", "client-error")) >= 1, "not found counted");
        assertTrue(value(samples, fhir + "_count", Map.of("operation", "search-type", "status", "401")) >= 1);
        assertTrue(value(samples, fhir + "_bucket", Map.of("operation", "read", "le", "+Inf")) >= 1, "histogram");
        assertTrue(samples.stream().anyMatch(s -> s.name.equals(fhir + "_bucket") && !s.labels.get("le").equals("+Inf")),
                "finite buckets");

        String pacs = "gateway_pacs_operations_seconds";
        assertTrue(value(samples, pacs + "_count", Map.of("tenant", "demo", "operation", "store", "outcome", "success")) >= 1,
                "PACS store counted");
        assertTrue(value(samples, pacs + "_count", Map.of("tenant", "demo", "operation", "study-context",
                "outcome", "success")) >= 1);
        assertTrue(value(samples, pacs + "_count", Map.of("tenant", "third", "outcome", "unreachable")) >= 1,
                "PACS failure counted by kind");
        assertFalse(samples.stream().anyMatch(s -> s.labels.containsValue("no-such-org")), "bounded tenant tag");
    }

    @Test
    void healthShowsEachTenantsPacs() throws Exception {
        HttpResponse<String> health = get("/actuator/health", token("demo", "gateway.admin"));
        JsonNode body = new ObjectMapper().readTree(health.body());
        JsonNode pacs = body.path("components").path("pacs").path("components");
        assertEquals("UP", pacs.path("demo").path("status").asText(), health.body());
        assertEquals("UP", pacs.path("other").path("status").asText(), health.body());
        assertEquals("DOWN", pacs.path("third").path("status").asText(), health.body());
        assertEquals("DOWN", body.path("status").asText(), "a PACS down shows in the overall status");
        assertEquals(503, health.statusCode());
        JsonNode readiness = new ObjectMapper().readTree(get("/actuator/health/readiness", null).body());
        assertEquals("UP", readiness.path("status").asText(), "readiness does not depend on a PACS");
        assertEquals("UP", readiness.path("components").path("migrations").path("status").asText(), readiness.toString());
        assertEquals("UP", readiness.path("components").path("db").path("status").asText(), readiness.toString());
    }
}
