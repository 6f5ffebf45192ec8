package com.imagingmanifest.gateway.ingest;

import static com.imagingmanifest.gateway.ingest.IngestTestSupport.DEMO;
import static com.imagingmanifest.gateway.ingest.IngestTestSupport.await;
import static com.imagingmanifest.gateway.ingest.IngestTestSupport.awaitManifest;
import static com.imagingmanifest.gateway.ingest.IngestTestSupport.bySelectedStudy;
import static com.imagingmanifest.gateway.ingest.IngestTestSupport.client;
import static com.imagingmanifest.gateway.ingest.IngestTestSupport.ctFile;
import static com.imagingmanifest.gateway.ingest.IngestTestSupport.kosFile;
import static com.imagingmanifest.gateway.ingest.IngestTestSupport.storeIntoOrthanc;
import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.io.Part10;
import com.imagingmanifest.dicomweb.MultipartRelated;
import com.imagingmanifest.testing.PrivateOrthanc;
import com.imagingmanifest.testing.TestData;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.dstu3.model.Bundle;
import org.hl7.fhir.dstu3.model.DateTimeType;
import org.hl7.fhir.dstu3.model.Endpoint;
import org.hl7.fhir.dstu3.model.Identifier;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.hl7.fhir.dstu3.model.Reference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * KOS stored straight into a private Orthanc (REST POST /instances, not through the gateway) reach
 * the API through the poller (Orthanc change feed); the gateway's own KOS are not imported again;
 * IOCM rejection notes delete the manifests they reject; a viewer following a manifest's endpoints
 * with WADO-RS gets exactly the selected instances. Orthanc of its own: its change feed holds only
 * this class's objects.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class PollingIngestionTest {
    static final PrivateOrthanc ORTHANC = PrivateOrthanc.start(Map.of());
    static final Path DIR = IngestTestSupport.tempDir("polling-ingestion");

    @LocalServerPort
    int httpPort;
    @Autowired
    MeterRegistry meters;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        IngestTestSupport.register(registry, IngestTestSupport.properties(ORTHANC, "500ms", false));
    }

    @AfterAll
    static void stopOrthanc() {
        ORTHANC.close();
    }

    @Test
    void kosStoredIntoOrthancBecomesAManifest() {
        Map<String, String> uids = TestData.freshKosUids();
        storeIntoOrthanc(ORTHANC, kosFile(DIR, uids));

        ImagingManifest m = awaitManifest(client(httpPort, DEMO), uids.get("SOP_UID"));
        assertThat(m.getMeta().getVersionId()).isEqualTo("1");
        assertThat(IngestTestSupport.source(m)).isEqualTo(ORTHANC.dicomwebUrl().toString());
        assertThat(m.getPatient().getIdentifier().getValue()).isEqualTo("PAT-KOS-1");
        assertThat(m.getDescription()).isEqualTo("Selected by FHIR gateway probe");
        ImagingManifest.SeriesComponent series = m.getStudy().get(0).getSeries().get(0);
        assertThat(series.getUid()).isEqualTo("urn:oid:" + uids.get("IMG_SERIES_UID"));
        assertThat(series.getInstance()).extracting(i -> i.getUid())
                .containsExactlyInAnyOrder("urn:oid:" + uids.get("IMG1_UID"), "urn:oid:" + uids.get("IMG2_UID"));
        IngestTestSupport.assertWadoEndpoint(m, series, ORTHANC);
        assertThat(bySelectedStudy(client(httpPort, DEMO), uids.get("STUDY_UID"))).hasSize(1);
    }

    /**
     * Issue 20: a KOS made on the PACS side that selects frames 2 and 4 of a multi-frame image shows
     * them in both FHIR views, and the R5 view taken through {@code to-kos} gives the same Referenced
     * Frame Numbers back.
     */
    @Test
    void framesOfAPacsSideKosShowInBothViewsAndComeBackOutOfToKos() throws IOException {
        Map<String, String> uids = TestData.freshKosUids();
        String enhancedCt = "1.2.840.10008.5.1.4.1.1.2.1";
        String img1 = "(0008,1155) UI [" + uids.get("IMG1_UID") + "]";
        Path kos = kosFile(DIR, uids, dump -> {
            String d = dump.replace("(0008,1150) UI =CTImageStorage\n            " + img1,
                    "(0008,1150) UI [" + enhancedCt + "]\n            " + img1)
                    .replace("(0008,1150) UI =CTImageStorage\n        " + img1,
                            "(0008,1150) UI [" + enhancedCt + "]\n        " + img1);
            int content = d.indexOf("        " + img1, d.indexOf("(0040,a730)")) + 8 + img1.length();
            return d.substring(0, content) + "\n        (0008,1160) IS [2\\4]" + d.substring(content);
        });
        storeIntoOrthanc(ORTHANC, kos);

        ImagingManifest m = awaitManifest(client(httpPort, DEMO), uids.get("SOP_UID"));
        ImagingManifest.InstanceComponent first = m.getStudyFirstRep().getSeriesFirstRep().getInstance().stream()
                .filter(i -> i.getUid().equals("urn:oid:" + uids.get("IMG1_UID"))).findFirst().orElseThrow();
        assertThat(first.getExtensionsByUrl(com.imagingmanifest.kos.InstanceSubset.FRAME_EXTENSION))
                .extracting(x -> x.getValue().primitiveValue()).containsExactly("2", "4");

        String r5 = com.imagingmanifest.gateway.ApiTestSupport.get("http://127.0.0.1:" + httpPort + "/organizations/"
                + DEMO + "/fhir/5/ImagingSelection/" + m.getIdElement().getIdPart()).body();
        org.hl7.fhir.r5.model.ImagingSelection selection = ca.uhn.fhir.context.FhirContext.forR5Cached()
                .newJsonParser().parseResource(org.hl7.fhir.r5.model.ImagingSelection.class, r5);
        assertThat(selection.getInstance()).filteredOn(i -> i.getUid().equals(uids.get("IMG1_UID")))
                .flatExtracting(i -> i.getSubset().stream().map(org.hl7.fhir.r5.model.StringType::getValue).toList())
                .containsExactly("2", "4");

        Path json = DIR.resolve("selection-" + uids.get("SOP_UID") + ".json");
        java.nio.file.Files.writeString(json, r5);
        Path out = DIR.resolve("to-kos-" + uids.get("SOP_UID"));
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream errors = new java.io.ByteArrayOutputStream();
        assertThat(com.imagingmanifest.kos.tools.ToKosCommand.run(new String[] {json.toString(), out.toString()},
                new java.io.PrintStream(printed, true), new java.io.PrintStream(errors, true)))
                .as(errors.toString()).isZero();
        String written = printed.toString(StandardCharsets.UTF_8).strip();
        com.imagingmanifest.dicom.data.DataSet back = Part10.read(java.nio.file.Files.readAllBytes(
                out.resolve(written + ".dcm"))).dataSet();
        assertThat(back.getSequence(Tag.ContentSequence).stream()
                .filter(item -> "IMAGE".equals(item.getString(Tag.ValueType)))
                .map(item -> item.getItem(Tag.ReferencedSOPSequence, 0))
                .filter(ref -> uids.get("IMG1_UID").equals(ref.getString(Tag.ReferencedSOPInstanceUID)))
                .map(ref -> ref.getString(Tag.ReferencedFrameNumber)).toList()).containsExactly("2\\4");
    }

    @Test
    void aManifestCreatedThroughTheApiIsNotImportedAgain() {
        String study = TestData.newUid();
        String series = TestData.newUid();
        List<String> images = List.of(TestData.newUid(), TestData.newUid());
        for (int i = 0; i < images.size(); i++) {
            storeIntoOrthanc(ORTHANC, ctFile(DIR, study, series, images.get(i), i + 1));
        }
        IGenericClient demo = client(httpPort, DEMO);
        ImagingManifest manifest = new ImagingManifest();
        manifest.setPatient(new Reference().setIdentifier(new Identifier().setValue("PAT-KOS-1"))
                .setDisplay("Test^Patient"));
        manifest.setAuthoringTimeElement(new DateTimeType("2024-01-15T10:15:00+01:00"));
        manifest.setDescription("made through the API");
        ImagingManifest.SeriesComponent s = manifest.addStudy().setUid("urn:oid:" + study).addSeries()
                .setUid("urn:oid:" + series);
        images.forEach(sop -> s.addInstance().setSopClass("urn:oid:1.2.840.10008.5.1.4.1.1.2")
                .setUid("urn:oid:" + sop));
        double ownBefore = counter("own");
        MethodOutcome created = demo.create().resource(manifest).execute();
        assertThat(created.getCreated()).isTrue();
        String id = created.getId().getIdPart();

        // a KOS stored into Orthanc after the API's: once it is a manifest, the poller has read past the API's KOS
        Map<String, String> marker = TestData.freshKosUids();
        storeIntoOrthanc(ORTHANC, kosFile(DIR, marker));
        awaitManifest(demo, marker.get("SOP_UID"));

        List<ImagingManifest> forStudy = bySelectedStudy(demo, study);
        assertThat(forStudy).extracting(m -> m.getIdElement().getIdPart()).containsExactly(id);
        assertThat(counter("own")).as("the poller saw the gateway's own KOS and skipped it")
                .isGreaterThan(ownBefore);
    }

    @Test
    void rejectionNoteStoredIntoOrthancDeletesTheManifest() {
        Map<String, String> uids = TestData.freshKosUids();
        storeIntoOrthanc(ORTHANC, kosFile(DIR, uids));
        IGenericClient demo = client(httpPort, DEMO);
        String id = awaitManifest(demo, uids.get("SOP_UID")).getIdElement().getIdPart();

        String noteUid = TestData.newUid();
        storeIntoOrthanc(ORTHANC, IngestTestSupport.rejectionNote(DIR, noteUid, uids.get("STUDY_UID"),
                uids.get("KOS_SERIES_UID"), uids.get("SOP_UID")));

        await("ImagingManifest/" + id + " deleted", () -> {
            try {
                demo.read().resource(ImagingManifest.class).withId(id).execute();
                return Optional.empty();
            } catch (ResourceGoneException gone) {
                return Optional.of(gone);
            }
        });
        Bundle history = demo.history().onInstance("ImagingManifest/" + id).returnBundle(Bundle.class).execute();
        assertThat(history.getEntry()).extracting(e -> e.getRequest().getMethod())
                .containsExactly(Bundle.HTTPVerb.DELETE, Bundle.HTTPVerb.POST);
        assertThat(IngestTestSupport.byKos(demo, noteUid)).isEmpty();
    }

    @Test
    void anUnmappableKosOnThePacsIsQuarantinedAndPollingGoesOn() {
        Map<String, String> bad = TestData.freshKosUids();
        // Orthanc stores a KOS without content tree; the gateway cannot make a manifest of it
        storeIntoOrthanc(ORTHANC, kosFile(DIR, bad, dump -> dump.substring(0, dump.indexOf("# SR Document Content"))));
        Map<String, String> good = TestData.freshKosUids();
        storeIntoOrthanc(ORTHANC, kosFile(DIR, good));

        IGenericClient demo = client(httpPort, DEMO);
        awaitManifest(demo, good.get("SOP_UID"));
        assertThat(IngestTestSupport.byKos(demo, bad.get("SOP_UID"))).isEmpty();
        assertThat(counter("quarantined")).isGreaterThanOrEqualTo(1);
        assertThat(meters.get(com.imagingmanifest.gateway.metrics.GatewayMetrics.QUARANTINE_SIZE).tag("tenant", IngestTestSupport.DEMO).gauge().value())
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    void aViewerFollowingTheEndpointsGetsExactlyTheSelectedInstances() throws Exception {
        String study = TestData.newUid();
        String series = TestData.newUid();
        List<String> images = List.of(TestData.newUid(), TestData.newUid(), TestData.newUid());
        for (int i = 0; i < images.size(); i++) {
            storeIntoOrthanc(ORTHANC, ctFile(DIR, study, series, images.get(i), i + 1));
        }
        Map<String, String> uids = TestData.freshKosUids();
        uids.put("STUDY_UID", study);
        uids.put("IMG_SERIES_UID", series);
        uids.put("IMG1_UID", images.get(0));
        uids.put("IMG2_UID", images.get(2));
        storeIntoOrthanc(ORTHANC, kosFile(DIR, uids));
        IGenericClient demo = client(httpPort, DEMO);
        awaitManifest(demo, uids.get("SOP_UID"));

        // the viewer's two calls: search by study, then WADO-RS of each selected instance at its endpoint
        List<ImagingManifest> found = bySelectedStudy(demo, study);
        assertThat(found).hasSize(1);
        ImagingManifest m = found.get(0);
        Set<String> retrieved = new HashSet<>();
        for (ImagingManifest.StudyComponent st : m.getStudy()) {
            for (ImagingManifest.SeriesComponent se : st.getSeries()) {
                Endpoint endpoint = se.getEndpoint().stream().map(r -> IngestTestSupport.contained(m, r))
                        .filter(e -> e != null && "dicom-wado-rs".equals(e.getConnectionType().getCode()))
                        .findFirst().orElseThrow();
                for (ImagingManifest.InstanceComponent instance : se.getInstance()) {
                    String url = endpoint.getAddress().replaceAll("/$", "") + "/studies/" + bare(st.getUid())
                            + "/series/" + bare(se.getUid()) + "/instances/" + bare(instance.getUid());
                    retrieved.addAll(wadoRs(url));
                }
            }
        }
        assertThat(retrieved).containsExactlyInAnyOrder(images.get(0), images.get(2));
    }

    /** SOP Instance UIDs of the instances a WADO-RS retrieve answers (multipart/related; application/dicom). */
    private static List<String> wadoRs(String url) throws IOException, InterruptedException {
        String auth = Base64.getEncoder().encodeToString((ORTHANC.username() + ":" + ORTHANC.password())
                .getBytes(StandardCharsets.UTF_8));
        HttpResponse<byte[]> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Basic " + auth)
                .header("Accept", "multipart/related; type=\"application/dicom\"").GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).as(url).isEqualTo(200);
        String contentType = response.headers().firstValue("Content-Type").orElseThrow();
        return MultipartRelated.parse(contentType, response.body(), 100).stream()
                .map(part -> Part10.read(part.content()).dataSet().getString(Tag.SOPInstanceUID)).toList();
    }

    private static String bare(String uid) {
        return uid.replace("urn:oid:", "");
    }

    private double counter(String outcome) {
        return IngestTestSupport.kosCount(meters, "poll", outcome);
    }
}
