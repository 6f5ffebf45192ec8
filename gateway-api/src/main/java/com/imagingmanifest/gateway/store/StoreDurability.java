package com.imagingmanifest.gateway.store;

import java.sql.DatabaseMetaData;
import java.util.Locale;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;
import org.springframework.stereotype.Component;

/**
 * Refuses to run on a store whose commits are not durable when the gateway acknowledges them. H2's
 * MVStore writes committed transactions to its file in the background, by default up to WRITE_DELAY
 * (500 ms) later: a SIGKILL or the OOM killer in that window loses writes that have already answered
 * 201 (seen: 5 of 54). With WRITE_DELAY=0 every transaction's end stores the MVStore (a write to the
 * file, so a killed JVM loses nothing; H2 does not fsync per commit, which only an operating-system
 * crash or power loss can expose). The default URL sets it; a user's own H2 URL without it stops the
 * start with one line, because H2 keeps a SET WRITE_DELAY only while the database stays open.
 *
 * <p>PostgreSQL makes commits durable unless the server is told otherwise: {@code fsync} or
 * {@code synchronous_commit} off survive a gateway crash but not a server or machine crash, which
 * the gateway cannot change for the server, so it says so in the log once at start.
 */
@Component
public class StoreDurability {
    private static final Logger LOG = LoggerFactory.getLogger(StoreDurability.class);

    /** What was found and done, for the health details and tests. */
    private final String state;

    public StoreDurability(DataSource dataSource, JdbcClient jdbc) throws MetaDataAccessException {
        String product = JdbcUtils.extractDatabaseMetaData(dataSource, DatabaseMetaData::getDatabaseProductName)
                .toLowerCase(Locale.ROOT);
        if (product.contains("h2")) {
            state = h2(jdbc);
        } else if (product.contains("postgres")) {
            state = postgres(jdbc);
        } else {
            state = product + ": durability not checked";
        }
    }

    private static String h2(JdbcClient jdbc) {
        boolean inMemory = jdbc.sql("SELECT DATABASE_PATH()")
                .query((rs, n) -> Optional.ofNullable(rs.getString(1))).single().isEmpty();
        if (inMemory) {
            return "h2 in memory: nothing survives the JVM";
        }
        long delay = writeDelay(jdbc);
        if (delay != 0) {
            throw new IllegalStateException("the H2 store writes commits " + delay + " ms late (WRITE_DELAY): add"
                    + " ;WRITE_DELAY=0 to spring.datasource.url, or a crash loses acknowledged writes");
        }
        return "h2 file, WRITE_DELAY 0";
    }

    private static long writeDelay(JdbcClient jdbc) {
        // the setting is listed twice once it has been set (H2 2.3): the larger one is what counts
        return Long.parseLong(jdbc.sql("SELECT MAX(CAST(SETTING_VALUE AS INT)) FROM INFORMATION_SCHEMA.SETTINGS"
                + " WHERE SETTING_NAME = 'WRITE_DELAY'").query(String.class).single());
    }

    private static String postgres(JdbcClient jdbc) {
        String fsync = jdbc.sql("SHOW fsync").query(String.class).single();
        String synchronousCommit = jdbc.sql("SHOW synchronous_commit").query(String.class).single();
        if (fsync.equals("off") || synchronousCommit.equals("off")) {
            LOG.warn("PostgreSQL store: fsync={} synchronous_commit={}: acknowledged writes survive a gateway"
                    + " crash but can be lost if the database server or its machine crashes", fsync,
                    synchronousCommit);
        }
        return "postgresql, fsync " + fsync + ", synchronous_commit " + synchronousCommit;
    }

    public String state() {
        return state;
    }
}
