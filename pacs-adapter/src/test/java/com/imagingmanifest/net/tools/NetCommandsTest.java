package com.imagingmanifest.net.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.json.DicomJson;
import com.imagingmanifest.net.KosFixture;
import com.imagingmanifest.net.dimse.DimseClient;
import com.imagingmanifest.net.dimse.DimseServer;
import com.imagingmanifest.net.dimse.DimseStatus;
import com.imagingmanifest.testing.PrivateOrthanc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The echo, store and find commands, each run as its own JVM (they exit with a status). */
class NetCommandsTest {
    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    private Run run(Class<?> main, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(main.getSimpleName() + " did not finish");
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void echoAndStoreAgainstOurScp() throws Exception {
        KosFixture.Kos a = KosFixture.newKos(dir);
        KosFixture.Kos b = KosFixture.newKos(dir);
        Path notDicom = Files.writeString(dir.resolve("note.txt"), "hello");
        try (DimseServer server = DimseServer.builder().applicationEntity("GATEWAY", rq -> DimseStatus.success(),
                Set.of("OPERATOR")).start()) {
            String address = "GATEWAY@127.0.0.1:" + server.port();
            Run echo = run(EchoCommand.class, address, "--aet", "OPERATOR");
            assertEquals(0, echo.exit(), echo.err());
            assertTrue(echo.out().contains("C-ECHO success"), echo.out());

            Run store = run(StoreCommand.class, address, a.file().toString(), b.file().toString(), "--aet", "OPERATOR");
            assertEquals(0, store.exit(), store.err());
            List<String> lines = store.out().lines().toList();
            assertEquals(2, lines.size(), store.out());
            assertTrue(lines.get(0).contains("SUCCESS") && lines.get(0).contains(a.sopInstanceUid()), lines.get(0));
            assertEquals(2, server.associationsServed(), "one association for the echo, one for both files");

            Run mixed = run(StoreCommand.class, address, notDicom.toString(), a.file().toString(), "--aet", "OPERATOR");
            assertEquals(1, mixed.exit());
            assertTrue(mixed.out().lines().anyMatch(l -> l.startsWith(notDicom + ": not stored")), mixed.out());
            assertTrue(mixed.out().lines().anyMatch(l -> l.contains("SUCCESS")), mixed.out());

            Run rejected = run(EchoCommand.class, address, "--aet", "INTRUDER");
            assertEquals(1, rejected.exit());
            assertEquals(1, rejected.err().lines().count(), rejected.err());
            assertTrue(rejected.err().contains("calling-AE-title-not-recognized"), rejected.err());
        }
    }

    @Test
    void badInputGivesOneLineAndNonZeroExit() throws Exception {
        Run noPort = run(EchoCommand.class, "GATEWAY@localhost");
        assertEquals(2, noPort.exit());
        assertTrue(noPort.err().startsWith("echo: expected AE@HOST:PORT"), noPort.err());
        Run badLevel = run(FindCommand.class, "A@localhost:104", "-L", "PATIENTS");
        assertEquals(2, badLevel.exit());
        Run badKey = run(FindCommand.class, "A@localhost:104", "-L", "STUDY", "-k", "NoSuchKeyword=1");
        assertEquals(2, badKey.exit());
        assertTrue(badKey.err().contains("unknown keyword NoSuchKeyword"), badKey.err());
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Run unreachable = run(EchoCommand.class, "A@127.0.0.1:" + closedPort, "--connect-timeout", "2");
        assertEquals(1, unreachable.exit());
        assertTrue(unreachable.err().contains("cannot connect"), unreachable.err());
    }

    @Test
    void findPrintsEachMatchFromOrthanc() throws Exception {
        PrivateOrthanc orthanc = PrivateOrthanc.shared();
        KosFixture.Kos kos = KosFixture.newKos(dir);
        try (DimseClient client = DimseClient.builder(orthanc.host(), orthanc.dicomPort(), orthanc.aeTitle()).build()) {
            client.store(kos.object().sopClassUid(), kos.sopInstanceUid(), kos.object().dataSet(),
                    kos.object().transferSyntaxUid());
        }
        Run find = run(FindCommand.class, orthanc.aeTitle() + "@" + orthanc.host() + ":" + orthanc.dicomPort(),
                "-L", "SERIES", "-k", "StudyInstanceUID=" + kos.studyInstanceUid(), "-k", "Modality=KO",
                "-k", "(0020,000E)=", "-k", "SeriesNumber");
        assertEquals(0, find.exit(), find.err());
        List<String> lines = find.out().lines().toList();
        assertEquals(1, lines.size(), find.out());
        assertTrue(lines.get(0).contains("SeriesInstanceUID=" + kos.seriesInstanceUid()), lines.get(0));
        assertTrue(lines.get(0).contains("SeriesNumber=99"), lines.get(0));
        assertTrue(find.err().contains("1 match"), find.err());

        // --json: what a script pipes into jq, read back with a JSON parser and as DICOM JSON
        String peer = orthanc.aeTitle() + "@" + orthanc.host() + ":" + orthanc.dicomPort();
        Run asJson = run(FindCommand.class, peer, "--json", "-L", "SERIES",
                "-k", "StudyInstanceUID=" + kos.studyInstanceUid(), "-k", "Modality=KO", "-k", "SeriesInstanceUID",
                "-k", "SeriesNumber");
        assertEquals(0, asJson.exit(), asJson.err());
        JsonNode array = new ObjectMapper()
                .readTree(asJson.out());
        assertTrue(array.isArray(), asJson.out());
        assertEquals(1, array.size(), asJson.out());
        assertEquals(kos.seriesInstanceUid(), array.get(0).path("0020000E").path("Value").get(0).asText(),
                asJson.out());
        List<DataSet> read = DicomJson.readArray(asJson.out());
        assertEquals(kos.seriesInstanceUid(), read.get(0).getString(Tag.SeriesInstanceUID));
        assertTrue(asJson.err().contains("1 match"), asJson.err());

        Run none = run(FindCommand.class, peer, "--json", "-L", "STUDY", "-k", "StudyInstanceUID=2.25.1");
        assertEquals(0, none.exit(), none.err());
        assertEquals("[]", none.out().strip(), "no match is an empty array, still JSON");
    }
}
