package com.imagingmanifest.gateway.ingest;

import static com.imagingmanifest.gateway.ingest.IngestTestSupport.DEMO_AE;
import static com.imagingmanifest.gateway.ingest.IngestTestSupport.OTHER;
import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.api.MethodOutcome;
import com.imagingmanifest.gateway.GatewayApplication;
import com.imagingmanifest.testing.GatewayScript;
import com.imagingmanifest.testing.PrivateOrthanc;
import com.imagingmanifest.testing.TestData;
import com.imagingmanifest.testing.ToolResult;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The meter table of docs/configuration.md against a running gateway, both ways: after one create
 * (organization other, a DIMSE binding to the shared Orthanc) and one ingestion (a KOS stored into
 * organization demo's SCP by DCMTK storescu), every documented meter is on {@code /actuator/prometheus},
 * every {@code gateway_} meter there is documented, and each names its organization by the one tag
 * {@code tenant} holding a configured slug.
 */
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class MetricsDocumentedTest {
    static final PrivateOrthanc ORTHANC = PrivateOrthanc.shared();
    private static final Pattern DOCUMENTED = Pattern.compile("^\\| `(gateway_[a-z_]+)` \\|", Pattern.MULTILINE);
    private static final Pattern SAMPLE = Pattern.compile("^(gateway_[a-z_]+)\\{([^}]*)\\}", Pattern.MULTILINE);

    @LocalServerPort
    int httpPort;
    @Autowired
    KosStoreScp scp;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        Map<String, String> p = IngestTestSupport.properties(ORTHANC, "1h", true);
        // organization other reaches the same Orthanc by DIMSE only (association gauges); no deletes there
        p.put("gateway.organizations[1].pacs.kind", "dimse");
        p.put("gateway.organizations[1].pacs.superseded", "keep");
        // as a site opens it to its monitoring network (off by default: the labels name organizations)
        p.put("gateway.security.open-prometheus", "true");
        IngestTestSupport.register(registry, p);
    }

    @Test
    void everyDocumentedMeterIsServedAndEveryServedMeterIsDocumented() throws Exception {
        Path dir = IngestTestSupport.tempDir("metrics-documented");
        // one create: a CT image on the PACS, and a manifest selecting it
        String study = TestData.newUid();
        String series = TestData.newUid();
        String sop = TestData.newUid();
        IngestTestSupport.storeIntoOrthanc(ORTHANC, IngestTestSupport.ctFile(dir, study, series, sop, 1));
        ImagingManifest manifest = IngestTestSupport.FHIR.newJsonParser().parseResource(ImagingManifest.class, """
                {"resourceType":"ImagingManifest",
                 "patient":{"identifier":{"value":"PAT-KOS-1"}},
                 "authoringTime":"2024-01-15T10:15:00+01:00",
                 "study":[{"uid":"urn:oid:%s","series":[{"uid":"urn:oid:%s",
                   "instance":[{"sopClass":"urn:oid:1.2.840.10008.5.1.4.1.1.2","uid":"urn:oid:%s"}]}]}]}
                """.formatted(study, series, sop));
        MethodOutcome created = IngestTestSupport.client(httpPort, OTHER).create().resource(manifest).execute();
        assertThat(created.getCreated()).isTrue();

        // one ingestion
        Path kos = IngestTestSupport.kosFile(dir, TestData.freshKosUids());
        ToolResult sent = IngestTestSupport.storescu(scp.port(), "STORESCU", DEMO_AE, kos);
        assertThat(sent.exitCode()).as(sent.output()).isZero();

        String docs = Files.readString(GatewayScript.root().resolve("docs/configuration.md"));
        Set<String> documented = new LinkedHashSet<>();
        Matcher d = DOCUMENTED.matcher(docs);
        while (d.find()) {
            documented.add(d.group(1));
        }
        assertThat(documented).as("meters documented in docs/configuration.md").hasSizeGreaterThanOrEqualTo(8);

        HttpResponse<String> scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + httpPort + "/actuator/prometheus")).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(scrape.statusCode()).isEqualTo(200);
        Map<String, List<String>> served = new java.util.TreeMap<>();
        Matcher m = SAMPLE.matcher(scrape.body());
        while (m.find()) {
            served.computeIfAbsent(m.group(1), k -> new java.util.ArrayList<>()).add(m.group(2));
        }
        for (String meter : documented) {
            // a timer is served as its _bucket, _count, _sum and _max series
            assertThat(served.keySet()).as("documented meter %s on /actuator/prometheus", meter)
                    .anyMatch(name -> name.equals(meter) || name.matches(Pattern.quote(meter) + "_(bucket|count|sum|max)"));
        }
        for (Map.Entry<String, List<String>> meter : served.entrySet()) {
            String name = meter.getKey();
            assertThat(documented).as("served meter %s documented in docs/configuration.md", name)
                    .anyMatch(doc -> name.equals(doc) || name.matches(Pattern.quote(doc) + "_(bucket|count|sum|max)"));
            for (String labels : meter.getValue()) {
                assertThat(labels).as(name).containsPattern("(^|,)tenant=\"(demo|other|unknown)\"")
                        .doesNotContainPattern("(^|,)org=");
            }
        }
        assertThat(served.get("gateway_ingestion_ingested_total")).as("the ingestion")
                .anyMatch(l -> l.contains("tenant=\"demo\"") && l.contains("source=\"scp\"") && l.contains("outcome=\"manifest\""));
    }
}
