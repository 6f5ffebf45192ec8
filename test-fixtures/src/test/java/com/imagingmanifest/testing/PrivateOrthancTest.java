package com.imagingmanifest.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateOrthancTest {

    private final PrivateOrthanc orthanc = PrivateOrthanc.shared();

    @Test
    void sharedOrthancAnswersSystemWithItsAeTitleAndDicomPort() {
        assertSame(orthanc, PrivateOrthanc.shared());
        String system = orthanc.get("/system");
        assertTrue(system.contains("\"DicomAet\" : \"ORTHANC\""), system);
        assertTrue(system.contains("\"DicomPort\" : " + orthanc.dicomPort()), system);
        assertEquals("127.0.0.1", orthanc.host());
        assertEquals(orthanc.restUrl() + "/dicom-web/", orthanc.dicomwebUrl().toString());
    }

    @Test
    void restRefusesRequestsWithoutCredentials() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(orthanc.restUrl() + "/system"))
                        .timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, response.statusCode());
    }

    @Test
    void answersCEchoFromDcmtk() {
        ToolResult echo = Dcmtk.run(Duration.ofSeconds(30), "echoscu", "-to", "10", "-aet", "FIXTURETEST",
                "-aec", orthanc.aeTitle(), orthanc.host(), String.valueOf(orthanc.dicomPort()));
        assertEquals(0, echo.exitCode(), echo.output());
    }

    @Test
    void storesAKosMadeByDump2dcmAndFindsItByUid(@TempDir Path dir) throws Exception {
        Map<String, String> uids = TestData.freshKosUids();
        Path kos = TestData.dicomFromDump(TestData.kosTemplate(uids), dir, "kos.dcm");

        String stored = orthanc.post("/instances", "application/dicom", Files.readAllBytes(kos));
        assertTrue(stored.contains("\"Status\" : \"Success\""), stored);

        String found = orthanc.post("/tools/lookup", "text/plain",
                uids.get("SOP_UID").getBytes(StandardCharsets.US_ASCII));
        assertTrue(found.contains("\"Type\" : \"Instance\""), found);

        // DICOMweb sees it too (QIDO-RS at study level, by its Study Instance UID)
        String qido = orthanc.get("/dicom-web/studies?StudyInstanceUID=" + uids.get("STUDY_UID"));
        assertTrue(qido.contains(uids.get("STUDY_UID")), qido);

        String instanceId = Json.stringArray(found).get(Json.stringArray(found).indexOf("ID") + 1);
        assertEquals(200, orthanc.delete("/instances/" + instanceId));
        assertEquals(404, orthanc.delete("/instances/" + instanceId));
    }

    @Test
    void ownOrthancTakesExtraConfigSurvivesKillAndRestartAndClears(@TempDir Path dir) throws Exception {
        try (PrivateOrthanc own = PrivateOrthanc.start(Map.of("DicomModalities",
                Map.of("scu", List.of("FIXTURESCU", "127.0.0.1", 11112))))) {
            assertNotEquals(orthanc.restUrl(), own.restUrl());
            assertTrue(own.get("/modalities").contains("scu"), own.get("/modalities"));

            Path kos = TestData.dicomFromDump(TestData.kosTemplate(TestData.freshKosUids()), dir, "kos.dcm");
            own.post("/instances", "application/dicom", Files.readAllBytes(kos));
            long pid = own.pid();

            own.kill();
            assertTrue(ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true), "still alive after kill");
            assertThrows(RuntimeException.class, () -> own.get("/system"));

            own.restart();
            assertNotEquals(pid, own.pid());
            assertEquals(1, Json.stringArray(own.get("/instances")).size(), "storage kept across restart");

            own.clear();
            assertEquals(List.of(), Json.stringArray(own.get("/patients")));
        }
    }

    @Test
    void failingRequestsSayWhatFailed() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> orthanc.get("/no-such-route"));
        assertTrue(e.getMessage().contains("GET /no-such-route answered 404"), e.getMessage());
    }
}
