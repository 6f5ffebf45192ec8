package com.imagingmanifest.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.imagingmanifest.gateway.manifest.WriteRecovery;
import com.imagingmanifest.gateway.metrics.GatewayMetrics;
import com.imagingmanifest.gateway.store.WriteIntents;
import com.imagingmanifest.pacs.InstanceRef;
import com.imagingmanifest.testing.Dcmqrscp;
import com.imagingmanifest.testing.Dcmtk;
import com.imagingmanifest.testing.FreePorts;
import com.imagingmanifest.testing.ToolResult;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.dstu3.model.IdType;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The API contract with {@code kind=dimse} against DCMTK's dcmqrscp, a DIMSE-only archive without
 * delete, on the embedded H2 store: every superseded or deleted KOS stays on the archive beside a
 * rejection note (the kind's default policy, reject). Studies are stored with DCMTK's storescu; the
 * test's checks use a DIMSE binding of their own (hierarchical C-FIND, C-GET).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DcmqrscpH2ApiTest extends ManifestApiContract {
    static final Dcmqrscp ARCHIVE = Dcmqrscp.start("QRARCHIVE", List.of());
    static final DcmqrscpProbe PROBE = new DcmqrscpProbe(ARCHIVE);

    static final String REFUSING_SLUG = "refused";

    @Autowired
    WriteIntents intents;

    @Autowired
    WriteRecovery recovery;

    @Autowired
    MeterRegistry meters;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ApiTestSupport.dcmqrscpOrganizations(registry, ARCHIVE, FreePorts.find());
        // a fourth organization whose binding names an AE title the archive does not know: every
        // association is answered A-ASSOCIATE-RJ (called AE title not recognized)
        String p = "gateway.organizations[3].";
        registry.add(p + "id", () -> "4");
        registry.add(p + "slug", () -> REFUSING_SLUG);
        registry.add(p + "name", () -> "Org refused by its archive");
        registry.add(p + "pacs.kind", () -> "dimse");
        registry.add(p + "pacs.ae-title", () -> "NOSUCHAE");
        registry.add(p + "pacs.host", ARCHIVE::host);
        registry.add(p + "pacs.port", ARCHIVE::port);
        registry.add(p + "pacs.connect-timeout", () -> "2s");
        registry.add(p + "pacs.response-timeout", () -> "20s");
    }

    @AfterAll
    static void stopArchive() {
        PROBE.close();
        ARCHIVE.close();
    }

    @Override
    protected ApiTestSupport.Study newStudy(String patientId) {
        return PROBE.newCtStudy(patientId);
    }

    /** A new two-image CT study stored on {@code archive} with DCMTK's storescu. */
    static ApiTestSupport.Study storeStudy(Dcmqrscp archive, String patientId) {
        try (DcmqrscpProbe probe = new DcmqrscpProbe(archive)) {
            return probe.newCtStudy(patientId);
        }
    }

    @Override
    protected boolean kosOnPacs(String studyUid, String sopUid) {
        return PROBE.kosOfStudy(studyUid).containsKey(sopUid);
    }

    @Override
    protected boolean kosRetired(String studyUid, String sopUid) {
        return PROBE.rejections(studyUid).containsKey(sopUid);
    }

    @Override
    protected void verifyKos(String studyUid, String sopUid) {
        byte[] file = PROBE.fetch(studyUid, sopUid);
        try {
            Path path = Files.write(Files.createTempFile("kos", ".dcm"), file);
            ToolResult result = Dcmtk.dciodvfy(path);
            assertThat(result.output().lines().filter(l -> l.startsWith("Error")).toList())
                    .as("dciodvfy errors:\n%s", result.output()).isEmpty();
            Files.delete(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void createUpdateDeleteLeaveTheCurrentKosAndOneRejectionNotePerRetiredKosAndNoOpenIntent() {
        ApiTestSupport.Study study = newStudy("PAT-QR1");
        IdType id = (IdType) demo().create().resource(ApiTestSupport.manifest(study, 1, "v1")).execute().getId();
        ImagingManifest v1 = demo().read().resource(ImagingManifest.class).withId(id.getIdPart()).execute();
        String kos1 = kosUid(v1);
        v1.setDescription("v2");
        demo().update().resource(v1).withId(id.getIdPart()).execute();
        String kos2 = kosUid(demo().read().resource(ImagingManifest.class).withId(id.getIdPart()).execute());

        Map<String, String> rejected = PROBE.rejections(study.studyUid());
        assertThat(rejected).containsOnlyKeys(kos1).containsValue("113001");
        assertThat(PROBE.kosOfStudy(study.studyUid())).hasSize(3); // kos1, its note, kos2

        demo().delete().resourceById("ImagingManifest", id.getIdPart()).execute();
        assertThat(PROBE.rejections(study.studyUid())).containsOnlyKeys(kos1, kos2);
        assertThat(PROBE.kosOfStudy(study.studyUid())).hasSize(4);
        assertThat(openIntents()).isZero();
    }

    @Test
    void recoveryRejectsAnUnacknowledgedKosForPatientSafetyAndSettlesItsIntent() {
        ApiTestSupport.Study study = newStudy("PAT-QR2");
        // the study's second image stands in for a KOS stored just before the gateway crashed
        String orphan = study.sopUids().get(1);
        intents.openWrite(ApiTestSupport.DEMO_ID, "crashed-write", List.of(new InstanceRef(study.studyUid(),
                study.seriesUid(), orphan, study.sopClassUid())), Instant.now().minusSeconds(3600));
        assertThat(openIntents()).isPositive();
        recovery.settle(Instant.now().minusSeconds(60));
        assertThat(PROBE.rejections(study.studyUid())).containsEntry(orphan, "113037");
        assertThat(openIntents()).isZero();
    }

    private double openIntents() {
        Gauge gauge = meters.find(GatewayMetrics.INTENTS_OPEN).tag("tenant", ApiTestSupport.DEMO_SLUG).gauge();
        assertThat(gauge).as("gauge %s of demo", GatewayMetrics.INTENTS_OPEN).isNotNull();
        return gauge.value();
    }

    /**
     * An archive that refuses the association (A-ASSOCIATE-RJ) is as unavailable as one that is down:
     * 503 with an OperationOutcome, nothing stored, and the rejection's reason in the log only.
     */
    @Test
    void aRefusedAssociationIs503AndChangesNothing() throws Exception {
        ApiTestSupport.Study study = newStudy("PAT-QRRJ");
        HttpResponse<String> response = ApiTestSupport.send("POST", ApiTestSupport.base(port, REFUSING_SLUG)
                + "/ImagingManifest", FHIR_JSON, ApiTestSupport.json(ApiTestSupport.manifest(study, 1, "refused")),
                Map.of());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        assertThat(outcome(response).getIssueFirstRep().getDiagnostics()).contains("refused")
                .doesNotContain("NOSUCHAE");
        HttpResponse<String> search = ApiTestSupport.get(ApiTestSupport.base(port, REFUSING_SLUG)
                + "/ImagingManifest?_total=accurate");
        assertThat(search.statusCode()).isEqualTo(200);
        assertThat(new ObjectMapper().readTree(search.body()).path("total").asInt(-1)).isZero();
    }
}
