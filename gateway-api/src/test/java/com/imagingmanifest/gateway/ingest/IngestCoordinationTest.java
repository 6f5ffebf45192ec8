package com.imagingmanifest.gateway.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.imagingmanifest.testing.PostgresDatabase;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The two database mechanisms that make several gateway instances ingest each KOS once, on both
 * databases the gateway supports: the cursor row lock that a second poller skips, and the unique
 * ingested SOP Instance UID that a second insert loses on.
 */
class IngestCoordinationTest {
    static final PostgresDatabase POSTGRES = PostgresDatabase.create();

    @AfterAll
    static void dropDatabase() {
        POSTGRES.close();
    }

    private static DataSource dataSource(String database) {
        return TestDatabases.migrated(database, POSTGRES);
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aSecondPollerSkipsTheLockedCursorAndGetsItOnceReleased(String database) throws Exception {
        DataSource ds = dataSource(database);
        IngestRecords records = TestDatabases.records(ds);
        TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(ds));
        String org = "org-" + UUID.randomUUID();
        records.ensureCursor(org, "orthanc", Instant.now());
        records.ensureCursor(org, "orthanc", Instant.now()); // a second instance's call is harmless

        CountDownLatch locked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Optional<IngestRecords.Cursor>> first = CompletableFuture.supplyAsync(() ->
                tx.execute(status -> {
                    Optional<IngestRecords.Cursor> c = records.lockCursor(org);
                    locked.countDown();
                    await(release);
                    records.saveCursor(org, "orthanc", "42", Instant.now());
                    return c;
                }));
        assertThat(locked.await(10, TimeUnit.SECONDS)).isTrue();
        Optional<IngestRecords.Cursor> second = tx.execute(status -> records.lockCursor(org));
        assertThat(second).as("skipped while the first poller holds it").isEmpty();
        release.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS)).isPresent();
        Optional<IngestRecords.Cursor> after = tx.execute(status -> records.lockCursor(org));
        assertThat(after).map(IngestRecords.Cursor::position).contains("42");
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aKosIsRecordedOnceASecondInsertLoses(String database) {
        DataSource ds = dataSource(database);
        IngestRecords records = TestDatabases.records(ds);
        String sop = "2.25." + Math.abs(UUID.randomUUID().getMostSignificantBits());
        records.record("1", sop, "a", "manifest", null, "test", Instant.now());
        assertThatThrownBy(() -> records.record("1", sop, "b", "manifest", null, "test", Instant.now()))
                .isInstanceOf(DuplicateKeyException.class);
        assertThat(records.known("1", sop).ingested()).isTrue();
        // another organization bound to the same PACS gets its own manifest
        records.record("2", sop, "c", "manifest", null, "test", Instant.now());
        assertThat(records.known("2", sop).ingested()).isTrue();
    }

    /**
     * A watermark cursor names every SOP Instance UID reported at its second: thousands of them are
     * kept whole (a shortened one would report the cut-off KOS again), a runaway one is refused.
     */
    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aLongCursorIsKeptWholeAndARunawayOneIsRefused(String database) {
        DataSource ds = dataSource(database);
        IngestRecords records = TestDatabases.records(ds);
        TransactionTemplate tx = new TransactionTemplate(new DataSourceTransactionManager(ds));
        String org = "org-" + UUID.randomUUID();
        records.ensureCursor(org, "dimse", Instant.now());
        StringBuilder cursor = new StringBuilder("w1:20240115101500:");
        for (int i = 0; i < 2000; i++) {
            cursor.append(i == 0 ? "" : ",").append("2.25.")
                    .append(UUID.randomUUID().getMostSignificantBits() & Long.MAX_VALUE);
        }
        String position = cursor.toString();
        tx.executeWithoutResult(status -> records.saveCursor(org, "dimse", position, Instant.now()));
        Optional<IngestRecords.Cursor> saved = tx.execute(status -> records.lockCursor(org));
        assertThat(saved).map(IngestRecords.Cursor::position).contains(position);

        String runaway = "w1:20240115101500:" + "1".repeat(IngestRecords.MAX_CURSOR_LENGTH);
        assertThatThrownBy(() -> records.saveCursor(org, "dimse", runaway, Instant.now()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not saved");
        Optional<IngestRecords.Cursor> kept = tx.execute(status -> records.lockCursor(org));
        assertThat(kept).map(IngestRecords.Cursor::position).contains(position);
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
