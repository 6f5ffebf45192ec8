package com.imagingmanifest.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.imagingmanifest.testing.PostgresDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.Properties;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.jdbc.core.simple.JdbcClient;

/** What StoreDurability accepts on each store; CrashDurabilityTest proves what it is for. */
class StoreDurabilityTest {

    @Test
    void anH2FileUrlWithoutWriteDelayZeroStopsTheStart() throws Exception {
        JdbcDataSource h2 = h2File("jdbc:h2:file:%s/gateway;AUTO_SERVER=FALSE"); // H2's default delay
        assertThatThrownBy(() -> new StoreDurability(h2, JdbcClient.create(h2)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("the H2 store writes commits 500 ms late (WRITE_DELAY): add ;WRITE_DELAY=0 to"
                        + " spring.datasource.url, or a crash loses acknowledged writes");
    }

    @Test
    void theDefaultUrlPasses() throws Exception {
        String url = defaultUrl().replace("${gateway.data-dir:./data}", "%s");
        JdbcDataSource h2 = h2File(url);
        assertThat(new StoreDurability(h2, JdbcClient.create(h2)).state()).isEqualTo("h2 file, WRITE_DELAY 0");
    }

    private static JdbcDataSource h2File(String urlPattern) throws IOException {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL(urlPattern.formatted(Files.createTempDirectory("durability-h2")));
        h2.setUser("sa");
        return h2;
    }

    /** spring.datasource.url as application.properties gives it to ./gateway run. */
    private static String defaultUrl() throws IOException {
        Properties p = new Properties();
        try (InputStream in = StoreDurability.class.getResourceAsStream("/application.properties")) {
            p.load(in);
        }
        return p.getProperty("spring.datasource.url");
    }

    @Test
    void anInMemoryH2IsReportedAsSuch() throws Exception {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:durability;DB_CLOSE_DELAY=-1");
        assertThat(new StoreDurability(h2, JdbcClient.create(h2)).state()).startsWith("h2 in memory");
    }

    @Test
    void postgresqlSettingsAreRead() throws Exception {
        try (PostgresDatabase database = PostgresDatabase.create()) {
            PGSimpleDataSource pg = new PGSimpleDataSource();
            pg.setURL(database.jdbcUrl());
            pg.setUser(database.username());
            pg.setPassword(database.password());
            assertThat(new StoreDurability(pg, JdbcClient.create(pg)).state())
                    .as("the test cluster runs with the durable defaults")
                    .isEqualTo("postgresql, fsync on, synchronous_commit on");
        }
    }

}
