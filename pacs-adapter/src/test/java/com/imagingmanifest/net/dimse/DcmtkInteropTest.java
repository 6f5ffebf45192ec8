package com.imagingmanifest.net.dimse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Vr;
import com.imagingmanifest.dicom.io.Part10Object;
import com.imagingmanifest.net.KosFixture;
import com.imagingmanifest.testing.Dcmtk;
import com.imagingmanifest.testing.FreePorts;
import com.imagingmanifest.testing.StoreScp;
import com.imagingmanifest.testing.ToolResult;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Interoperability with DCMTK: our SCU to storescp and dcmqrscp; echoscu and storescu to our SCP. */
class DcmtkInteropTest {
    @TempDir
    Path dir;

    @Test
    void ourStoreScuToStorescp() throws IOException {
        KosFixture.Kos kos = KosFixture.newKos(dir.resolve("in"));
        try (StoreScp scp = Dcmtk.startStoreScp("STORESCP", dir.resolve("out"));
                DimseClient client = DimseClient.builder(scp.host(), scp.port(), "STORESCP").build()) {
            client.echo();
            Part10Object o = kos.object();
            assertTrue(client.store(o.sopClassUid(), o.sopInstanceUid(), o.dataSet(), o.transferSyntaxUid()).isSuccess());
            List<Path> files = scp.awaitFiles(1, Duration.ofSeconds(20));
            Part10Object written = Part10Object.parse(Files.readAllBytes(files.get(0)));
            assertEquals(o.sopInstanceUid(), written.sopInstanceUid());
            assertArrayEquals(o.dataSet(), written.dataSet());
        }
    }

    @Test
    void ourScuStoresAndFindsWithDcmqrscp() throws Exception {
        Dcmtk.require("dcmqrscp");
        Path db = Files.createDirectories(dir.resolve("db"));
        int port = FreePorts.find();
        Path cfg = dir.resolve("dcmqrscp.cfg");
        Files.writeString(cfg, String.join("\n",
                "NetworkTCPPort = " + port,
                "MaxPDUSize = 16384",
                "MaxAssociations = 4",
                "HostTable BEGIN", "HostTable END",
                "VendorTable BEGIN", "VendorTable END",
                "AETable BEGIN",
                "QRSCP " + db + " RW (100, 64mb) ANY",
                "AETable END", ""));
        Process qr = new ProcessBuilder("dcmqrscp", "-c", cfg.toString(), "--single-process")
                .redirectErrorStream(true).redirectOutput(dir.resolve("dcmqrscp.log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        try (DimseClient client = DimseClient.builder("127.0.0.1", port, "QRSCP").build()) {
            awaitPort(port, qr);
            KosFixture.Kos kos = KosFixture.newKos(dir.resolve("in"));
            Part10Object o = kos.object();
            assertTrue(client.store(o.sopClassUid(), o.sopInstanceUid(), o.dataSet(), o.transferSyntaxUid()).isSuccess());

            DataSet study = new DataSet();
            study.setString(Tag.StudyInstanceUID, Vr.UI, kos.studyInstanceUid());
            study.setEmpty(Tag.PatientID, Vr.LO);
            List<DataSet> studies = client.find(QueryRetrieveLevel.STUDY, study);
            assertEquals(1, studies.size(), studies.toString());
            assertEquals("PAT-KOS-1", studies.get(0).getString(Tag.PatientID));

            DataSet series = new DataSet();
            series.setString(Tag.StudyInstanceUID, Vr.UI, kos.studyInstanceUid());
            series.setString(Tag.Modality, Vr.CS, "KO");
            series.setEmpty(Tag.SeriesInstanceUID, Vr.UI);
            List<DataSet> found = client.find(QueryRetrieveLevel.SERIES, series);
            assertEquals(1, found.size(), found.toString());
            assertEquals(kos.seriesInstanceUid(), found.get(0).getString(Tag.SeriesInstanceUID));

            DataSet image = new DataSet();
            image.setString(Tag.StudyInstanceUID, Vr.UI, kos.studyInstanceUid());
            image.setString(Tag.SeriesInstanceUID, Vr.UI, kos.seriesInstanceUid());
            image.setEmpty(Tag.SOPInstanceUID, Vr.UI);
            List<DataSet> images = client.find(QueryRetrieveLevel.IMAGE, image);
            assertEquals(1, images.size(), images.toString());
            assertEquals(kos.sopInstanceUid(), images.get(0).getString(Tag.SOPInstanceUID));
        } finally {
            qr.destroyForcibly();
            qr.waitFor();
        }
    }

    @Test
    void echoscuAndStorescuToOurScp() throws IOException {
        Map<String, StoreRequest> received = new ConcurrentHashMap<>();
        KosFixture.Kos kos = KosFixture.newKos(dir);
        try (DimseServer server = DimseServer.builder().applicationEntity("GATEWAY", rq -> {
            received.put(rq.sopInstanceUid(), rq);
            return DimseStatus.success();
        }, Set.of("DCMTK")).start()) {
            String port = String.valueOf(server.port());
            ToolResult echo = Dcmtk.run(Duration.ofSeconds(30), "echoscu", "-aet", "DCMTK", "-aec", "GATEWAY",
                    "127.0.0.1", port);
            assertEquals(0, echo.exitCode(), echo.output());

            ToolResult store = Dcmtk.run(Duration.ofSeconds(30), "storescu", "-aet", "DCMTK", "-aec", "GATEWAY",
                    "127.0.0.1", port, kos.file().toString());
            assertEquals(0, store.exitCode(), store.output());
            StoreRequest rq = received.get(kos.sopInstanceUid());
            assertNotNull(rq, "storescu's object reached the handler");
            assertEquals("DCMTK", rq.callingAeTitle());
            assertEquals(kos.object().transferSyntaxUid(), rq.transferSyntaxUid());
            assertArrayEquals(kos.object().dataSet(), rq.dataSet());

            ToolResult refused = Dcmtk.run(Duration.ofSeconds(30), "echoscu", "-aet", "OTHER", "-aec", "GATEWAY",
                    "127.0.0.1", port);
            assertNotEquals(0, refused.exitCode(), "a calling AE off the allow list is rejected");
            assertTrue(refused.output().contains("Rejected") || refused.output().contains("reject"),
                    refused.output());
        }
    }

    private static void awaitPort(int port, Process p) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            assertTrue(p.isAlive(), "dcmqrscp exited with " + (p.isAlive() ? "" : p.exitValue()));
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new AssertionError("dcmqrscp did not listen on " + port);
    }
}
