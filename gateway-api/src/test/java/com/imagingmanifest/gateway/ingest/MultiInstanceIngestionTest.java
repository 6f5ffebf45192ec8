package com.imagingmanifest.gateway.ingest;

import static com.imagingmanifest.gateway.ingest.IngestTestSupport.DEMO;
import static com.imagingmanifest.gateway.ingest.IngestTestSupport.awaitManifest;
import static com.imagingmanifest.gateway.ingest.IngestTestSupport.byKos;
import static com.imagingmanifest.gateway.ingest.IngestTestSupport.client;
import static com.imagingmanifest.gateway.ingest.IngestTestSupport.kosFile;
import static com.imagingmanifest.gateway.ingest.IngestTestSupport.storeIntoOrthanc;
import static org.assertj.core.api.Assertions.assertThat;

import com.imagingmanifest.gateway.GatewayApplication;
import com.imagingmanifest.testing.PostgresDatabase;
import com.imagingmanifest.testing.PrivateOrthanc;
import com.imagingmanifest.testing.TestData;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Two gateway instances share one PostgreSQL database and poll the same Orthanc: each KOS becomes
 * exactly one manifest. After both stop, KOS stored meanwhile are caught up by a new instance that
 * continues from the persisted cursor, reading nothing twice.
 */
class MultiInstanceIngestionTest {
    static final int FIRST = 12;
    static final int WHILE_DOWN = 3;

    @Test
    void twoInstancesIngestEachKosOnceAndANewOneCatchesUp() throws Exception {
        Path dir = IngestTestSupport.tempDir("multi-instance");
        try (PrivateOrthanc orthanc = PrivateOrthanc.start(Map.of()); PostgresDatabase db = PostgresDatabase.create()) {
            List<String> args = arguments(orthanc, db);
            List<String> sops = new ArrayList<>();
            try (ConfigurableApplicationContext a = start(args); ConfigurableApplicationContext b = start(args)) {
                for (int i = 0; i < FIRST; i++) {
                    Map<String, String> uids = TestData.freshKosUids();
                    storeIntoOrthanc(orthanc, kosFile(dir, uids));
                    sops.add(uids.get("SOP_UID"));
                }
                for (String sop : sops) {
                    awaitManifest(client(port(a), DEMO), sop);
                    assertThat(byKos(client(port(b), DEMO), sop)).as("KOS " + sop + " seen from instance b").hasSize(1);
                }
                assertThat(manifests(db)).isEqualTo(FIRST);
                System.out.printf("multi-instance ingestion: instance a made %.0f manifests, b %.0f (skipped as"
                        + " duplicates: a %.0f, b %.0f)%n", count(a, "manifest"), count(b, "manifest"),
                        count(a, "duplicate"), count(b, "duplicate"));
                assertThat(count(a, "manifest") + count(b, "manifest")).as("manifests made by both instances")
                        .isEqualTo(FIRST);
            }

            List<String> later = new ArrayList<>();
            for (int i = 0; i < WHILE_DOWN; i++) {
                Map<String, String> uids = TestData.freshKosUids();
                storeIntoOrthanc(orthanc, kosFile(dir, uids));
                later.add(uids.get("SOP_UID"));
            }
            try (ConfigurableApplicationContext c = start(args)) {
                for (String sop : later) {
                    awaitManifest(client(port(c), DEMO), sop);
                }
                assertThat(count(c, "manifest")).isEqualTo(WHILE_DOWN);
                assertThat(count(c, "duplicate")).as("the cursor was kept: nothing read twice").isZero();
                assertThat(manifests(db)).isEqualTo(FIRST + WHILE_DOWN);
            }
        }
    }

    /** Command-line arguments: they outrank application.properties (the datasource in particular). */
    private static List<String> arguments(PrivateOrthanc orthanc, PostgresDatabase db) {
        Map<String, String> p = IngestTestSupport.properties(orthanc, "200ms", false);
        p.put("spring.datasource.url", db.jdbcUrl());
        p.put("spring.datasource.username", db.username());
        p.put("spring.datasource.password", db.password());
        p.put("server.port", "0");
        List<String> args = new ArrayList<>();
        p.forEach((key, value) -> args.add("--" + key + "=" + value));
        return args;
    }

    private static ConfigurableApplicationContext start(List<String> args) {
        return new SpringApplicationBuilder(GatewayApplication.class)
                .run(args.toArray(String[]::new));
    }

    private static int port(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    private static double count(ConfigurableApplicationContext context, String outcome) {
        return IngestTestSupport.kosCount(context.getBean(MeterRegistry.class), "poll", outcome);
    }

    private static long manifests(PostgresDatabase db) throws Exception {
        try (Connection c = db.connect();
                ResultSet rs = c.createStatement().executeQuery(
                        "SELECT COUNT(*) FROM manifest_resource WHERE org_id = '1' AND deleted = FALSE")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
