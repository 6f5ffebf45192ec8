package com.imagingmanifest.gateway.ingest;

import static com.imagingmanifest.gateway.ingest.IngestTestSupport.DEMO;
import static com.imagingmanifest.gateway.ingest.IngestTestSupport.DEMO_AE;
import static com.imagingmanifest.gateway.ingest.IngestTestSupport.KOS_CLASS;
import static com.imagingmanifest.gateway.ingest.IngestTestSupport.OTHER;
import static com.imagingmanifest.gateway.ingest.IngestTestSupport.ROUTER;
import static com.imagingmanifest.gateway.ingest.IngestTestSupport.SHARED_AE;
import static com.imagingmanifest.gateway.ingest.IngestTestSupport.assertWadoEndpoint;
import static com.imagingmanifest.gateway.ingest.IngestTestSupport.byKos;
import static com.imagingmanifest.gateway.ingest.IngestTestSupport.bySelectedStudy;
import static com.imagingmanifest.gateway.ingest.IngestTestSupport.client;
import static com.imagingmanifest.gateway.ingest.IngestTestSupport.kosFile;
import static com.imagingmanifest.gateway.ingest.IngestTestSupport.source;
import static com.imagingmanifest.gateway.ingest.IngestTestSupport.storescu;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.io.Part10;
import com.imagingmanifest.dicom.io.Part10Object;
import com.imagingmanifest.gateway.ApiTestSupport;
import com.imagingmanifest.kos.KosTitle;
import com.imagingmanifest.net.dimse.DimseClient;
import com.imagingmanifest.net.dimse.DimseException;
import com.imagingmanifest.net.dimse.DimseStatus;
import com.imagingmanifest.testing.PrivateOrthanc;
import com.imagingmanifest.testing.TestData;
import com.imagingmanifest.testing.ToolResult;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.dstu3.model.Bundle;
import org.hl7.fhir.dstu3.model.Coding;
import org.hl7.fhir.dstu3.model.Extension;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * KOS sent to the gateway's C-STORE SCP by DCMTK storescu (and by the project's DIMSE client for
 * bytes storescu would not send) become manifests, readable through the FHIR API; everything else is
 * refused or quarantined, and the SCP keeps serving. H2 store; the shared Orthanc is only the binding.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ScpIngestionTest {
    static final PrivateOrthanc ORTHANC = PrivateOrthanc.shared();
    static Path dir;

    @LocalServerPort
    int httpPort;
    @Autowired
    KosStoreScp scp;
    @Autowired
    MeterRegistry meters;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        IngestTestSupport.register(registry, IngestTestSupport.properties(ORTHANC, null, true));
        registry.add("management.endpoint.quarantine.access", () -> "unrestricted");
    }

    @BeforeAll
    static void files() {
        dir = IngestTestSupport.tempDir("scp-ingestion");
    }

    @AfterAll
    static void cleanUp() throws IOException {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void kosBasicFromStorescuBecomesOneManifestWithItsContent() {
        Path file = TestData.kosBasicFile(dir);
        DataSet kos = Part10.read(readAll(file)).dataSet();
        String sop = kos.getString(Tag.SOPInstanceUID);

        ToolResult sent = storescu(scp.port(), "STORESCU", DEMO_AE, file);
        assertThat(sent.exitCode()).as(sent.output()).isZero();
        assertThat(sent.output()).contains("Success");

        IGenericClient demo = client(httpPort, DEMO);
        List<ImagingManifest> found = byKos(demo, sop);
        assertThat(found).as("committed before the SCP answered").hasSize(1);
        ImagingManifest m = found.get(0);
        assertThat(m.getMeta().getVersionId()).isEqualTo("1");
        assertThat(source(m)).isEqualTo("dicom://STORESCU@" + DEMO_AE);
        assertThat(m.getPatient().getIdentifier().getValue()).isEqualTo(kos.getString(Tag.PatientID));
        assertThat(m.getPatient().getDisplay()).isEqualTo("Test^Patient");
        assertThat(m.getDescription()).isEqualTo("Selected by FHIR gateway probe");
        assertThat(m.getExtensionsByUrl(KosTitle.EXTENSION_URL)).as("default title 113000 carries no extension")
                .isEmpty();
        assertThat(m.getStudy()).hasSize(1);
        ImagingManifest.StudyComponent study = m.getStudy().get(0);
        assertThat(study.getUid()).isEqualTo("urn:oid:" + kos.getString(Tag.StudyInstanceUID));
        assertThat(study.getSeries()).hasSize(1);
        ImagingManifest.SeriesComponent series = study.getSeries().get(0);
        DataSet evidence = kos.getItem(Tag.CurrentRequestedProcedureEvidenceSequence, 0)
                .getItem(Tag.ReferencedSeriesSequence, 0);
        assertThat(series.getUid()).isEqualTo("urn:oid:" + evidence.getString(Tag.SeriesInstanceUID));
        assertThat(series.getInstance()).extracting(i -> i.getUid()).containsExactly(
                "urn:oid:2.25.444444444444444444444444444444444441",
                "urn:oid:2.25.444444444444444444444444444444444442");
        assertThat(series.getInstance()).extracting(i -> i.getSopClass())
                .containsOnly("urn:oid:1.2.840.10008.5.1.4.1.1.2");
        assertWadoEndpoint(m, series, ORTHANC);

        // viewers find it by the study it selects
        assertThat(bySelectedStudy(demo, kos.getString(Tag.StudyInstanceUID)))
                .extracting(r -> r.getIdElement().getIdPart()).contains(m.getIdElement().getIdPart());

        // sent again: success, no second manifest
        ToolResult again = storescu(scp.port(), "LOOPBACK", DEMO_AE, file);
        assertThat(again.exitCode()).as(again.output()).isZero();
        assertThat(byKos(demo, sop)).hasSize(1);
        assertThat(counter("scp", "duplicate")).isGreaterThanOrEqualTo(1);
        // and the other organization has none
        assertThat(byKos(client(httpPort, OTHER), sop)).isEmpty();
    }

    @Test
    void generatedKosKeepsTitleAndDescription() {
        Map<String, String> uids = TestData.freshKosUids();
        Path file = kosFile(dir, uids, dump -> dump
                .replace("[113000]", "[113030]").replace("[Of Interest]", "[Manifest]")
                .replace("[Selected by FHIR gateway probe]", "[Two slices for the tumour board]"));

        ToolResult sent = storescu(scp.port(), "STORESCU", DEMO_AE, file);
        assertThat(sent.exitCode()).as(sent.output()).isZero();

        ImagingManifest m = byKos(client(httpPort, DEMO), uids.get("SOP_UID")).get(0);
        assertThat(m.getDescription()).isEqualTo("Two slices for the tumour board");
        List<Extension> title = m.getExtensionsByUrl(KosTitle.EXTENSION_URL);
        assertThat(title).hasSize(1);
        Coding code = (Coding) title.get(0).getValue();
        assertThat(code.getCode()).isEqualTo("113030");
        assertThat(code.getDisplay()).isEqualTo("Manifest");
        assertThat(m.getStudy().get(0).getUid()).isEqualTo("urn:oid:" + uids.get("STUDY_UID"));
        assertThat(m.getStudy().get(0).getSeries().get(0).getUid()).isEqualTo("urn:oid:" + uids.get("IMG_SERIES_UID"));
        assertThat(m.getStudy().get(0).getSeries().get(0).getInstance()).extracting(i -> i.getUid())
                .containsExactlyInAnyOrder("urn:oid:" + uids.get("IMG1_UID"), "urn:oid:" + uids.get("IMG2_UID"));
    }

    @Test
    void sharedAeChoosesTheOrganizationByCallingAe() {
        Map<String, String> uids = TestData.freshKosUids();
        ToolResult sent = storescu(scp.port(), ROUTER, SHARED_AE, kosFile(dir, uids));
        assertThat(sent.exitCode()).as(sent.output()).isZero();

        List<ImagingManifest> other = byKos(client(httpPort, OTHER), uids.get("SOP_UID"));
        assertThat(other).hasSize(1);
        assertThat(source(other.get(0))).isEqualTo("dicom://" + ROUTER + "@" + SHARED_AE);
        assertThat(byKos(client(httpPort, DEMO), uids.get("SOP_UID"))).isEmpty();
    }

    @Test
    void callingAeOutsideTheAllowListIsRejected() {
        Map<String, String> uids = TestData.freshKosUids();
        ToolResult sent = storescu(scp.port(), "INTRUDER", DEMO_AE, kosFile(dir, uids));
        assertThat(sent.exitCode()).as("association rejected").isNotZero();
        assertThat(sent.output()).containsIgnoringCase("rejected");
        ToolResult unknown = storescu(scp.port(), "STORESCU", "NOSUCHAE", kosFile(dir, uids));
        assertThat(unknown.exitCode()).isNotZero();
        assertThat(byKos(client(httpPort, DEMO), uids.get("SOP_UID"))).isEmpty();
    }

    @Test
    void nonKosIsRefusedAtNegotiationAndNotStored() {
        String study = TestData.newUid();
        String sop = TestData.newUid();
        Path ct = IngestTestSupport.ctFile(dir, study, TestData.newUid(), sop, 1);
        double quarantinedBefore = quarantineGauge();

        ToolResult sent = storescu(scp.port(), "STORESCU", DEMO_AE, ct);
        // PS3.8 9.3.3.2: the CT context is answered "abstract syntax not supported"; storescu has
        // nowhere to send the image and says so
        assertThat(sent.exitCode()).as(sent.output()).isNotZero();
        assertThat(sent.output()).containsPattern("(?i)no (acceptable )?presentation context");
        assertThat(quarantineGauge()).isEqualTo(quarantinedBefore);
        assertThat(bySelectedStudy(client(httpPort, DEMO), study)).isEmpty();

        assertGoodStoreStillWorks();
    }

    @Test
    void malformedKosIsQuarantinedWithCannotUnderstandAndTheScpKeepsServing() throws Exception {
        Map<String, String> uids = TestData.freshKosUids();
        Part10Object good = Part10Object.parse(readAll(kosFile(dir, uids)));
        byte[] truncated = Arrays.copyOf(good.dataSet(), good.dataSet().length * 2 / 3);
        byte[] lying = lyingLength(good.dataSet());
        Map<String, String> bareUids = TestData.freshKosUids();
        // a KOS with its SOP class but no content tree: no root content item, nothing selected
        Path bareFile = kosFile(dir, bareUids, dump -> dump.substring(0, dump.indexOf("# SR Document Content")));
        Part10Object bare = Part10Object.parse(readAll(bareFile));
        double quarantinedBefore = quarantineGauge();

        try (DimseClient client = DimseClient.builder("127.0.0.1", scp.port(), DEMO_AE).callingAeTitle("LOOPBACK")
                .dimseTimeout(Duration.ofSeconds(20)).build()) {
            DimseStatus truncatedStatus = store(client, good.sopInstanceUid(), truncated, good.transferSyntaxUid());
            assertThat(truncatedStatus.code()).as(truncatedStatus.toString()).isEqualTo(0xC000);
            DimseStatus lyingStatus = store(client, good.sopInstanceUid(), lying, good.transferSyntaxUid());
            assertThat(lyingStatus.code()).as(lyingStatus.toString()).isEqualTo(0xC000);
            DimseStatus bareStatus = store(client, bare.sopInstanceUid(), bare.dataSet(), bare.transferSyntaxUid());
            assertThat(bareStatus.code()).as(bareStatus.toString()).isEqualTo(0xC001);
            assertThat(bareStatus.errorComment()).isNotBlank();
            // the same association still serves: a good KOS afterwards is a manifest
            DimseStatus goodStatus = store(client, good.sopInstanceUid(), good.dataSet(), good.transferSyntaxUid());
            assertThat(goodStatus.code()).isZero();
        }
        assertThat(byKos(client(httpPort, DEMO), uids.get("SOP_UID"))).hasSize(1);
        assertThat(byKos(client(httpPort, DEMO), bareUids.get("SOP_UID"))).isEmpty();
        assertThat(quarantineGauge()).isEqualTo(quarantinedBefore + 3);
        assertThat(counter("scp", "quarantined")).isGreaterThanOrEqualTo(3);

        // the quarantine spans every organization: an organization's ImagingManifest token is refused
        HttpResponse<String> organizationToken = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + httpPort + "/actuator/quarantine")).header("Authorization",
                "Bearer " + ApiTestSupport.token(IngestTestSupport.DEMO)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(organizationToken.statusCode()).as(organizationToken.body()).isEqualTo(403);

        // operators see them: a list without bytes, and each item with its Part 10 bytes
        JsonNode list = getJson("/actuator/quarantine");
        JsonNode bareItem = null;
        for (JsonNode item : list.get("items")) {
            assertThat(item.has("part10Base64")).isFalse();
            if (bareUids.get("SOP_UID").equals(item.path("sopInstanceUid").asText())) {
                bareItem = item;
            }
        }
        assertThat(bareItem).as("quarantined KOS without content tree in " + list).isNotNull();
        assertThat(bareItem.get("reason").asText()).contains("cannot map");
        assertThat(bareItem.get("organization").asText()).isEqualTo(IngestTestSupport.DEMO_ID);
        assertThat(bareItem.get("source").asText()).isEqualTo("dicom://LOOPBACK@" + DEMO_AE);
        JsonNode details = getJson("/actuator/quarantine/" + bareItem.get("id").asLong());
        byte[] kept = Base64.getDecoder().decode(details.get("part10Base64").asText());
        assertThat(Part10Object.parse(kept).dataSet()).as("kept byte for byte").isEqualTo(bare.dataSet());

        // a KOS sent again after its failure is not quarantined twice
        try (DimseClient client = DimseClient.builder("127.0.0.1", scp.port(), DEMO_AE).callingAeTitle("LOOPBACK")
                .build()) {
            assertThat(store(client, bare.sopInstanceUid(), bare.dataSet(), bare.transferSyntaxUid()).code())
                    .isEqualTo(0xC001);
        }
        assertThat(quarantineGauge()).isEqualTo(quarantinedBefore + 3);

        // an operator discards an item once dealt with (DELETE is enabled only by configuration)
        long id = bareItem.get("id").asLong();
        HttpResponse<String> discarded = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + httpPort + "/actuator/quarantine/" + id)).header("Authorization",
                "Bearer " + ApiTestSupport.adminToken(IngestTestSupport.DEMO)).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(discarded.statusCode()).as(discarded.body()).isEqualTo(200);
        assertThat(quarantineGauge()).isEqualTo(quarantinedBefore + 2);
        HttpResponse<String> gone = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + httpPort + "/actuator/quarantine/" + id)).header("Authorization",
                "Bearer " + ApiTestSupport.adminToken(IngestTestSupport.DEMO)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(gone.statusCode()).isEqualTo(404);
        assertGoodStoreStillWorks();
    }

    @Test
    void rejectionNoteDeletesTheManifestOfTheKosItRejects() {
        Map<String, String> uids = TestData.freshKosUids();
        assertThat(storescu(scp.port(), "STORESCU", DEMO_AE, kosFile(dir, uids)).exitCode()).isZero();
        IGenericClient demo = client(httpPort, DEMO);
        String id = byKos(demo, uids.get("SOP_UID")).get(0).getIdElement().getIdPart();

        String noteUid = TestData.newUid();
        Path note = IngestTestSupport.rejectionNote(dir, noteUid, uids.get("STUDY_UID"), uids.get("KOS_SERIES_UID"),
                uids.get("SOP_UID"));

        // the same note from another allowed sender changes nothing: it did not make the KOS
        String forgedUid = TestData.newUid();
        Path forged = IngestTestSupport.rejectionNote(dir, forgedUid, uids.get("STUDY_UID"),
                uids.get("KOS_SERIES_UID"), uids.get("SOP_UID"));
        ToolResult forgedSent = storescu(scp.port(), "LOOPBACK", DEMO_AE, forged);
        assertThat(forgedSent.exitCode()).as(forgedSent.output()).isZero();
        assertThat(demo.read().resource(ImagingManifest.class).withId(id).execute().getIdElement().getIdPart())
                .isEqualTo(id);
        assertThat(counter("scp", "rejection-ignored")).isGreaterThanOrEqualTo(1);

        ToolResult sent = storescu(scp.port(), "STORESCU", DEMO_AE, note);
        assertThat(sent.exitCode()).as(sent.output()).isZero();

        assertThatThrownBy(() -> demo.read().resource(ImagingManifest.class).withId(id).execute())
                .isInstanceOf(ResourceGoneException.class);
        Bundle history = demo.history().onInstance("ImagingManifest/" + id).returnBundle(Bundle.class).execute();
        assertThat(history.getEntry()).hasSize(2);
        assertThat(history.getEntry().get(0).getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.DELETE);
        assertThat(byKos(demo, noteUid)).as("a rejection note is no manifest").isEmpty();
        assertThat(counter("scp", "rejection-applied")).isGreaterThanOrEqualTo(1);

        // the rejected KOS sent again does not come back
        assertThat(storescu(scp.port(), "STORESCU", DEMO_AE, kosFile(dir, uids)).exitCode()).isZero();
        assertThat(byKos(demo, uids.get("SOP_UID"))).isEmpty();
    }

    /** The C-STORE response status, failures included (the client throws those). */
    static DimseStatus store(DimseClient client, String sopUid, byte[] dataSet, String transferSyntaxUid) {
        try {
            return client.store(KOS_CLASS, sopUid, dataSet, transferSyntaxUid);
        } catch (DimseException e) {
            assertThat(e.kind()).as(e.getMessage()).isEqualTo(DimseException.Kind.FAILURE_STATUS);
            return e.status();
        }
    }

    private void assertGoodStoreStillWorks() {
        Map<String, String> uids = TestData.freshKosUids();
        ToolResult sent = storescu(scp.port(), "STORESCU", DEMO_AE, kosFile(dir, uids));
        assertThat(sent.exitCode()).as(sent.output()).isZero();
        assertThat(byKos(client(httpPort, DEMO), uids.get("SOP_UID"))).hasSize(1);
    }

    /** Explicit VR LE: the 2-byte length of Patient's Name (0010,0010) PN made far longer than the data set. */
    static byte[] lyingLength(byte[] dataSet) {
        byte[] out = dataSet.clone();
        for (int i = 0; i + 8 <= out.length; i++) {
            if (out[i] == 0x10 && out[i + 1] == 0 && out[i + 2] == 0x10 && out[i + 3] == 0 && out[i + 4] == 'P'
                    && out[i + 5] == 'N') {
                out[i + 6] = (byte) 0xF0;
                out[i + 7] = (byte) 0x7F;
                return out;
            }
        }
        throw new AssertionError("no (0010,0010) PN in the data set");
    }

    private double counter(String source, String outcome) {
        return IngestTestSupport.kosCount(meters, source, outcome);
    }

    private double quarantineGauge() {
        return meters.get(com.imagingmanifest.gateway.metrics.GatewayMetrics.QUARANTINE_SIZE).tag("tenant", IngestTestSupport.DEMO).gauge().value();
    }

    private JsonNode getJson(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + httpPort + path)).timeout(Duration.ofSeconds(30)).header("Authorization",
                "Bearer " + ApiTestSupport.adminToken(IngestTestSupport.DEMO)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
        return new ObjectMapper().readTree(response.body());
    }

    static byte[] readAll(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
