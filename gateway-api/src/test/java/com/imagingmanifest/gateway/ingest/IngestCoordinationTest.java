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
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
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
        DataSource ds = switch (database) {
            case "h2" -> new SimpleDriverDataSource(new org.h2.Driver(),
                    "jdbc:h2:mem:coordination-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
            case "postgresql" -> new SimpleDriverDataSource(new org.postgresql.Driver(), POSTGRES.jdbcUrl(),
                    POSTGRES.username(), POSTGRES.password());
            default -> throw new IllegalArgumentException(database);
        };
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        return ds;
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void aSecondPollerSkipsTheLockedCursorAndGetsItOnceReleased(String database) throws Exception {
        DataSource ds = dataSource(database);
        IngestRecords records = new IngestRecords(JdbcClient.create(ds));
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
        IngestRecords records = new IngestRecords(JdbcClient.create(ds));
        String sop = "2.25." + Math.abs(UUID.randomUUID().getMostSignificantBits());
        records.record("1", sop, "a", "manifest", null, "test", Instant.now());
        assertThatThrownBy(() -> records.record("1", sop, "b", "manifest", null, "test", Instant.now()))
                .isInstanceOf(DuplicateKeyException.class);
        assertThat(records.isIngested("1", sop)).isTrue();
        // another organization bound to the same PACS gets its own manifest
        records.record("2", sop, "c", "manifest", null, "test", Instant.now());
        assertThat(records.isIngested("2", sop)).isTrue();
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
