package com.imagingmanifest.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.gateway.store.IndexEntries;
import com.imagingmanifest.gateway.store.ManifestVersions;
import com.imagingmanifest.gateway.store.Stores;
import com.imagingmanifest.pacs.InstanceRef;
import com.imagingmanifest.testing.PostgresDatabase;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The look-ups ingestion makes for every KOS: what they answer on both databases, and, on
 * PostgreSQL, that they read a handful of rows however many settled write intents the store holds
 * (every write through the API leaves one behind, and none is ever deleted).
 */
class IngestLookupsTest {
    static final PostgresDatabase POSTGRES = PostgresDatabase.create();

    @AfterAll
    static void dropDatabase() {
        POSTGRES.close();
    }

    private static DataSource dataSource(String database) {
        return TestDatabases.migrated(database, POSTGRES);
    }

    private static Stores store(DataSource ds) {
        return Stores.on(ds);
    }

    private static InstanceRef kos(String sop) {
        return new InstanceRef("2.25.1", "2.25.2", sop, Uid.KeyObjectSelectionDocumentStorage);
    }

    private static String uid() {
        return "2.25." + Math.abs(UUID.randomUUID().getMostSignificantBits());
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aKosIsTheGatewaysWhileItBacksAVersionOrAnOpenOrRecoveringIntentNamesIt(String database) {
        DataSource ds = dataSource(database);
        Stores store = store(ds);
        String org = "org-" + UUID.randomUUID();
        Instant now = Instant.now();
        String committed = uid();
        store.versions().commit(new ManifestVersions.VersionWrite(org, "m1", null, 1, now, "{}",
                new IndexEntries(List.of(), List.of(), null, null, null), List.of(kos(committed)), null));
        String open = uid();
        store.intents().openWrite(org, "m2", List.of(kos(open)), now);
        String recovering = uid();
        String taken = store.intents().openWrite(org, "m3", List.of(kos(recovering)), now);
        assertThat(store.intents().takeOver(taken, now)).isTrue();
        String settled = uid();
        store.intents().settle(store.intents().openWrite(org, "m4", List.of(kos(settled)), now), "abandoned: KOS removed", now);

        String ingested = uid();
        store.versions().commit(new ManifestVersions.VersionWrite(org, "m5", null, 1, now, "{}",
                new IndexEntries(List.of(), List.of(), null, null, null), List.of(kos(ingested)), null));
        TestDatabases.records(ds).record(org, ingested, "m5", "manifest", null, "test", now);

        assertThat(store.kos().isGatewayKos(committed)).as("backs a committed version").isTrue();
        assertThat(store.kos().isGatewayKos(ingested)).as("backs a version ingested from the PACS").isFalse();
        assertThat(store.kos().isGatewayKos(open)).as("named by an open intent").isTrue();
        assertThat(store.kos().isGatewayKos(recovering)).as("named by an intent recovery is settling").isTrue();
        assertThat(store.kos().isGatewayKos(settled)).as("its intent was settled without a version").isFalse();
        assertThat(store.kos().isGatewayKos(uid())).as("never seen").isFalse();
        // a UID that is a prefix of a known one is another UID
        assertThat(store.kos().isGatewayKos(open.substring(0, open.length() - 1))).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void knownTellsIngestedAndRejectedApartPerOrganization(String database) {
        IngestRecords records = TestDatabases.records(dataSource(database));
        String ingested = uid();
        String rejected = uid();
        records.record("a", ingested, "m", "manifest", null, "test", Instant.now());
        records.recordRejected("a", rejected, uid());

        assertThat(records.known("a", ingested)).isEqualTo(new IngestRecords.Known(true, false));
        assertThat(records.known("a", rejected)).isEqualTo(new IngestRecords.Known(false, true));
        assertThat(records.known("a", uid())).isEqualTo(new IngestRecords.Known(false, false));
        assertThat(records.known("b", ingested)).as("another organization").isEqualTo(new IngestRecords.Known(false, false));
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aKosTheGatewayRemovedWithoutANoteIsBarredFromEverySource(String database) {
        DataSource ds = dataSource(database);
        IngestRecords records = TestDatabases.records(ds);
        String org = "org-" + UUID.randomUUID();
        String removed = uid();
        // what GatewayRejections.discard records when the PACS deleted the KOS: no note
        new IngestedRejections(records).rejected(org, removed, null);
        assertThat(records.known(org, removed)).isEqualTo(new IngestRecords.Known(false, true));
        assertThat(records.rejectedFor(org, removed, "pacs:demo")).isTrue();
        assertThat(records.rejectedFor(org, removed, "scp:OTHER")).isTrue();
        // the same KOS recorded again (a retried removal) changes nothing
        new IngestedRejections(records).rejected(org, removed, null);
        assertThat(records.known(org, removed)).isEqualTo(new IngestRecords.Known(false, true));
    }

    /**
     * Counts, from PostgreSQL's statistics    /**
     * Counts, from PostgreSQL's statistics of the current transaction, the rows each table gave up
     * to the look-ups. Sequential scans are disabled for the transaction so that a look-up the
     * indexes can answer is answered from them even on a test-sized table; one they cannot answer
     * still reads every row (by a sequential or a full index scan), which this test catches.
     */
    @Test
    void onPostgresqlTheLookupsReadAHandfulOfRowsAmongThousandsOfSettledIntents() {
        DataSource ds = dataSource("postgresql");
        Stores store = store(ds);
        IngestRecords records = TestDatabases.records(ds);
        JdbcClient jdbc = JdbcClient.create(ds);
        String org = "plan-" + UUID.randomUUID();
        // 5,000 writes that went well, as the API leaves them: settled, outcome committed
        jdbc.sql("INSERT INTO write_intent (intent_id, purpose, org_id, res_id, created, kos, settled, outcome)"
                        + " SELECT ? || i, 'WRITE', ?, 'r' || i, i, '2.25.1 2.25.2 2.25.9' || i || ' "
                        + Uid.KeyObjectSelectionDocumentStorage + "' || chr(10), i + 1, 'committed'"
                        + " FROM generate_series(1, 5000) AS i")
                .params(org, org).update();
        String open = uid();
        store.intents().openWrite(org, "open", List.of(kos(open)), Instant.now());
        jdbc.sql("ANALYZE write_intent").update();

        Map<String, Long> read = new TransactionTemplate(new DataSourceTransactionManager(ds)).execute(tx -> {
            jdbc.sql("SET LOCAL enable_seqscan = off").update();
            assertThat(store.kos().isGatewayKos(open)).isTrue();
            assertThat(store.kos().isGatewayKos("2.25.94999")).as("its intent is settled").isFalse();
            assertThat(records.known(org, open).ingested()).isFalse();
            assertThat(store.intents().openBefore(Instant.now().plusSeconds(60))).extracting(i -> i.intentId()).isNotEmpty();
            return jdbc.sql("SELECT relname, COALESCE(seq_tup_read, 0) + COALESCE(idx_tup_fetch, 0)"
                            + " FROM pg_stat_xact_user_tables WHERE relname IN ('write_intent', 'manifest_kos',"
                            + " 'ingested_kos', 'rejected_kos')")
                    .query((rs, n) -> Map.entry(rs.getString(1), rs.getLong(2))).list().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        });
        assertThat(read).as("rows read per table").containsKey("write_intent");
        // each look-up reads the open intents only (this test's and any other test's still open)
        assertThat(read.get("write_intent")).as("write_intent rows read").isLessThan(200);
        assertThat(read.values()).as("rows read per table: %s", read).allMatch(rows -> rows < 200);
    }
}
