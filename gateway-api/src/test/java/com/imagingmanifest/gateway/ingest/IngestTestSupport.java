package com.imagingmanifest.gateway.ingest;

import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import com.imagingmanifest.gateway.ApiTestSupport;
import com.imagingmanifest.gateway.security.SigningKey;
import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.gclient.UriClientParam;
import com.imagingmanifest.testing.Dcmtk;
import com.imagingmanifest.testing.PrivateOrthanc;
import com.imagingmanifest.testing.TestData;
import com.imagingmanifest.testing.ToolResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.hl7.fhir.dstu3.model.Bundle;
import org.hl7.fhir.dstu3.model.Endpoint;
import org.hl7.fhir.dstu3.model.Extension;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.hl7.fhir.dstu3.model.Reference;
import org.hl7.fhir.dstu3.model.Resource;
import org.hl7.fhir.dstu3.model.UriType;
import org.springframework.test.context.DynamicPropertyRegistry;

/** Organizations, KOS and image files, DCMTK and FHIR calls shared by the ingestion tests. */
final class IngestTestSupport {

    /**
     * How many KOS of organization demo from {@code source} ended as {@code outcome}, by the gateway's
     * meters: {@code quarantined} counts {@code gateway.ingestion.quarantined} over every reason, the
     * other outcomes {@code gateway.ingestion.ingested}.
     */
    static double kosCount(io.micrometer.core.instrument.MeterRegistry meters, String source, String outcome) {
        if ("quarantined".equals(outcome)) {
            return meters.find(com.imagingmanifest.gateway.metrics.GatewayMetrics.QUARANTINED)
                    .tags("tenant", DEMO, "source", source).counters().stream()
                    .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
        }
        var c = meters.find(com.imagingmanifest.gateway.metrics.GatewayMetrics.INGESTED)
                .tags("tenant", DEMO, "source", source, "outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }

    static final String DEMO_ID = "1";
    static final String DEMO = "demo";
    static final String OTHER_ID = "2";
    static final String OTHER = "other";
    /** The SCP's AE for organization demo, and the calling AE titles it allows. */
    static final String DEMO_AE = "GWDEMO";
    static final List<String> DEMO_CALLERS = List.of("STORESCU", "LOOPBACK");
    /** The shared AE, and the calling AE that it maps to organization other. */
    static final String SHARED_AE = "GWSHARED";
    static final String ROUTER = "ROUTER";
    static final String KOS_CLASS = "1.2.840.10008.5.1.4.1.1.88.59";
    static final Duration AWAIT = Duration.ofSeconds(60);

    static final FhirContext FHIR = FhirContext.forDstu3();

    static {
        FHIR.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
        FHIR.getRestfulClientFactory().setSocketTimeout(60_000);
    }

    private IngestTestSupport() {
    }

    /**
     * Settings for organizations demo (id 1: SCP AE {@link #DEMO_AE}, polled every
     * {@code pollInterval} unless null) and other (id 2, reached through the shared AE by
     * {@link #ROUTER}), both bound to {@code orthanc}; the SCP on a free port when {@code scp}.
     */
    static Map<String, String> properties(PrivateOrthanc orthanc, String pollInterval, boolean scp) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("gateway.data-dir", tempDir("ingest-h2").toString());
        String[][] orgs = {{DEMO_ID, DEMO}, {OTHER_ID, OTHER}};
        for (int i = 0; i < orgs.length; i++) {
            String o = "gateway.organizations[" + i + "].";
            p.put(o + "id", orgs[i][0]);
            p.put(o + "slug", orgs[i][1]);
            p.put(o + "name", "Organization " + orgs[i][1]);
            p.putAll(ApiTestSupport.orthancBinding(o, orthanc));
            p.put(o + "pacs.connect-timeout", "2s");
            p.put(o + "pacs.response-timeout", "20s");
        }
        p.put("gateway.organizations[0].scp-ae-title", DEMO_AE);
        for (int i = 0; i < DEMO_CALLERS.size(); i++) {
            p.put("gateway.organizations[0].scp-allowed-calling-aes[" + i + "]", DEMO_CALLERS.get(i));
        }
        if (pollInterval != null) {
            p.put("gateway.organizations[0].ingest.poll-interval", pollInterval);
            p.put("gateway.organizations[0].ingest.page-size", "5");
        }
        if (scp) {
            p.put("gateway.scp.port", "0");
            p.put("gateway.scp.ae-title", SHARED_AE);
            p.put("gateway.scp.calling-ae-organizations." + ROUTER, OTHER);
        }
        p.put("management.endpoints.web.exposure.include", "health,prometheus,quarantine");
        return p;
    }

    static void register(DynamicPropertyRegistry registry, Map<String, String> properties) {
        properties.forEach((key, value) -> registry.add(key, () -> value));
    }

    /**
     * A temporary directory holding the same embedded JWT signing key as every API test's data
     * directory, so {@link ApiTestSupport#token(String)} is accepted by a gateway using it as its
     * {@code gateway.data-dir}.
     */
    static Path tempDir(String prefix) {
        try {
            Path dir = Files.createTempDirectory(prefix);
            dir.toFile().deleteOnExit();
            ApiTestSupport.token(DEMO); // creates the shared key if no test has yet
            Files.copy(ApiTestSupport.DATA_DIR.resolve(SigningKey.FILE_NAME), dir.resolve(SigningKey.FILE_NAME));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A KOS of the template with {@code uids} (see {@link TestData#freshKosUids()}), edited by {@code edit}. */
    static Path kosFile(Path dir, Map<String, String> uids, UnaryOperator<String> edit) {
        String name = "kos-" + uids.get("SOP_UID") + ".dcm";
        return TestData.dicomFromDump(edit.apply(TestData.kosTemplate(uids)), dir, name);
    }

    static Path kosFile(Path dir, Map<String, String> uids) {
        return kosFile(dir, uids, UnaryOperator.identity());
    }

    /** A tiny CT image of the KOS template's patient. */
    static Path ctFile(Path dir, String studyUid, String seriesUid, String sopUid, int number) {
        String dump = TestData.text("ingest/ct-image.dump").replace("@SOP_UID@", sopUid)
                .replace("@STUDY_UID@", studyUid).replace("@SERIES_UID@", seriesUid)
                .replace("@PATIENT_ID@", "PAT-KOS-1").replace("@NUMBER@", Integer.toString(number));
        return TestData.dicomFromDump(dump, dir, "ct-" + sopUid + ".dcm");
    }

    /** An IOCM rejection note (113001) in {@code studyUid} rejecting the KOS {@code rejectedSopUid}. */
    static Path rejectionNote(Path dir, String noteSopUid, String studyUid, String rejectedSeriesUid,
            String rejectedSopUid) {
        String dump = TestData.text("ingest/rejection-note.dump").replace("@SOP_UID@", noteSopUid)
                .replace("@STUDY_UID@", studyUid).replace("@NOTE_SERIES_UID@", TestData.newUid())
                .replace("@REJECTED_SERIES_UID@", rejectedSeriesUid).replace("@REJECTED_UID@", rejectedSopUid)
                .replace("@PATIENT_ID@", "PAT-KOS-1");
        return TestData.dicomFromDump(dump, dir, "note-" + noteSopUid + ".dcm");
    }

    /** DCMTK storescu of {@code files} to the gateway's SCP, verbose so that statuses are printed. */
    static ToolResult storescu(int port, String callingAe, String calledAe, Path... files) {
        List<String> command = new ArrayList<>(List.of("storescu", "-v", "-aet", callingAe, "-aec", calledAe,
                "-to", "20", "-ta", "20", "-td", "20", "127.0.0.1", Integer.toString(port)));
        for (Path f : files) {
            command.add(f.toString());
        }
        return Dcmtk.run(Duration.ofSeconds(90), command.toArray(String[]::new));
    }

    /** Stores a file straight into Orthanc (REST POST /instances), not through the gateway. */
    static void storeIntoOrthanc(PrivateOrthanc orthanc, Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        orthanc.post("/instances", "application/dicom", bytes);
    }

    static IGenericClient client(int httpPort, String org) {
        IGenericClient client = FHIR.newRestfulGenericClient("http://127.0.0.1:" + httpPort + "/organizations/"
                + org + "/fhir/3");
        client.registerInterceptor(new BearerTokenAuthInterceptor(ApiTestSupport.token(org)));
        return client;
    }

    /** The current manifests whose identifier names KOS {@code sopUid}. */
    static List<ImagingManifest> byKos(IGenericClient client, String sopUid) {
        Bundle bundle = client.search().forResource(ImagingManifest.class)
                .where(ImagingManifest.IDENTIFIER.exactly().systemAndCode("urn:dicom:uid", "urn:oid:" + sopUid))
                .returnBundle(Bundle.class).execute();
        return resources(bundle);
    }

    /** The current manifests that select study {@code studyUid} ({@code selected-study} search). */
    static List<ImagingManifest> bySelectedStudy(IGenericClient client, String studyUid) {
        Bundle bundle = client.search().forResource(ImagingManifest.class)
                .where(new UriClientParam("selected-study").matches().value(studyUid))
                .returnBundle(Bundle.class).execute();
        return resources(bundle);
    }

    private static List<ImagingManifest> resources(Bundle bundle) {
        assertThat(bundle.getLink(Bundle.LINK_NEXT)).as("one page").isNull();
        return bundle.getEntry().stream().map(e -> (ImagingManifest) e.getResource()).toList();
    }

    /** Waits (up to {@link #AWAIT}) until {@code probe} yields a value; fails with {@code what} otherwise. */
    static <T> T await(String what, Supplier<Optional<T>> probe) {
        long deadline = System.nanoTime() + AWAIT.toNanos();
        while (true) {
            Optional<T> value = probe.get();
            if (value.isPresent()) {
                return value.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + AWAIT + ": " + what);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what);
            }
        }
    }

    /** Waits for exactly one manifest backed by KOS {@code sopUid}. */
    static ImagingManifest awaitManifest(IGenericClient client, String sopUid) {
        return await("a manifest for KOS " + sopUid, () -> {
            List<ImagingManifest> found = byKos(client, sopUid);
            assertThat(found).as("manifests of KOS " + sopUid).hasSizeLessThanOrEqualTo(1);
            return found.stream().findFirst();
        });
    }

    /** Each series reaches a contained dicom-wado-rs Endpoint at the binding's public DICOMweb base. */
    static void assertWadoEndpoint(ImagingManifest m, ImagingManifest.SeriesComponent series,
            PrivateOrthanc orthanc) {
        List<Endpoint> endpoints = series.getEndpoint().stream().map(r -> contained(m, r))
                .filter(e -> e != null && "dicom-wado-rs".equals(e.getConnectionType().getCode())).toList();
        assertThat(endpoints).as("dicom-wado-rs endpoints of series " + series.getUid()).hasSize(1);
        assertThat(endpoints.get(0).getAddress()).isEqualTo(orthanc.dicomwebUrl().toString());
    }

    static Endpoint contained(ImagingManifest m, Reference reference) {
        String id = reference.getReference();
        for (Resource r : m.getContained()) {
            String cid = r.getIdElement().getIdPart();
            if (r instanceof Endpoint e && id != null && (id.equals("#" + cid) || id.equals(cid))) {
                return e;
            }
        }
        return null;
    }

    static String source(ImagingManifest m) {
        List<Extension> source = m.getMeta().getExtensionsByUrl(KosIngestion.META_SOURCE_EXTENSION);
        assertThat(source).hasSize(1);
        return ((UriType) source.get(0).getValue()).getValue();
    }
}
