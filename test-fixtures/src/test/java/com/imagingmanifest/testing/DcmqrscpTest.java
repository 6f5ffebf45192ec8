package com.imagingmanifest.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archive fixture against DCMTK's own SCUs: what the gateway relies on dcmqrscp to do. */
class DcmqrscpTest {
    private static final String STUDY = "2.25.111111111111111111111111111111111111";
    private static final String SERIES = "2.25.222222222222222222222222222222222222";
    private static final String SOP = "2.25.555555555555555555555555555555555555";
    private static final Duration T = Duration.ofSeconds(30);

    @Test
    void storesFindsHierarchicallyMovesToItsHostTableAndSurvivesARestart(@TempDir Path dir) {
        Path kos = TestData.kosBasicFile(dir.resolve("in"));
        try (StoreScp destination = Dcmtk.startStoreScp("MOVEDEST", dir.resolve("moved"));
                Dcmqrscp archive = Dcmqrscp.start("ARCHIVE",
                        List.of(new Dcmqrscp.Destination("MOVEDEST", destination.port())))) {
            String port = String.valueOf(archive.port());
            ToolResult stored = Dcmtk.run(T, "storescu", "-aec", "ARCHIVE", archive.host(), port, kos.toString());
            assertEquals(0, stored.exitCode(), stored.output());
            assertEquals(1, archive.storedFiles().size());

            ToolResult studies = Dcmtk.run(T, "findscu", "-v", "-S", "-aec", "ARCHIVE", archive.host(), port,
                    "-k", "QueryRetrieveLevel=STUDY", "-k", "ModalitiesInStudy=KO", "-k", "StudyInstanceUID");
            assertTrue(studies.output().contains(STUDY), studies.output());

            // hierarchical: an IMAGE query without its study and series UIDs is refused
            ToolResult flat = Dcmtk.run(T, "findscu", "-v", "-S", "-aec", "ARCHIVE", archive.host(), port,
                    "-k", "QueryRetrieveLevel=IMAGE", "-k", "SOPInstanceUID");
            assertFalse(flat.output().contains(SOP), flat.output());
            assertTrue(flat.output().contains("Unable to Process") || flat.output().contains("UnableToProcess")
                    || flat.output().contains("Failed"), flat.output());

            ToolResult moved = Dcmtk.run(T, "movescu", "-v", "-S", "-aec", "ARCHIVE", "-aem", "MOVEDEST",
                    archive.host(), port, "-k", "QueryRetrieveLevel=IMAGE", "-k", "StudyInstanceUID=" + STUDY,
                    "-k", "SeriesInstanceUID=" + SERIES, "-k", "SOPInstanceUID=" + SOP);
            assertEquals(0, moved.exitCode(), moved.output());
            List<Path> arrived = destination.awaitFiles(1, T);
            assertTrue(Dcmtk.dcmdump(arrived.get(0)).contains(SOP));

            // a destination outside the HostTable is refused
            ToolResult unknown = Dcmtk.run(T, "movescu", "-v", "-S", "-aec", "ARCHIVE", "-aem", "NOWHERE",
                    archive.host(), port, "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + STUDY);
            assertTrue(unknown.output().contains("Move Destination Unknown")
                    || unknown.output().contains("MoveDestinationUnknown"), unknown.output());

            long pid = archive.pid();
            archive.kill();
            assertFalse(listening(archive.port()), () -> Dcmtk.run(T, "ps", "-ef").stdout());
            archive.restart();
            assertNotEquals(pid, archive.pid());
            ToolResult again = Dcmtk.run(T, "findscu", "-v", "-S", "-aec", "ARCHIVE", archive.host(), port,
                    "-k", "QueryRetrieveLevel=IMAGE", "-k", "StudyInstanceUID=" + STUDY,
                    "-k", "SeriesInstanceUID=" + SERIES, "-k", "SOPInstanceUID");
            assertTrue(again.output().contains(SOP), again.output());
        }
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }
}
