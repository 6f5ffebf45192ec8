package com.imagingmanifest.gateway.ingest;

import static com.imagingmanifest.gateway.ingest.IngestTestSupport.DEMO;
import static com.imagingmanifest.gateway.ingest.IngestTestSupport.DEMO_AE;
import static com.imagingmanifest.gateway.ingest.IngestTestSupport.DEMO_ID;
import static com.imagingmanifest.gateway.ingest.IngestTestSupport.OTHER;
import static com.imagingmanifest.gateway.ingest.IngestTestSupport.awaitManifest;
import static com.imagingmanifest.gateway.ingest.IngestTestSupport.client;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.imagingmanifest.gateway.GatewayApplication;
import com.imagingmanifest.gateway.metrics.GatewayMetrics;
import com.imagingmanifest.gateway.metrics.MeteredPacs;
import com.imagingmanifest.gateway.tenant.Tenant;
import com.imagingmanifest.gateway.tenant.Tenants;
import com.imagingmanifest.testing.Dcmqrscp;
import com.imagingmanifest.testing.Dcmtk;
import com.imagingmanifest.testing.FreePorts;
import com.imagingmanifest.testing.TestData;
import com.imagingmanifest.testing.ToolResult;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Ingestion from a DIMSE-only archive (DCMTK's dcmqrscp, kind dimse) that another system fills: a
 * KOS in Implicit VR Little Endian, the way a real-world producer writes it (dump2dcm, stored with
 * storescu proposing only Implicit VR), is found by the hierarchical C-FIND poller and fetched once,
 * by C-GET and by C-MOVE to the gateway's own SCP. The moved KOS is handed to the poller, never
 * ingested by the SCP as well. Organization "other" retrieves by C-MOVE to an AE the archive does not
 * know: its polls fail (counted, logged with the archive's A801) and leave nothing behind.
 */
class DcmqrscpIngestionTest {
    static final Path DIR = IngestTestSupport.tempDir("dcmqrscp-ingest");
    static final String OTHER_AE = "GWOTHER";

    @ParameterizedTest
    @ValueSource(strings = {"c-get", "c-move"})
    void aForeignImplicitVrKosIsFoundAndFetchedOnce(String retrieve) throws Exception {
        int scpPort = FreePorts.find();
        try (Dcmqrscp archive = Dcmqrscp.start("QRINGEST", List.of(new Dcmqrscp.Destination(DEMO_AE, scpPort)));
                ConfigurableApplicationContext gateway = gateway(archive, scpPort, retrieve)) {
            Map<String, String> uids = TestData.freshKosUids();
            Path kos = implicitVrKos(uids);
            ToolResult stored = Dcmtk.run(Duration.ofSeconds(30), "storescu", "-xi", "-aet", "MODALITY", "-aec",
                    archive.aeTitle(), archive.host(), String.valueOf(archive.port()), kos.toString());
            assertThat(stored.exitCode()).as(stored.output()).isZero();

            int port = ((WebServerApplicationContext) gateway).getWebServer().getPort();
            ImagingManifest m = awaitManifest(client(port, DEMO), uids.get("SOP_UID"));
            assertThat(m.getStudy().get(0).getUid()).isEqualTo("urn:oid:" + uids.get("STUDY_UID"));
            assertThat(IngestTestSupport.source(m)).isEqualTo("dicom://" + archive.aeTitle() + "@" + archive.host()
                    + ":" + archive.port());

            Tenant demo = gateway.getBean(Tenants.class).find(DEMO_ID).orElseThrow();
            KosPoller poller = gateway.getBean(KosPoller.class);
            poller.pollNow(demo, 5);
            poller.pollNow(demo, 5);
            MeterRegistry meters = gateway.getBean(MeterRegistry.class);
            assertThat(IngestTestSupport.kosCount(meters, "poll", "manifest")).as("ingested by the poller").isEqualTo(1);
            assertThat(IngestTestSupport.kosCount(meters, "scp", "manifest")).as("ingested by the SCP").isZero();
            assertThat(IngestTestSupport.kosCount(meters, "poll", "duplicate")).as("reported again").isZero();
            assertThat(retrieves(meters, DEMO, "success")).as("fetched once by " + retrieve).isEqualTo(1);
            assertThat(IngestTestSupport.byKos(client(port, DEMO), uids.get("SOP_UID"))).hasSize(1);

            if (retrieve.equals("c-move")) {
                // other's archive entry is missing: every poll fails on the A801, nothing is ingested for it
                IngestTestSupport.await("a failed poll of organization other", () -> java.util.Optional.ofNullable(
                        meters.find(GatewayMetrics.POLL_FAILURES).tags("tenant", OTHER).counter())
                        .filter(c -> c.count() >= 1));
                assertThat(retrieves(meters, OTHER, "failed")).isPositive();
                assertThat(retrieves(meters, OTHER, "success")).isZero();
                assertThat(IngestTestSupport.byKos(client(port, OTHER), uids.get("SOP_UID"))).isEmpty();
            }
        }
    }

    /**
     * A KOS the archive lists but cannot send (its file gone from dcmqrscp's storage area: the C-GET
     * sub-operation fails) holds the feed for {@code ingest.retrieval-attempts} turns, then goes to the
     * quarantine as unretrievable and the KOS behind it is ingested. Organization other, whose every
     * C-MOVE is refused with A801 (a configuration error, not this object's), quarantines nothing.
     */
    @Test
    void aKosTheArchiveCannotSendIsQuarantinedAfterItsAttemptsAndTheFeedMovesOn() throws Exception {
        int scpPort = FreePorts.find();
        try (Dcmqrscp archive = Dcmqrscp.start("QRBROKEN", List.of(new Dcmqrscp.Destination(DEMO_AE, scpPort)))) {
            // the good KOS first: a store after the delete, in the same second, would take the deleted
            // file's name (Dcmqrscp.STORING_ASSOCIATIONS), and the broken KOS's record would serve it
            Map<String, String> good = TestData.freshKosUids();
            storeFromElsewhere(archive, implicitVrKos(good));
            Map<String, String> broken = TestData.freshKosUids();
            List<Path> before = archive.storedFiles();
            storeFromElsewhere(archive, implicitVrKos(broken));
            List<Path> added = new ArrayList<>(archive.storedFiles());
            added.removeAll(before);
            assertThat(added).as("one file for the stored KOS").hasSize(1);
            Files.delete(added.get(0)); // the index still lists it: a retrieval now fails its sub-operation

            Map<String, String> p = properties(archive, scpPort, "c-get");
            p.put("gateway.organizations[0].ingest.retrieval-attempts", "2");
            p.put("gateway.organizations[1].ingest.retrieval-attempts", "2");
            try (ConfigurableApplicationContext gateway = start(p)) {
                int port = ((WebServerApplicationContext) gateway).getWebServer().getPort();
                awaitManifest(client(port, DEMO), good.get("SOP_UID"));
                Quarantine quarantine = gateway.getBean(Quarantine.class);
                Quarantine.Item item = quarantine.list(100).stream()
                        .filter(i -> i.sopInstanceUid().equals(broken.get("SOP_UID"))).findFirst().orElseThrow();
                assertThat(item.organization()).isEqualTo(DEMO_ID);
                assertThat(item.reason()).startsWith("unretrievable: 2 retrievals in a row failed");
                assertThat(IngestTestSupport.byKos(client(port, DEMO), broken.get("SOP_UID"))).isEmpty();
                MeterRegistry meters = gateway.getBean(MeterRegistry.class);
                assertThat(meters.find(GatewayMetrics.QUARANTINED).tags("tenant", DEMO, "reason", "unretrievable")
                        .counter().count()).isEqualTo(1);
                assertThat(meters.find(GatewayMetrics.POLL_FAILURES).tags("tenant", DEMO).counter().count())
                        .as("the turn before the last attempt failed").isGreaterThanOrEqualTo(1);

                // other's polls keep failing on the A801 without quarantining anything
                IngestTestSupport.await("failed polls of organization other", () -> java.util.Optional.ofNullable(
                        meters.find(GatewayMetrics.POLL_FAILURES).tags("tenant", OTHER).counter())
                        .filter(c -> c.count() >= 3));
                assertThat(quarantine.count(IngestTestSupport.OTHER_ID)).isZero();
            }
        }
    }

    private static void storeFromElsewhere(Dcmqrscp archive, Path kos) {
        ToolResult stored = Dcmtk.run(Duration.ofSeconds(30), "storescu", "-xi", "-aet", "MODALITY", "-aec",
                archive.aeTitle(), archive.host(), String.valueOf(archive.port()), kos.toString());
        assertThat(stored.exitCode()).as(stored.output()).isZero();
    }

    /** c-move without the gateway's SCP could never receive anything: the start stops, naming the organization. */
    @Test
    void cMoveWithoutTheScpRefusesTheStart() {
        try (Dcmqrscp archive = Dcmqrscp.start("QRNOSCP", List.of())) {
            Map<String, String> p = properties(archive, 0, "c-move");
            p.remove("gateway.scp.port");
            Throwable failure = catchThrowable(() -> start(p).close());
            assertThat(failure).isNotNull();
            Throwable root = failure;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            assertThat(root).hasMessage("organization 1: pacs.retrieve=c-move needs the gateway's C-STORE SCP,"
                    + " where the archive sends to AE " + DEMO_AE + "; set gateway.scp.port (or use pacs.retrieve=c-get)");
        }
    }

    /** The template KOS in Implicit VR Little Endian, meta header included, as dump2dcm writes it. */
    private static Path implicitVrKos(Map<String, String> uids) throws Exception {
        String dump = TestData.kosTemplate(uids).replace("(0002,0010) UI =LittleEndianExplicit",
                "(0002,0010) UI =LittleEndianImplicit");
        Path dumpFile = Files.writeString(DIR.resolve("implicit-" + uids.get("SOP_UID") + ".dump"), dump);
        Path file = Dcmtk.dump2dcm(dumpFile, DIR.resolve("implicit-" + uids.get("SOP_UID") + ".dcm"), "+ti");
        assertThat(Dcmtk.dcmdump(file)).contains("=LittleEndianImplicit");
        return file;
    }

    private static long retrieves(MeterRegistry meters, String tenant, String outcome) {
        Timer t = meters.find(MeteredPacs.METRIC).tags("tenant", tenant, "operation", "retrieve", "outcome", outcome)
                .timer();
        return t == null ? 0 : t.count();
    }

    private static ConfigurableApplicationContext gateway(Dcmqrscp archive, int scpPort, String retrieve) {
        return start(properties(archive, scpPort, retrieve));
    }

    private static Map<String, String> properties(Dcmqrscp archive, int scpPort, String retrieve) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("gateway.data-dir", IngestTestSupport.tempDir("dcmqrscp-ingest-h2").toString());
        String[][] orgs = {{DEMO_ID, DEMO, DEMO_AE}, {IngestTestSupport.OTHER_ID, OTHER, OTHER_AE}};
        for (int i = 0; i < orgs.length; i++) {
            String o = "gateway.organizations[" + i + "].";
            p.put(o + "id", orgs[i][0]);
            p.put(o + "slug", orgs[i][1]);
            p.put(o + "pacs.kind", "dimse");
            p.put(o + "pacs.ae-title", archive.aeTitle());
            p.put(o + "pacs.host", archive.host());
            p.put(o + "pacs.port", Integer.toString(archive.port()));
            p.put(o + "pacs.calling-ae-title", "GWPOLL");
            p.put(o + "pacs.response-timeout", "20s");
            p.put(o + "pacs.retrieve", i == 0 ? retrieve : "c-move");
            // more would let dcmqrscp write two objects into one file (Dcmqrscp.STORING_ASSOCIATIONS)
            p.put(o + "pacs.max-associations", Integer.toString(Dcmqrscp.STORING_ASSOCIATIONS));
            p.put(o + "scp-ae-title", orgs[i][2]);
            p.put(o + "ingest.poll-interval", "300ms");
            p.put(o + "ingest.page-size", "5");
        }
        p.put("gateway.scp.port", Integer.toString(scpPort));
        p.put("server.port", "0");
        return p;
    }

    private static ConfigurableApplicationContext start(Map<String, String> p) {
        List<String> args = new ArrayList<>();
        p.forEach((key, value) -> args.add("--" + key + "=" + value));
        return new SpringApplicationBuilder(GatewayApplication.class).run(args.toArray(String[]::new));
    }
}
