package com.imagingmanifest.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.imagingmanifest.gateway.ingest.KosIngestion.Outcome;
import com.imagingmanifest.gateway.metrics.GatewayMetrics;
import com.imagingmanifest.gateway.ingest.KosIngestion.Result;
import com.imagingmanifest.gateway.ingest.KosIngestion.Retrieved;
import com.imagingmanifest.gateway.store.ManifestVersions;
import com.imagingmanifest.gateway.store.Stores;
import com.imagingmanifest.gateway.tenant.Tenant;
import com.imagingmanifest.pacs.PacsBinding;
import com.imagingmanifest.pacs.SupersededPolicy;
import com.imagingmanifest.testing.PostgresDatabase;
import com.imagingmanifest.testing.TestData;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.unit.DataSize;

/**
 * The poller's page path ({@link KosIngestion#retrievedPage}) gives every KOS the outcome the
 * one-by-one path gives it, in feed order, on both databases: rejection notes that reject a KOS of
 * the same page, a KOS listed twice, an unparseable file, a KOS decided before, and a look-up made
 * stale by another ingester between the look-up and the write.
 */
class KosIngestionPageTest {
    static final PostgresDatabase POSTGRES = PostgresDatabase.create();
    static final FhirContext FHIR = FhirContext.forDstu3();
    static Path dir;

    @BeforeAll
    static void directory() throws IOException {
        dir = Files.createTempDirectory("ingest-page");
    }

    @AfterAll
    static void dropDatabase() {
        POSTGRES.close();
    }

    /** The parts of an ingestion on one database; {@code records} may be a stale-looking one. */
    private record Rig(KosIngestion ingestion, ManifestVersions store, IngestRecords records, TransactionTemplate tx,
            Quarantine quarantine) {
        static Rig on(String database, Function<DataSource, IngestRecords> records) {
            return on(database, records, new IngestProperties(null, List.of()), new SimpleMeterRegistry());
        }

        static Rig on(String database, Function<DataSource, IngestRecords> records, IngestProperties properties,
                SimpleMeterRegistry meters) {
            DataSource ds = TestDatabases.migrated(database, POSTGRES);
            DataSourceTransactionManager transactions = new DataSourceTransactionManager(ds);
            Stores store = Stores.on(JdbcClient.create(ds), new JdbcTemplate(ds), new TransactionTemplate(transactions));
            IngestRecords used = records.apply(ds);
            Quarantine quarantine = new Quarantine(JdbcClient.create(ds));
            KosIngestion ingestion = new KosIngestion(store.versions(), store.kos(), used, quarantine, FHIR,
                    new GatewayMetrics(meters), Clock.systemUTC(), transactions, properties);
            return new Rig(ingestion, store.versions(), used, new TransactionTemplate(transactions), quarantine);
        }

        /** As the poller calls it: inside the page's transaction. */
        List<Outcome> page(Tenant tenant, List<Retrieved> page) {
            return tx.execute(status -> ingestion.retrievedPage(tenant, "test", page)).stream()
                    .map(Result::outcome).toList();
        }

        List<Outcome> oneByOne(Tenant tenant, List<Retrieved> page) {
            return tx.execute(status -> page.stream()
                    .map(r -> ingestion.retrieved(tenant, "test", r.sopInstanceUid(), r.part10()).outcome()).toList());
        }
    }

    private static Tenant tenant() {
        PacsBinding binding = new PacsBinding(PacsBinding.Kind.ORTHANC, "ORTHANC", "127.0.0.1", 104, "GW",
                null, null, null, null, null, SupersededPolicy.KEEP, Duration.ofSeconds(1), Duration.ofSeconds(1));
        String id = "page-" + UUID.randomUUID().toString().substring(0, 8);
        return new Tenant(id, id, id, binding);
    }

    private static Retrieved kos(Map<String, String> uids) {
        return new Retrieved(uids.get("SOP_UID"), read(IngestTestSupport.kosFile(dir, uids)));
    }

