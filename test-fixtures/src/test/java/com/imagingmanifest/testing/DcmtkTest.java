package com.imagingmanifest.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DcmtkTest {

    @Test
    void dciodvfyAcceptsKosBasicWithoutErrorsOrWarnings(@TempDir Path dir) {
        Path kos = TestData.kosBasicFile(dir);
        ToolResult verdict = Dcmtk.dciodvfy(kos);
        assertFalse(verdict.output().contains("Error"), verdict.output());
        assertFalse(verdict.output().contains("Warning"), verdict.output());
        assertTrue(verdict.output().contains("KeyObjectSelectionDocument"), verdict.output());
    }

    @Test
    void dcmdumpAndDsrdumpShowTheKosContent(@TempDir Path dir) {
        Path kos = TestData.kosBasicFile(dir);
        String dump = Dcmtk.dcmdump(kos);
        assertTrue(dump.contains("2.25.555555555555555555555555555555555555"), dump);
        String tree = Dcmtk.dsrdump(kos);
        assertTrue(tree.contains("Key Object Selection Document"), tree);
        assertTrue(tree.contains("Of Interest"), tree);
        assertTrue(tree.contains("Selected by FHIR gateway probe"), tree);
    }

    @Test
    void storescpReceivesWhatStorescuSends(@TempDir Path dir) {
        Path kos = TestData.kosBasicFile(dir.resolve("in"));
        try (StoreScp scp = Dcmtk.startStoreScp("FIXTURESCP", dir.resolve("out"))) {
            ToolResult sent = Dcmtk.run(Duration.ofSeconds(30), "storescu", "-to", "10", "-aec", scp.aeTitle(),
                    scp.host(), String.valueOf(scp.port()), kos.toString());
            assertEquals(0, sent.exitCode(), sent.output());
            List<Path> received = scp.awaitFiles(1, Duration.ofSeconds(20));
            assertTrue(Dcmtk.dcmdump(received.get(0)).contains("2.25.555555555555555555555555555555555555"));
        }
    }

    @Test
    void aMissingToolFailsWithTheInstallCommand() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Dcmtk.require("no-such-dcmtk-tool"));
        assertEquals("DCMTK tool no-such-dcmtk-tool not found: apt-get install -y dcmtk dicom3tools", e.getMessage());
    }

    @Test
    void aToolThatOverrunsItsTimeoutIsKilled() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Dcmtk.run(Duration.ofMillis(300), "sleep", "30"));
        assertTrue(e.getMessage().contains("did not finish within"), e.getMessage());
    }

    @Test
    void dump2dcmFailureCarriesItsMessage(@TempDir Path dir) {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> TestData.dicomFromDump("(0010,0010) XX [broken\n", dir, "bad.dcm"));
        assertTrue(e.getMessage().startsWith("dump2dcm"), e.getMessage());
    }

    @Test
    void kosTemplateNeedsEveryPlaceholder() {
        String filled = TestData.kosTemplate(TestData.freshKosUids());
        assertFalse(filled.contains("@"), filled);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TestData.kosTemplate(Map.of("SOP_UID", "1.2.3")));
        assertTrue(e.getMessage().contains("@STUDY_UID@"), e.getMessage());
    }

    @Test
    void newUidsFollowTheUuidDerivedForm() {
        String uid = TestData.newUid();
        assertTrue(uid.matches("2\\.25\\.(0|[1-9][0-9]*)"), uid);
        assertTrue(uid.length() <= 64, uid);
    }
}
