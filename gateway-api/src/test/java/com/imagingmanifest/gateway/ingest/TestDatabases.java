package com.imagingmanifest.gateway.ingest;

import com.imagingmanifest.testing.PostgresDatabase;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/** The two databases the gateway supports, migrated, for tests that run on each. */
final class TestDatabases {
    private TestDatabases() {
    }

    /** {@code "h2"}: a new in-memory database; {@code "postgresql"}: {@code postgres}, migrated once. */
    static DataSource migrated(String database, PostgresDatabase postgres) {
        DataSource ds = switch (database) {
            case "h2" -> new SimpleDriverDataSource(new org.h2.Driver(),
                    "jdbc:h2:mem:ingest-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
            case "postgresql" -> new SimpleDriverDataSource(new org.postgresql.Driver(), postgres.jdbcUrl(),
                    postgres.username(), postgres.password());
            default -> throw new IllegalArgumentException(database);
        };
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        return ds;
    }

    static IngestRecords records(DataSource ds) {
        return new IngestRecords(JdbcClient.create(ds), new JdbcTemplate(ds));
    }
}
