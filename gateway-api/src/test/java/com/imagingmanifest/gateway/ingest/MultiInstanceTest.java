package com.imagingmanifest.gateway.ingest;

import static com.imagingmanifest.gateway.ApiTestSupport.manifest;
import static com.imagingmanifest.gateway.ingest.IngestTestSupport.DEMO;
import static com.imagingmanifest.gateway.ingest.IngestTestSupport.DEMO_ID;
import static com.imagingmanifest.gateway.ingest.IngestTestSupport.OTHER;
import static com.imagingmanifest.gateway.ingest.IngestTestSupport.awaitManifest;
import static com.imagingmanifest.gateway.ingest.IngestTestSupport.byKos;
import static com.imagingmanifest.gateway.ingest.IngestTestSupport.client;
import static com.imagingmanifest.gateway.ingest.IngestTestSupport.kosFile;
import static com.imagingmanifest.gateway.ingest.IngestTestSupport.storeIntoOrthanc;
import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import com.imagingmanifest.gateway.ApiTestSupport;
import com.imagingmanifest.gateway.ApiTestSupport.Study;
import com.imagingmanifest.gateway.GatewayApplication;
import com.imagingmanifest.gateway.store.IndexEntries;
import com.imagingmanifest.gateway.store.ManifestVersions;
import com.imagingmanifest.testing.PostgresDatabase;
import com.imagingmanifest.testing.PrivateOrthanc;
import com.imagingmanifest.testing.TestData;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.hl7.fhir.dstu3.model.Bundle;
import org.hl7.fhir.dstu3.model.IdType;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.hl7.fhir.dstu3.model.OperationOutcome;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Several instances on one database behave as one gateway (issue 19): two gateway JVM contexts, each
 * with its own HTTP server and poller, on one PostgreSQL database and one Orthanc, and a client (HAPI's
 * generic client) that alternates between them: a manifest created on one is read and updated on the
 * other; every search and history {@code next} link is followed on the other instance; 2×20 identical
 * conditional creates spread over both make one manifest; both pollers together ingest each KOS once;
 * and, last, a third instance started after both stopped continues from the persisted cursor.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiInstanceTest {
    private static final int CONDITIONAL_PER_INSTANCE = 20;
    private static final int PAGED = 40;
    private static final String PAGED_PATIENT = "Patient/paged";
    private static final long T0 = 1_700_000_000_000L;
    private static final int POLLED = 12;
    private static final int WHILE_DOWN = 3;

    private PrivateOrthanc orthanc;
    private PostgresDatabase database;
    private List<String> arguments;
    private ConfigurableApplicationContext a;
    private ConfigurableApplicationContext b;
    private int portA;
    private int portB;

    @BeforeAll
    void start() {
        orthanc = PrivateOrthanc.start(Map.of());
        database = PostgresDatabase.create();
        // command-line arguments: they outrank application.properties (the datasource in particular)
        Map<String, String> p = IngestTestSupport.properties(orthanc, "200ms", false);
        p.put("spring.datasource.url", database.jdbcUrl());
        p.put("spring.datasource.username", database.username());
        p.put("spring.datasource.password", database.password() == null ? "" : database.password());
        p.put("server.port", "0");
        p.put("server.address", "127.0.0.1");
        p.put("gateway.security.startup-tokens", "false");
        arguments = new ArrayList<>();
        p.forEach((key, value) -> arguments.add("--" + key + "=" + value));
        a = instance();
        b = instance();
        portA = port(a);
        portB = port(b);
        // manifests straight into the store for the paging tests: paging reads only the store
        List<ManifestVersions.NewManifest> manifests = new ArrayList<>();
        for (int n = 0; n < PAGED; n++) {
            manifests.add(new ManifestVersions.NewManifest("page-" + n, Instant.ofEpochMilli(T0 + n * 1000L), pagedJson(n),
                    new IndexEntries(List.of(), List.of(new IndexEntries.Reference("patient", PAGED_PATIENT)),
                            null, T0, T0 + 999), List.of()));
        }
        a.getBean(ManifestVersions.class).createAll(DEMO_ID, manifests);
    }

    @AfterAll
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {b, a, database, orthanc}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // the others are closed all the same
            }
        }
    }

    // ---- one manifest, two instances

    @Test
    @Order(1)
    void aManifestCreatedOnOneInstanceIsReadAndUpdatedOnTheOther() {
        Study study = ApiTestSupport.newCtStudy(orthanc, "PAT-MULTI-1", "HOSPITAL-M");
        MethodOutcome created = on(portA).create().resource(manifest(study, 1, "made on a")).execute();
        String id = created.getId().getIdPart();
        ImagingManifest read = on(portB).read().resource(ImagingManifest.class).withId(id).execute();
        assertThat(read.getDescription()).isEqualTo("made on a");
        read.setDescription("changed on b");
        on(portB).update().resource(read).execute();
        ImagingManifest again = on(portA).read().resource(ImagingManifest.class).withId(id).execute();
        assertThat(again.getMeta().getVersionId()).isEqualTo("2");
        assertThat(again.getDescription()).isEqualTo("changed on b");
    }

    @Test
    @Order(2)
    void identicalConditionalCreatesOnBothInstancesMakeOneManifest() throws Exception {
        Study study = ApiTestSupport.newCtStudy(orthanc, "PAT-MULTI-CC", "HOSPITAL-M");
        String condition = "ImagingManifest?selected-study=" + study.studyUid();
        int clients = 2 * CONDITIONAL_PER_INSTANCE;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<MethodOutcome>> answers = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            IGenericClient client = on(i % 2 == 0 ? portA : portB);
            answers.add(pool.submit(() -> {
                go.await();
                return client.create().resource(manifest(study, 1, "conditional")).conditionalByUrl(condition)
                        .execute();
            }));
        }
        go.countDown();
        List<String> ids = new ArrayList<>();
        int created = 0;
        for (Future<MethodOutcome> answer : answers) {
            MethodOutcome outcome = answer.get(120, TimeUnit.SECONDS);
            ids.add(outcome.getId().getIdPart());
            if (Boolean.TRUE.equals(outcome.getCreated())) {
                created++;
            }
        }
        pool.shutdownNow();
        assertThat(created).as("201 answers among %d identical conditional creates", clients).isEqualTo(1);
        assertThat(ids).as("every answer names the one manifest").containsOnly(ids.get(0));
        Bundle found = on(portB).search().forResource(ImagingManifest.class)
                .where(ImagingManifest.SELECTED_STUDY.matches().value(study.studyUid()))
                .returnBundle(Bundle.class).execute();
        assertThat(found.getEntry()).as("manifests of the study").hasSize(1);
        System.out.printf("[multi-instance] %d identical conditional creates on 2 instances: %d created, %d"
                + " answered with the existing manifest%n", clients, created, clients - created);
    }

    // ---- paging any instance can continue

    @Test
    @Order(3)
    void searchPagesFollowedOnTheOtherInstanceGiveEveryMatchOnceNewestFirstAndNoEmptyPage() {
        Bundle page = on(portA).search().forResource(ImagingManifest.class)
                .where(ImagingManifest.PATIENT.hasId(PAGED_PATIENT)).count(10).returnBundle(Bundle.class).execute();
        List<String> seen = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        for (int i = 1; ; i++) {
            page.getEntry().forEach(e -> seen.add(e.getResource().getIdElement().getIdPart()));
            sizes.add(page.getEntry().size());
            if (page.getLink(Bundle.LINK_NEXT) == null) {
                break;
            }
            page = followOnTheOther(page, i % 2 == 1 ? portA : portB, i % 2 == 1 ? portB : portA);
        }
        List<String> expected = new ArrayList<>();
        for (int n = PAGED - 1; n >= 0; n--) {
            expected.add("page-" + n);
        }
        assertThat(seen).containsExactlyElementsOf(expected);
        assertThat(sizes).as("40 matches in pages of 10: the fourth is the last, no empty fifth")
                .containsExactly(10, 10, 10, 10);
    }

    @Test
    @Order(4)
    void typeHistoryPagesFollowedOnTheOtherInstance() {
        Bundle page = on(portB).history().onType(ImagingManifest.class).returnBundle(Bundle.class).count(15)
                .execute();
        List<String> seen = new ArrayList<>();
        for (int i = 1; ; i++) {
            // by fullUrl: the history holds the other tests' manifests too, deletes included
            page.getEntry().forEach(e -> seen.add(new IdType(e.getFullUrl()).getIdPart() + "/"
                    + e.getRequest().getMethod()));
            if (page.getLink(Bundle.LINK_NEXT) == null) {
                break;
            }
            page = followOnTheOther(page, i % 2 == 1 ? portB : portA, i % 2 == 1 ? portA : portB);
        }
        List<String> ours = seen.stream().filter(id -> id.startsWith("page-")).toList();
        // each paged manifest has one version: a page overlapping another would show one twice
        assertThat(ours).hasSize(PAGED).doesNotHaveDuplicates().startsWith("page-39/POST", "page-38/POST");
    }

    @Test
    @Order(5)
    void aChangedPageLinkIs400AndOneOfAnotherOrganizationTellsNothing() {
        String next = firstNext();
        String token = cursor(next);
        String payload = new String(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))),
                StandardCharsets.UTF_8);
        // a client that rewrites the page size inside the cursor
        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(payload.replace("\"n\":10", "\"n\":500")
                .getBytes(StandardCharsets.UTF_8)) + token.substring(token.indexOf('.'));
        HttpResponse<String> changed = ApiTestSupport.get(next.replace(token, forged));
        assertThat(changed.statusCode()).as(changed.body()).isEqualTo(400);
        assertThat(outcome(changed).getIssueFirstRep().getDiagnostics()).contains("not valid");

        HttpResponse<String> foreign = ApiTestSupport.get(next.replace("/organizations/" + DEMO + "/",
                "/organizations/" + OTHER + "/").replace(":" + portA + "/", ":" + portB + "/"));
        assertThat(foreign.statusCode()).as(foreign.body()).isEqualTo(400);
        assertThat(foreign.body()).doesNotContain("page-3");
    }

    @Test
    @Order(6)
    void anExpiredPageLinkIs410WithAnOperationOutcome() throws Exception {
        String next = firstNext();
        String token = cursor(next);
        String payload = new String(Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))),
                StandardCharsets.UTF_8);
        // the same link as if made a day ago: signed with the instances' shared key, expired an hour ago
        String expired = payload.replaceAll("\"x\":\\d+", "\"x\":" + (System.currentTimeMillis() - 3_600_000L));
        String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(expired.getBytes(StandardCharsets.UTF_8));
        String secret = JdbcClient.create(a.getBean(javax.sql.DataSource.class))
                .sql("SELECT secret FROM signing_key WHERE key_name = 'page-links'").query(String.class).single();
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret), "HmacSHA256"));
        String signed = encoded + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(mac.doFinal(encoded.getBytes(StandardCharsets.US_ASCII)));
        HttpResponse<String> gone = ApiTestSupport.get(next.replace(token, signed)
                .replace(":" + portA + "/", ":" + portB + "/"));
        assertThat(gone.statusCode()).as(gone.body()).isEqualTo(410);
        assertThat(outcome(gone).getIssueFirstRep().getDiagnostics()).contains("expired");
    }

    // ---- ingestion by both pollers

    @Test
    @Order(7)
    void bothPollersTogetherIngestEachKosOnce() throws Exception {
        double before = made(a) + made(b);
        Path dir = IngestTestSupport.tempDir("multi-instance");
        List<String> sops = new ArrayList<>();
        for (int i = 0; i < POLLED; i++) {
            Map<String, String> uids = TestData.freshKosUids();
            storeIntoOrthanc(orthanc, kosFile(dir, uids));
            sops.add(uids.get("SOP_UID"));
        }
        for (String sop : sops) {
            awaitManifest(on(portA), sop);
            assertThat(byKos(on(portB), sop)).as("KOS " + sop + " seen from instance b").hasSize(1);
            assertThat(manifestsSelectingKos(sop)).as("manifests in the store for KOS " + sop).isEqualTo(1);
        }
        System.out.printf("[multi-instance] ingestion: instance a made %.0f manifests, b %.0f (skipped as"
                + " duplicates: a %.0f, b %.0f)%n", made(a), made(b), count(a, "duplicate"), count(b, "duplicate"));
        assertThat(made(a) + made(b) - before).as("manifests made by both pollers").isEqualTo(POLLED);
    }

    /** Last: stops both instances. */
    @Test
    @Order(8)
    void aNewInstanceCatchesUpFromThePersistedCursorReadingNothingTwice() throws Exception {
        b.close();
        a.close();
        Path dir = IngestTestSupport.tempDir("multi-instance-down");
        List<String> later = new ArrayList<>();
        for (int i = 0; i < WHILE_DOWN; i++) {
            Map<String, String> uids = TestData.freshKosUids();
            storeIntoOrthanc(orthanc, kosFile(dir, uids));
            later.add(uids.get("SOP_UID"));
        }
        try (ConfigurableApplicationContext c = instance()) {
            for (String sop : later) {
                awaitManifest(client(port(c), DEMO), sop);
                assertThat(manifestsSelectingKos(sop)).isEqualTo(1);
            }
            assertThat(made(c)).isEqualTo(WHILE_DOWN);
            assertThat(count(c, "duplicate")).as("the cursor was kept: nothing read twice").isZero();
        }
    }

    // ---- helpers

    private ConfigurableApplicationContext instance() {
        return new SpringApplicationBuilder(GatewayApplication.class).run(arguments.toArray(String[]::new));
    }

    private static int port(ConfigurableApplicationContext context) {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    private static IGenericClient on(int port) {
        return client(port, DEMO);
    }

    /** The next page of {@code page}, asked of the instance on port {@code to} instead of {@code from}. */
    private static Bundle followOnTheOther(Bundle page, int from, int to) {
        String next = page.getLink(Bundle.LINK_NEXT).getUrl();
        assertThat(next).as("next link names the instance asked").startsWith(ApiTestSupport.base(from, DEMO));
        page.getLink(Bundle.LINK_NEXT).setUrl(next.replace(":" + from + "/", ":" + to + "/"));
        return on(to).loadPage().next(page).execute();
    }

    private String firstNext() {
        Bundle first = on(portA).search().forResource(ImagingManifest.class)
                .where(ImagingManifest.PATIENT.hasId(PAGED_PATIENT)).count(10).returnBundle(Bundle.class).execute();
        return first.getLink(Bundle.LINK_NEXT).getUrl();
    }

    private static String cursor(String link) {
        return link.substring(link.indexOf("_cursor=") + "_cursor=".length()).split("&")[0];
    }

    private static OperationOutcome outcome(HttpResponse<String> response) {
        return ApiTestSupport.CLIENT_FHIR.newJsonParser().parseResource(OperationOutcome.class, response.body());
    }

    private static String pagedJson(int n) {
        return "{\"resourceType\":\"ImagingManifest\",\"id\":\"page-" + n + "\",\"patient\":{\"reference\":"
                + "\"" + PAGED_PATIENT + "\"},\"authoringTime\":\"2023-11-14T22:13:20Z\",\"study\":[{\"uid\":"
                + "\"urn:oid:2.25.9" + n + "\",\"series\":[{\"uid\":\"urn:oid:2.25.9" + n + ".1\",\"instance\":"
                + "[{\"sopClass\":\"urn:oid:1.2.840.10008.5.1.4.1.1.2\",\"uid\":\"urn:oid:2.25.9" + n + ".1.1\"}]}]}]}";
    }

    private static double made(ConfigurableApplicationContext context) {
        return count(context, "manifest");
    }

    private static double count(ConfigurableApplicationContext context, String outcome) {
        return IngestTestSupport.kosCount(context.getBean(MeterRegistry.class), "poll", outcome);
    }

    /** Current manifests of organization demo whose KOS is {@code sopUid}, straight from the store's table. */
    private long manifestsSelectingKos(String sopUid) throws Exception {
        try (Connection c = database.connect();
                PreparedStatement s = c.prepareStatement("SELECT COUNT(DISTINCT k.res_id) FROM manifest_kos k"
                        + " JOIN manifest_resource r ON r.org_id = k.org_id AND r.res_id = k.res_id"
                        + " AND r.version_id = k.version_id WHERE k.org_id = ? AND k.sop_uid = ? AND r.deleted = FALSE")) {
            s.setString(1, DEMO_ID);
            s.setString(2, sopUid);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
