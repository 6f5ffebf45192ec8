package com.imagingmanifest.gateway.ingest;

import static com.imagingmanifest.gateway.ingest.IngestTestSupport.DEMO;
import static com.imagingmanifest.gateway.ingest.IngestTestSupport.DEMO_ID;
import static com.imagingmanifest.gateway.ingest.IngestTestSupport.awaitManifest;
import static com.imagingmanifest.gateway.ingest.IngestTestSupport.client;
import static com.imagingmanifest.gateway.ingest.IngestTestSupport.kosFile;
import static com.imagingmanifest.gateway.ingest.IngestTestSupport.storeIntoOrthanc;
import static org.assertj.core.api.Assertions.assertThat;

import com.imagingmanifest.gateway.GatewayApplication;
import com.imagingmanifest.gateway.tenant.Tenant;
import com.imagingmanifest.gateway.tenant.Tenants;
import com.imagingmanifest.testing.PrivateOrthanc;
import com.imagingmanifest.testing.TestData;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Polling through the PACS kinds without a change feed: QIDO-RS (kind dicomweb) and C-FIND at image
 * level with C-GET retrieval (kind dimse), both against Orthanc. A KOS already on the PACS is found
 * by the first poll; one stored later, with a later Content Date/Time, by a later poll.
 */
class PollingKindsIngestionTest {
    static final PrivateOrthanc ORTHANC = PrivateOrthanc.start(Map.of());
    static final Path DIR = IngestTestSupport.tempDir("polling-kinds");
    static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyyMMdd");
    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HHmmss");

    @AfterAll
    static void stopOrthanc() {
        ORTHANC.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dicomweb", "dimse"})
    void kosOnThePacsBecomeManifests(String kind) {
        LocalDateTime now = LocalDateTime.now().withNano(0);
        Map<String, String> before = TestData.freshKosUids();
        storeIntoOrthanc(ORTHANC, kosFile(DIR, before, contentDateTime(now)));

        try (ConfigurableApplicationContext gateway = gateway(kind)) {
            int port = ((WebServerApplicationContext) gateway).getWebServer().getPort();
            ImagingManifest first = awaitManifest(client(port, DEMO), before.get("SOP_UID"));
            assertThat(first.getStudy().get(0).getSeries().get(0).getInstance()).hasSize(2);

            Map<String, String> after = TestData.freshKosUids();
            storeIntoOrthanc(ORTHANC, kosFile(DIR, after, contentDateTime(now.plusMinutes(1))));
            ImagingManifest second = awaitManifest(client(port, DEMO), after.get("SOP_UID"));
            String expectedSource = kind.equals("dimse")
                    ? "dicom://" + ORTHANC.aeTitle() + "@" + ORTHANC.host() + ":" + ORTHANC.dicomPort()
                    : ORTHANC.dicomwebUrl().toString();
            assertThat(IngestTestSupport.source(second)).isEqualTo(expectedSource);
            assertThat(second.getStudy().get(0).getUid()).isEqualTo("urn:oid:" + after.get("STUDY_UID"));
        }
    }

    /**
     * More KOS share one Content Date/Time second than a page holds, and their UIDs fill the
     * watermark cursor far beyond the 512 characters it once was cut to: each becomes one manifest,
     * and polls after the last find nothing to report again.
     */
    @ParameterizedTest
    @ValueSource(strings = {"dicomweb", "dimse"})
    void manyKosOfOneContentSecondAreEachIngestedOnce(String kind) {
        List<String> sops = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            Map<String, String> uids = TestData.freshKosUids();
            sops.add(uids.get("SOP_UID"));
            // the template's Content Date/Time, 20240115 101500, for every one of them
            storeIntoOrthanc(ORTHANC, kosFile(DIR, uids));
        }
        try (ConfigurableApplicationContext gateway = gateway(kind)) {
            int port = ((WebServerApplicationContext) gateway).getWebServer().getPort();
            for (String sop : sops) {
                awaitManifest(client(port, DEMO), sop);
            }
            Tenant demo = gateway.getBean(Tenants.class).find(DEMO_ID).orElseThrow();
            KosPoller poller = gateway.getBean(KosPoller.class);
            poller.pollNow(demo, 5);
            poller.pollNow(demo, 5);
            MeterRegistry meters = gateway.getBean(MeterRegistry.class);
            assertThat(IngestTestSupport.kosCount(meters, "poll", "duplicate")).as("KOS reported again").isZero();
            for (String sop : sops) {
                assertThat(IngestTestSupport.byKos(client(port, DEMO), sop)).as("manifests of " + sop).hasSize(1);
            }
        }
    }

    /**
     * A KOS whose Content Date/Time is years behind the watermark (made late for an old study, or by
     * a device whose clock is behind) is still found, once: the ledger of KOS already dealt with
     * tells the poller which of those behind the watermark are new.
     */
    @ParameterizedTest
    @ValueSource(strings = {"dicomweb", "dimse"})
    void aKosDatedBehindTheWatermarkIsIngestedOnce(String kind) {
        LocalDateTime now = LocalDateTime.now().withNano(0);
        Map<String, String> recent = TestData.freshKosUids();
        storeIntoOrthanc(ORTHANC, kosFile(DIR, recent, contentDateTime(now.plusMinutes(5))));
        try (ConfigurableApplicationContext gateway = gateway(kind)) {
            int port = ((WebServerApplicationContext) gateway).getWebServer().getPort();
            awaitManifest(client(port, DEMO), recent.get("SOP_UID"));
            Map<String, String> old = TestData.freshKosUids();
            storeIntoOrthanc(ORTHANC, kosFile(DIR, old, contentDateTime(now.minusYears(12))));
            awaitManifest(client(port, DEMO), old.get("SOP_UID"));
            Tenant demo = gateway.getBean(Tenants.class).find(DEMO_ID).orElseThrow();
            KosPoller poller = gateway.getBean(KosPoller.class);
            poller.pollNow(demo, 5);
            poller.pollNow(demo, 5);
            assertThat(IngestTestSupport.kosCount(gateway.getBean(MeterRegistry.class), "poll", "duplicate"))
                    .as("KOS reported again").isZero();
            assertThat(IngestTestSupport.byKos(client(port, DEMO), old.get("SOP_UID"))).hasSize(1);
        }
    }

    /** A gateway polling {@link #ORTHANC} as a PACS of {@code kind} (page size 5) for organization demo. */
    private static ConfigurableApplicationContext gateway(String kind) {
        Map<String, String> p = IngestTestSupport.properties(ORTHANC, "300ms", false);
        p.put("gateway.organizations[0].pacs.kind", kind);
        // the kind's default (reject): delete is impossible for these kinds and stops the start
        p.remove("gateway.organizations[0].pacs.superseded");
        p.put("gateway.organizations[0].pacs.calling-ae-title", "GWPOLL");
        p.put("server.port", "0");
        List<String> args = new ArrayList<>();
        p.forEach((key, value) -> args.add("--" + key + "=" + value));
        return new SpringApplicationBuilder(GatewayApplication.class).run(args.toArray(String[]::new));
    }

    /** The watermark cursor of these kinds orders KOS by Content Date/Time: give each its own. */
    private static java.util.function.UnaryOperator<String> contentDateTime(LocalDateTime at) {
        return dump -> dump.replace("(0008,0023) DA [20240115]", "(0008,0023) DA [" + DATE.format(at) + "]")
                .replace("(0008,0033) TM [101500]", "(0008,0033) TM [" + TIME.format(at) + "]");
    }
}