    private static Retrieved note(Map<String, String> rejected) {
        String uid = TestData.newUid();
        return new Retrieved(uid, read(IngestTestSupport.rejectionNote(dir, uid, rejected.get("STUDY_UID"),
                rejected.get("KOS_SERIES_UID"), rejected.get("SOP_UID"))));
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void theQuarantineKeepsWithinItsQuotaDroppingTheOldestFirst(String database) {
        Tenant tenant = tenant();
        IngestProperties properties = new IngestProperties(null, List.of(new IngestProperties.Organization(
                tenant.id(), null, List.of(), List.of(), List.of(),
                new IngestProperties.Ingest(true, null, 100, DataSize.ofBytes(2500), 5))));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Rig rig = Rig.on(database, TestDatabases::records, properties, meters);
        List<Retrieved> broken = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            byte[] notDicom = new byte[1000];
            Arrays.fill(notDicom, (byte) ('a' + i));
            broken.add(new Retrieved(TestData.newUid(), notDicom));
        }
        assertThat(rig.oneByOne(tenant, broken)).containsOnly(Outcome.QUARANTINED);

        Quarantine quarantine = rig.quarantine();
        assertThat(quarantine.count(tenant.id())).as("3000 bytes against a 2500-byte quota").isEqualTo(2);
        assertThat(quarantine.list(100)).filteredOn(item -> item.organization().equals(tenant.id()))
                .extracting(Quarantine.Item::sopInstanceUid)
                .containsExactlyInAnyOrder(broken.get(1).sopInstanceUid(), broken.get(2).sopInstanceUid());
        assertThat(meters.get("gateway.quarantine.dropped").tag("tenant", tenant.slug()).counter().count())
                .isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aMixedPageGetsTheOutcomesOfTheOneByOnePathInFeedOrder(String database) {
        Map<String, String> a = TestData.freshKosUids();
        Map<String, String> b = TestData.freshKosUids();
        Map<String, String> c = TestData.freshKosUids();
        Map<String, String> decidedBefore = TestData.freshKosUids();
        Map<String, String> rejectedAhead = TestData.freshKosUids();
        List<Retrieved> page = List.of(kos(a), kos(b), note(a), kos(c), kos(c),
                new Retrieved(TestData.newUid(), "not DICOM at all".getBytes()), kos(decidedBefore),
                note(rejectedAhead), kos(rejectedAhead));
        List<Outcome> expected = List.of(Outcome.MANIFEST, Outcome.MANIFEST, Outcome.REJECTION_APPLIED,
                Outcome.MANIFEST, Outcome.DUPLICATE, Outcome.QUARANTINED, Outcome.DUPLICATE,
                Outcome.REJECTION_IGNORED, Outcome.REJECTED_EARLIER);

        Rig rig = Rig.on(database, TestDatabases::records);
        Tenant paged = tenant();
        Tenant single = tenant();
        for (Tenant t : List.of(paged, single)) {
            rig.oneByOne(t, List.of(kos(decidedBefore)));
        }
        assertThat(rig.page(paged, page)).as("page path").containsExactlyElementsOf(expected);
        assertThat(rig.oneByOne(single, page)).as("one by one").containsExactlyElementsOf(expected);

        for (Tenant t : List.of(paged, single)) {
            assertThat(rig.store().currentBackedBy(t.id(), a.get("SOP_UID"))).as("rejected by the note").isEmpty();
            assertThat(rig.store().currentBackedBy(t.id(), b.get("SOP_UID"))).isPresent();
            assertThat(rig.store().currentBackedBy(t.id(), c.get("SOP_UID"))).as("one manifest for two copies")
                    .isPresent();
            assertThat(rig.store().currentBackedBy(t.id(), rejectedAhead.get("SOP_UID"))).isEmpty();
        }
        // a second reading of the same page (a poller that lost its cursor) makes nothing new
        assertThat(rig.page(paged, page)).filteredOn(o -> o == Outcome.MANIFEST).isEmpty();
    }

    /**
     * Another ingester (the SCP, another instance) decides a KOS after the page's look-up: the
     * batch loses on the unique key, its savepoint undoes it, and each KOS is decided alone.
     */
    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aKosDecidedAfterTheLookUpUndoesTheBatchAndEachIsDecidedAlone(String database) {
        List<Map<String, String>> uids = List.of(TestData.freshKosUids(), TestData.freshKosUids(),
                TestData.freshKosUids());
        String meanwhile = uids.get(1).get("SOP_UID");
        // answers "never seen" about the KOS decided meanwhile, as a look-up made just before would
        Rig rig = Rig.on(database, ds -> new IngestRecords(JdbcClient.create(ds), new JdbcTemplate(ds)) {
            @Override
            Map<String, Known> known(String org, Collection<String> sopUids) {
                Map<String, Known> known = super.known(org, sopUids);
                return known.keySet().stream().collect(Collectors.toMap(k -> k,
                        k -> k.equals(meanwhile) ? new Known(false, false) : known.get(k)));
            }
        });
        Tenant tenant = tenant();
        rig.records().record(tenant.id(), meanwhile, null, "manifest", "by the SCP", "scp", Instant.now());

        List<Retrieved> page = new ArrayList<>();
        uids.forEach(u -> page.add(kos(u)));
        assertThat(rig.page(tenant, page)).containsExactly(Outcome.MANIFEST, Outcome.DUPLICATE, Outcome.MANIFEST);
        assertThat(rig.store().currentBackedBy(tenant.id(), uids.get(0).get("SOP_UID"))).isPresent();
        assertThat(rig.store().currentBackedBy(tenant.id(), meanwhile)).as("decided by the other ingester").isEmpty();
        assertThat(rig.store().currentBackedBy(tenant.id(), uids.get(2).get("SOP_UID"))).isPresent();
    }
}
