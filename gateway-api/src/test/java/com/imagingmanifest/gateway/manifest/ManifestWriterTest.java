package com.imagingmanifest.gateway.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.gateway.ApiTestSupport;
import com.imagingmanifest.gateway.FakeKosTranslation;
import com.imagingmanifest.gateway.FakePacs;
import com.imagingmanifest.gateway.store.Stores;
import com.imagingmanifest.gateway.store.StoredVersion;
import com.imagingmanifest.gateway.store.VersionKey;
import com.imagingmanifest.gateway.tenant.PacsConnections;
import com.imagingmanifest.gateway.tenant.Tenant;
import com.imagingmanifest.pacs.InstanceRef;
import com.imagingmanifest.pacs.PacsBinding;
import com.imagingmanifest.pacs.SupersededPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.h2.jdbcx.JdbcDataSource;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The write path's crash-safety and superseded-KOS rules, on an in-memory store and PACS. */
class ManifestWriterTest {
    static final FhirContext FHIR = FhirContext.forDstu3Cached();

    Stores store;
    JdbcClient jdbc;
    FakePacs pacs;
    ManifestWriter writer;
    WriteRecovery recovery;
    ApiTestSupport.Study study;

    @BeforeEach
    void setUp() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:writer" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        jdbc = JdbcClient.create(ds);
        store = Stores.on(ds);
        pacs = new FakePacs();
        study = new ApiTestSupport.Study(Uid.generate(), Uid.generate(), List.of(Uid.generate(), Uid.generate()),
                Uid.CTImageStorage, "PAT-W", "ISSUER");
        pacs.addStudy(study.studyUid(), study.patientId(), study.issuer());
    }

    private Tenant tenant(SupersededPolicy policy) {
        PacsBinding binding = new PacsBinding(PacsBinding.Kind.ORTHANC, "ORTHANC", "127.0.0.1", 104, "GW",
                null, null, null, null, null, policy, Duration.ofSeconds(1), Duration.ofSeconds(1));
        Tenant tenant = new Tenant("1", "demo", "Demo", binding);
        PacsConnections connections = new PacsConnections(b -> pacs);
        writer = new ManifestWriter(store.versions(), store.intents(), store.kos(), connections,
                new FakeKosTranslation(), FHIR, Clock.systemUTC());
        recovery = new WriteRecovery(store.intents(), store.kos(), new com.imagingmanifest.gateway.tenant.Tenants(
                new com.imagingmanifest.gateway.config.GatewayProperties(null, null, null, List.of())) {
            @Override
            public java.util.Optional<Tenant> find(String idOrSlug) {
                return java.util.Optional.of(tenant);
            }
        }, connections, Clock.systemUTC());
        return tenant;
    }

    private ImagingManifest twoStudies() {
        ApiTestSupport.Study second = new ApiTestSupport.Study(Uid.generate(), Uid.generate(), study.sopUids(),
                study.sopClassUid(), study.patientId(), study.issuer());
        pacs.addStudy(second.studyUid(), second.patientId(), second.issuer());
        ImagingManifest m = ApiTestSupport.manifest(study, 1, "two studies");
        m.addStudy(ApiTestSupport.manifest(second, 1, "x").getStudyFirstRep());
        return m;
    }

    private long openIntents() {
        return jdbc.sql("SELECT COUNT(*) FROM write_intent WHERE settled IS NULL").query(Long.class).single();
    }

    @Test
    void aStoreFailureRemovesTheKosAlreadyStoredAndCommitsNothing() {
        Tenant tenant = tenant(SupersededPolicy.DELETE);
        pacs.storesBeforeTimeout.set(1);
        assertThatThrownBy(() -> writer.create(tenant, twoStudies()))
                .isInstanceOf(ManifestException.PacsUnavailable.class);
        assertThat(pacs.stored).isEmpty();
        assertThat(store.versions().history("1", null, null, null, 1).keys()).isEmpty();
        // a timed-out store may still land on the PACS: recovery looks again after the grace
        assertThat(openIntents()).isEqualTo(1);
        pacs.stored.put(lateKos(), new byte[0]);
        assertThat(recovery.settle(Instant.now().plusSeconds(3600))).isEqualTo(1);
        assertThat(pacs.stored).as("the KOS that arrived late is removed too").isEmpty();
        assertThat(openIntents()).isZero();
    }

    /** The SOP Instance UID of the second KOS the open intent names: the one whose store timed out. */
    private String lateKos() {
        List<com.imagingmanifest.gateway.store.WriteIntent> open = store.intents().openBefore(Instant.now().plusSeconds(3600));
        assertThat(open).hasSize(1);
        return open.get(0).kos().get(1).sopInstanceUid();
    }

    @Test
    void recoveryRemovesKosOfIntentsThatNeverCommitted() {
        Tenant tenant = tenant(SupersededPolicy.DELETE);
        String orphan = Uid.generate();
        pacs.stored.put(orphan, new byte[0]);
        InstanceRef ref = new InstanceRef(study.studyUid(), Uid.generate(), orphan, Uid.KeyObjectSelectionDocumentStorage);
        store.intents().openWrite(tenant.id(), "crashed", List.of(ref), Instant.now().minusSeconds(3600));
        StoredVersion committed = writer.create(tenant, ApiTestSupport.manifest(study, 1, "kept"));
        String kept = store.kos().ofVersion("1", new VersionKey(committed.resourceId(), 1)).get(0).sopInstanceUid();

        assertThat(recovery.settle(Instant.now())).isEqualTo(1);
        assertThat(pacs.stored).doesNotContainKey(orphan).containsKey(kept);
        assertThat(openIntents()).isZero();
        assertThat(recovery.settle(Instant.now())).isZero();
    }

    @Test
    void aWriteOvertakenByRecoveryWhileStoringRemovesTheKosItStoredAndAnswers503() {
        Tenant tenant = tenant(SupersededPolicy.DELETE);
        // the write outlives the grace: recovery takes its intent over and, the KOS not being there yet,
        // has nothing to remove; then the C-STORE completes
        pacs.whileStoring = () -> {
            pacs.whileStoring = () -> { };
            assertThat(recovery.settle(Instant.now().plusSeconds(3600))).isEqualTo(1);
        };
        assertThatThrownBy(() -> writer.create(tenant, ApiTestSupport.manifest(study, 1, "overtaken")))
                .isInstanceOf(ManifestException.WriteUndone.class);
        assertThat(pacs.stored).as("no orphan KOS").isEmpty();
        assertThat(store.versions().history("1", null, null, null, 1).keys()).isEmpty();
        assertThat(openIntents()).isZero();
    }

    @Test
    void aWriteOvertakenByRecoveryLeavesAnIntentForAKosItCannotRemoveYet() {
        Tenant tenant = tenant(SupersededPolicy.DELETE);
        pacs.whileStoring = () -> {
            pacs.whileStoring = () -> { };
            recovery.settle(Instant.now().plusSeconds(3600));
            pacs.refuseRemovals = true;
        };
        assertThatThrownBy(() -> writer.create(tenant, ApiTestSupport.manifest(study, 1, "overtaken")))
                .isInstanceOf(ManifestException.WriteUndone.class);
        assertThat(pacs.stored).hasSize(1);
        assertThat(openIntents()).as("the KOS left is recovery's to remove").isEqualTo(1);
        pacs.refuseRemovals = false;
        assertThat(recovery.settle(Instant.now().plusSeconds(3600))).isEqualTo(1);
        assertThat(pacs.stored).isEmpty();
        assertThat(openIntents()).isZero();
    }

    @Test
    void recoveryKeepsAnIntentOpenWhileThePacsIsDown() {
        Tenant tenant = tenant(SupersededPolicy.DELETE);
        InstanceRef ref = new InstanceRef(study.studyUid(), Uid.generate(), Uid.generate(),
                Uid.KeyObjectSelectionDocumentStorage);
        store.intents().openWrite(tenant.id(), "crashed", List.of(ref), Instant.now().minusSeconds(3600));
        pacs.down = true;
        assertThat(recovery.settle(Instant.now())).isZero();
        assertThat(openIntents()).isEqualTo(1);
        pacs.down = false;
        assertThat(recovery.settle(Instant.now())).isEqualTo(1);
    }

    @Test
    void policyKeepLeavesTheSupersededKosAndDeleteRemovesIt() {
        Tenant keep = tenant(SupersededPolicy.KEEP);
        StoredVersion v1 = writer.create(keep, ApiTestSupport.manifest(study, 1, "v1"));
        String kos1 = store.kos().ofVersion("1", new VersionKey(v1.resourceId(), 1)).get(0).sopInstanceUid();
        StoredVersion v2 = writer.update(keep, v1, ApiTestSupport.manifest(study, 2, "v2"));
        assertThat(pacs.stored).containsKey(kos1);
        String kos2 = store.kos().ofVersion("1", new VersionKey(v1.resourceId(), 2)).get(0).sopInstanceUid();
        assertThat(kos2).isNotEqualTo(kos1);

        Tenant delete = tenant(SupersededPolicy.DELETE);
        writer.delete(delete, v2);
        assertThat(pacs.stored).doesNotContainKey(kos2);
        assertThat(store.versions().current("1", v1.resourceId()).orElseThrow().deleted()).isTrue();
    }

    @Test
    void deleteWithThePacsDownIs503AndChangesNothing() {
        Tenant tenant = tenant(SupersededPolicy.DELETE);
        StoredVersion v1 = writer.create(tenant, ApiTestSupport.manifest(study, 1, "v1"));
        pacs.down = true;
        assertThatThrownBy(() -> writer.delete(tenant, v1))
                .isInstanceOf(ManifestException.PacsUnavailable.class);
        assertThat(store.versions().current("1", v1.resourceId()).orElseThrow().deleted()).isFalse();
    }

    @Test
    void aSupersededKosThePacsCouldNotRemoveIsRetiredByRecovery() {
        Tenant tenant = tenant(SupersededPolicy.DELETE);
        StoredVersion v1 = writer.create(tenant, ApiTestSupport.manifest(study, 1, "v1"));
        String kos1 = store.kos().ofVersion("1", new VersionKey(v1.resourceId(), 1)).get(0).sopInstanceUid();
        pacs.refuseRemovals = true;
        writer.update(tenant, v1, ApiTestSupport.manifest(study, 2, "v2"));
        assertThat(pacs.stored).containsKey(kos1);
        assertThat(openIntents()).isEqualTo(1);
        pacs.refuseRemovals = false;
        assertThat(recovery.settle(Instant.now().plusSeconds(1))).isEqualTo(1);
        assertThat(pacs.stored).doesNotContainKey(kos1);
        assertThat(openIntents()).isZero();
    }

    @Test
    void aClientDicomIdentifierNamesTheFirstKosOnlyOnCreate() {
        Tenant tenant = tenant(SupersededPolicy.DELETE);
        String chosen = Uid.generate();
        ImagingManifest m = ApiTestSupport.manifest(study, 1, "named");
        m.getIdentifier().setSystem("urn:dicom:uid").setValue("urn:oid:" + chosen);
        StoredVersion v1 = writer.create(tenant, m);
        assertThat(pacs.stored).containsKey(chosen);
        ImagingManifest again = ApiTestSupport.manifest(study, 1, "same uid");
        again.getIdentifier().setSystem("urn:dicom:uid").setValue("urn:oid:" + chosen);
        assertThatThrownBy(() -> writer.create(tenant, again))
                .isInstanceOfSatisfying(ManifestException.Unprocessable.class, e -> assertThat(e.reason())
                        .isEqualTo(ManifestException.Unprocessable.Reason.KOS_EXISTS));
        StoredVersion v2 = writer.update(tenant, v1, m);
        assertThat(store.kos().ofVersion("1", new VersionKey(v2.resourceId(), 2)).get(0).sopInstanceUid())
                .isNotEqualTo(chosen);
    }
}
