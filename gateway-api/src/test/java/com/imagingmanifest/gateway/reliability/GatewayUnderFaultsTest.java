package com.imagingmanifest.gateway.reliability;

import static com.imagingmanifest.gateway.ApiTestSupport.manifest;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.imagingmanifest.gateway.ApiTestSupport.Study;
import com.imagingmanifest.gateway.DcmqrscpProbe;
import com.imagingmanifest.testing.PostgresDatabase;
import com.imagingmanifest.testing.PrivateOrthanc;
import com.imagingmanifest.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * docs/architecture.md §8 under faults, against one gateway child JVM on PostgreSQL and its own
 * private Orthanc: concurrent If-Match updates, the PACS killed during writes, the gateway killed
 * during writes (and KOS arriving for ingestion while it is down), then a soak with resource-leak
 * checks. One child process serves all of them (start-up is the expensive part). The two kill tests
 * also run against DCMTK's dcmqrscp ({@link Archive}: kind dimse, IOCM rejection instead of delete,
 * retrieval by C-MOVE), with a second child on a database of its own, started when first needed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayUnderFaultsTest {
    private PrivateOrthanc orthanc;
    private PostgresDatabase database;
    private GatewayChild gateway;
    private Rig.Store store;
    private final Map<String, Target> targets = new java.util.HashMap<>();

    /** One archive with the gateway child and store bound to it. */
    record Target(Archive archive, GatewayChild gateway, Rig.Store store, PostgresDatabase database) {
    }

    private static final Map<String, String> CHILD_EXTRAS = Map.of("gateway.organizations[0].ingest.poll-interval",
            "1s", "management.endpoints.web.exposure.include", "health,prometheus");

    @BeforeAll
    void start() {
        orthanc = PrivateOrthanc.start(Map.of());
        database = PostgresDatabase.create();
        gateway = GatewayChild.start(database.jdbcUrl(), orthanc, CHILD_EXTRAS);
        store = new Rig.Store(database.jdbcUrl());
        targets.put("orthanc", new Target(new Archive.OrthancArchive(orthanc), gateway, store, null));
    }

    private Target target(String pacs) {
        return targets.computeIfAbsent(pacs, name -> {
            Archive archive = Archive.start(name);
            PostgresDatabase db = PostgresDatabase.create();
            Map<String, String> p = new java.util.LinkedHashMap<>(archive.gatewayProperties());
            p.putAll(CHILD_EXTRAS);
            return new Target(archive, GatewayChild.start(db.jdbcUrl(), p), new Rig.Store(db.jdbcUrl()), db);
        });
    }

    /** The archives the kill tests run against: both, or those {@code -Dfaults.archives=a,b} names. */
    static java.util.stream.Stream<String> archives() {
        return java.util.Arrays.stream(System.getProperty("faults.archives", "orthanc,dcmqrscp").split(","))
                .map(String::trim).filter(a -> !a.isEmpty());
    }

    /** No intent left open, as the store and as operators see it (gauge gateway_write_intents_open). */
    private static void awaitIntentsSettled(Target t) {
        awaitTrue("write intents settled", () -> t.store().openIntents() == 0);
        awaitTrue("gateway_write_intents_open at 0", () -> t.gateway().demoSample("gateway_write_intents_open") == 0);
    }

    @AfterAll
    void stop() {
        for (Target t : targets.values()) {
            if (t.database() != null) {
                t.gateway().close();
                t.archive().close();
                t.database().close();
            }
        }
        if (gateway != null) {
            gateway.close();
        }
        if (orthanc != null) {
            orthanc.close();
        }
        if (database != null) {
            database.close();
        }
    }

    /** A write's answer as the client saw it. */
    record Outcome(String operation, int status, boolean operationOutcome, String id, long version, String kos,
            long startedNanos) {
    }

    private Outcome outcome(String operation, Rig.Answer answer, long started) {
        if (answer.status() == 200 || answer.status() == 201) {
            JsonNode body = answer.json();
            return new Outcome(operation, answer.status(), false, body.path("id").asText(),
                    body.path("meta").path("versionId").asLong(), Rig.kosUid(body), started);
        }
        return new Outcome(operation, answer.status(), answer.isOperationOutcome(), null, 0, null, started);
    }

    @Test
    @Order(1)
    void fiftyClientsWithIfMatchHaveOneWinnerPerVersionAndLeaveOneKos() throws Exception {
        Study study = Rig.newStudy(orthanc, "PAT-CONCURRENT");
        Rig.Answer created = Rig.create(gateway, manifest(study, 1, "v1"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().path("id").asText();
        int rounds = 3;
        int clients = 50;
        int losers = 0;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            for (int round = 0; round < rounds; round++) {
                long version = round + 1;
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Rig.Answer>> answers = new ArrayList<>();
                for (int c = 0; c < clients; c++) {
                    int client = c;
                    answers.add(pool.submit(() -> {
                        go.await();
                        return Rig.update(gateway, id, manifest(study, 1 + client % 2, "round " + version + " client "
                                + client), version);
                    }));
                }
                go.countDown();
                Map<Integer, Integer> statuses = new TreeMap<>();
                for (Future<Rig.Answer> f : answers) {
                    Rig.Answer a = f.get(120, TimeUnit.SECONDS);
                    statuses.merge(a.status(), 1, Integer::sum);
                    if (a.status() == 412) {
                        assertThat(a.isOperationOutcome()).as(a.body()).isTrue();
                    }
                }
                assertThat(statuses).as("round %d", round).isEqualTo(Map.of(200, 1, 412, clients - 1));
                losers += clients - 1;
            }
        } finally {
            pool.shutdownNow();
        }
        JsonNode history = Rig.get(gateway, "/ImagingManifest/" + id + "/_history?_count=100").json();
        List<Long> versions = new ArrayList<>();
        history.path("entry").forEach(e -> versions.add(e.path("resource").path("meta").path("versionId").asLong()));
        List<Long> expected = new ArrayList<>();
        for (long v = rounds + 1; v >= 1; v--) {
            expected.add(v);
        }
        assertThat(versions).as("history newest first, contiguous").isEqualTo(expected);
        assertThat(store.count("SELECT COUNT(*) FROM manifest_kos WHERE res_id = '" + id + "'"))
                .as("one KOS per version").isEqualTo(rounds + 1);
        Set<String> current = store.currentKos(study.studyUid());
        assertThat(current).hasSize(1);
        assertThat(Rig.kosOnOrthanc(orthanc, study.studyUid())).as("only the current KOS on Orthanc")
                .isEqualTo(current);
        Figures.record("concurrency: " + rounds + " rounds x " + clients + " If-Match updates: " + rounds
                + " winners, " + losers + " answered 412, " + (rounds + 1) + " contiguous versions, "
                + current.size() + " KOS on Orthanc");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("archives")
    // after the gateway-killed test: a kill of dcmqrscp's children mid-store may leave its index
    // serving one object for another (DcmqrscpProbe.ArchiveDamaged), and the archive is shared
    @Order(3)
    void pacsKilledDuringWritesAnswers503AndStoresNothingThenRecovers(String pacs) throws Exception {
        Target t = target(pacs);
        GatewayChild gateway = t.gateway();
        Rig.Store store = t.store();
        Archive archive = t.archive();
        Study study = archive.newStudy("PAT-OUTAGE");
        long versionsBefore = store.versions();
        List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stop = new AtomicBoolean();
        int clients = 4;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<?>> workers = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            workers.add(pool.submit(() -> {
                String mine = null;
                int n = 0;
                while (!stop.get()) {
                    long started = System.nanoTime();
                    Outcome o;
                    if (mine == null || n++ % 2 == 0) {
                        o = outcome("create", Rig.create(gateway, manifest(study, 1, "outage create")), started);
                        if (o.status() == 201) {
                            mine = o.id();
                        }
                    } else {
                        o = outcome("update", Rig.update(gateway, mine, manifest(study, 2, "outage update " + n),
                                null), started);
                    }
                    outcomes.add(o);
                }
                return null;
            }));
        }
        GatewayChild.sleep(3000);
        long outageStart = System.nanoTime();
        archive.kill();
        GatewayChild.sleep(6000);
        // on a loaded machine a write can take seconds: the outage lasts until one has met it
        awaitTrue("a write answered during the outage", () -> outcomes.stream().anyMatch(o -> o.status() == 503));
        archive.restart();
        long outageEnd = System.nanoTime();
        GatewayChild.sleep(4000);
        stop.set(true);
        for (Future<?> w : workers) {
            w.get(120, TimeUnit.SECONDS);
        }
        pool.shutdownNow();

        List<Outcome> unexpected = outcomes.stream().filter(o -> o.status() != 200 && o.status() != 201
                && !archive.refusals().contains(o.status())).toList();
        assertThat(unexpected).as("only 200/201 or %s", archive.refusals()).isEmpty();
        assertThat(outcomes.stream().filter(o -> archive.refusals().contains(o.status()))
                .allMatch(Outcome::operationOutcome)).as("every refusal carries an OperationOutcome").isTrue();
        List<Outcome> during = outcomes.stream()
                .filter(o -> o.startedNanos() >= outageStart && o.startedNanos() < outageEnd).toList();
        long refused = outcomes.stream().filter(o -> o.status() == 503).count();
        assertThat(refused).as("the outage was noticed").isPositive();
        List<Outcome> acknowledged = outcomes.stream().filter(o -> o.status() == 200 || o.status() == 201).toList();
        assertThat(store.versions()).as("one version per acknowledged write, none for a refusal")
                .isEqualTo(versionsBefore + acknowledged.size());
        for (Outcome o : acknowledged) {
            assertThat(Rig.get(gateway, "/ImagingManifest/" + o.id() + "/_history/" + o.version()).status())
                    .as("acknowledged %s", o).isEqualTo(200);
        }
        awaitIntentsSettled(t);
        String archiveCheck = "live KOS on the PACS = current versions";
        try {
            awaitTrue(archive.name() + " holds exactly the current KOS live (others deleted or rejected once)", () ->
                    archive.liveKos(study.studyUid()).equals(store.currentKos(study.studyUid())));
        } catch (DcmqrscpProbe.ArchiveDamaged e) {
            // the kill may break dcmqrscp's own index (its children die mid-store): what it holds says nothing
            // about the gateway; everything the gateway answers for is still checked, before and after
            archiveCheck = "archive contents not compared: its index was damaged by the kill (" + e.getMessage() + ")";
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n" + explain(store, archive, study.studyUid()), e);
        }
        Rig.Answer after = Rig.create(gateway, manifest(study, 1, "after the outage"));
        assertThat(after.status()).as("writes work again without restarting the gateway: %s", after.body())
                .isEqualTo(201);
        assertThat(archive.holds(study.studyUid(), Rig.kosUid(after.json()))).as("the new KOS is on the archive")
                .isTrue();
        Figures.record(archive.name() + ": PACS outage: " + outcomes.size() + " writes by " + clients + " clients, " + during.size()
                + " started during the outage of " + (outageEnd - outageStart) / 1_000_000_000 + " s (" + tally(during) + "); overall " + tally(outcomes)
                + "; acknowledged " + acknowledged.size() + ", all readable, " + archiveCheck + " ("
                + store.count("SELECT COUNT(*) FROM manifest_kos") + " KOS written in all)");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("archives")
    @Order(2)
    void gatewayKilledDuringCreatesLosesNothingAcknowledgedAndLeavesNoDuplicate(String pacs) throws Exception {
        Target t = target(pacs);
        GatewayChild gateway = t.gateway();
        Rig.Store store = t.store();
        Archive archive = t.archive();
        Study study = archive.newStudy("PAT-CRASH");
        List<Outcome> acknowledged = Collections.synchronizedList(new ArrayList<>());
        int clients = 4;
        long recoveredBefore = store.count("SELECT COUNT(*) FROM write_intent WHERE outcome LIKE 'recovered%'");
        int attempts = 0;
        int exit = 0;
        long openAtCrash = 0;
        // an intent seen open can still commit before the kill lands: a round whose kill caught no
        // write in flight proves nothing about recovery, so the gateway is restarted and killed again
        for (int round = 1; round <= 5 && openAtCrash == 0; round++) {
            if (round > 1) {
                gateway.restart();
            }
            AtomicBoolean down = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            List<Future<Integer>> workers = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                workers.add(pool.submit(() -> {
                    int tries = 0;
                    while (!down.get()) {
                        tries++;
                        Outcome o = outcome("create", Rig.create(gateway, manifest(study, 1, "crash")),
                                System.nanoTime());
                        if (o.status() == 201) {
                            acknowledged.add(o);
                        } else if (o.status() == -1) {
                            break; // the gateway is gone
                        }
                    }
                    return tries;
                }));
            }
            int before = acknowledged.size();
            awaitTrue("some creates acknowledged", () -> acknowledged.size() >= before + 12);
            // kill while a write is between storing its KOS and committing, the window recovery exists for
            awaitTrue("a write intent open", () -> store.openIntents() > 0);
            exit = gateway.kill();
            down.set(true);
            assertThat(exit).as("Process.destroyForcibly ends the gateway with SIGKILL")
                    .isEqualTo(GatewayChild.SIGKILL_STATUS);
            for (Future<Integer> w : workers) {
                attempts += w.get(120, TimeUnit.SECONDS);
            }
            pool.shutdownNow();
            openAtCrash = store.openIntents();
        }

        // KOS made on the PACS side while the gateway is down: ingested once after the restart
        Path dir = Files.createTempDirectory("crash-ingest");
        List<String> ingested = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Map<String, String> uids = TestData.freshKosUids();
            Path file = TestData.dicomFromDump(TestData.kosTemplate(uids), dir, "kos-" + i + ".dcm");
            archive.storeFromElsewhere(file);
            ingested.add(uids.get("SOP_UID"));
        }

        gateway.restart();
        awaitIntentsSettled(t);
        for (Outcome o : acknowledged) {
            Rig.Answer read = Rig.get(gateway, "/ImagingManifest/" + o.id());
            assertThat(read.status()).as("acknowledged %s", o.id()).isEqualTo(200);
            assertThat(Rig.kosUid(read.json())).isEqualTo(o.kos());
        }
        Set<String> current = store.currentKos(study.studyUid());
        Set<String> live = archive.liveKos(study.studyUid());
        assertThat(live).as(() -> "no orphan and no missing KOS\n" + explain(store, archive, study.studyUid()))
                .isEqualTo(current);
        assertThat(current).containsAll(acknowledged.stream().map(Outcome::kos).toList());
        assertThat(store.count("SELECT COUNT(*) FROM manifest_kos"))
                .as("no KOS backs two versions").isEqualTo(store.count("SELECT COUNT(DISTINCT sop_uid) FROM manifest_kos"));
        long recovered = store.count("SELECT COUNT(*) FROM write_intent WHERE outcome LIKE 'recovered%'")
                - recoveredBefore;
        assertThat(openAtCrash).as("a crash interrupted a write in 5 rounds").isPositive();
        assertThat(recovered).as("every intent open at the crash settled by the recovery pass")
                .isGreaterThanOrEqualTo(openAtCrash);
        for (String sop : ingested) {
            awaitTrue("KOS " + sop + " ingested", () -> byIdentifier(gateway, sop) == 1);
        }
        GatewayChild.sleep(3000); // several more polls
        for (String sop : ingested) {
            assertThat(byIdentifier(gateway, sop)).as("KOS %s ingested once", sop).isEqualTo(1);
        }
        Figures.record(archive.name() + ": gateway crash (SIGKILL, exit " + exit + "): " + attempts + " creates attempted by " + clients
                + " clients, " + acknowledged.size() + " acknowledged, " + acknowledged.size()
                + " found after restart, " + (current.size() - acknowledged.size())
                + " committed but unacknowledged (answer lost), " + openAtCrash
                + " write intents open at the crash, " + recovered + " settled by recovery; " + ingested.size()
                + " KOS stored while down ingested once each");
    }

    private static long byIdentifier(GatewayChild gateway, String sop) {
        Rig.Answer a = Rig.get(gateway, "/ImagingManifest?identifier=urn:dicom:uid%7Curn:oid:" + sop);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        return a.json().path("total").asLong();
    }

    @Test
    @Order(4)
    void soakKeepsMemoryAndFileDescriptorsFlat() throws Exception {
        double minutes = soakMinutes();
        Study study = Rig.newStudy(orthanc, "PAT-SOAK");
        MixedLoad load = new MixedLoad(gateway, study, 4);
        load.run(20_000); // warm-up: JIT, pools, caches
        long rssStart = gateway.residentKib();
        long fdStart = gateway.openFileDescriptors();
        load.run((long) (minutes * 60_000));
        long rssEnd = gateway.residentKib();
        long fdEnd = gateway.openFileDescriptors();
        assertThat(load.failures()).as("every request of the mixed load answered as expected").isEmpty();
        assertThat(rssEnd).as("VmRSS growth below 30%% (start %d KiB)", rssStart).isLessThan(rssStart * 13 / 10);
        assertThat(fdEnd).as("open file descriptors (start %d)", fdStart).isLessThan(fdStart + 20);
        Figures.record(String.format("soak %.1f min, 4 clients, %d requests (%s): VmRSS %d -> %d KiB, fds %d -> %d",
                minutes, load.requests(), load.mix(), rssStart, rssEnd, fdStart, fdEnd));
    }

    @Test
    @Order(5)
    void limitsAreEnforced() {
        Rig.Answer huge = Rig.send(gateway, "POST", "/ImagingManifest", "{\"resourceType\":\"ImagingManifest\",\"x\":\""
                + "a".repeat(2 * 1024 * 1024) + "\"}", Map.of());
        assertThat(huge.status()).as("a body over gateway.max-body-size (1MB)").isEqualTo(413);
        assertThat(huge.isOperationOutcome()).isTrue();
        Rig.Answer page = Rig.get(gateway, "/ImagingManifest?_count=100000");
        assertThat(page.status()).isEqualTo(200);
        JsonNode bundle = page.json();
        int entries = bundle.path("entry").size();
        assertThat(entries).as("page size capped at 500").isLessThanOrEqualTo(500);
        if (bundle.path("total").asLong() > 500) {
            assertThat(entries).isEqualTo(500);
        }
        Figures.record("limits: 2 MB body -> 413; _count=100000 -> " + entries + " entries of "
                + bundle.path("total").asLong() + " (cap 500)");
    }

    static double soakMinutes() {
        String configured = System.getProperty("SOAK_MINUTES", System.getenv("SOAK_MINUTES"));
        if (configured != null && !configured.isBlank()) {
            return Double.parseDouble(configured.trim());
        }
        return "true".equalsIgnoreCase(System.getenv("CI")) ? 10 : 1;
    }

    /**
     * What the store knows of each KOS that is live on the archive but not current, or current but not
     * live: the versions it backs and every write intent naming it, so that a failure explains itself.
     */
    private static String explain(Rig.Store store, Archive archive, String studyUid) {
        String uncommitted = "intents not committed: " + String.join("\n  ", store.strings("SELECT purpose"
                + " || ' created ' || created || ' ' || COALESCE(outcome, 'open') || ' ' || kos FROM write_intent"
                + " WHERE (outcome IS NULL OR outcome <> 'committed') AND kos <> '' ORDER BY created")) + "\n";
        Set<String> live;
        try {
            live = archive.liveKos(studyUid);
        } catch (AssertionError | RuntimeException e) {
            return "archive not readable: " + e.getMessage() + "\n" + uncommitted;
        }
        Set<String> current = store.currentKos(studyUid);
        Set<String> differing = new java.util.TreeSet<>(live);
        differing.addAll(current);
        differing.removeIf(sop -> live.contains(sop) && current.contains(sop));
        StringBuilder out = new StringBuilder();
        for (String sop : differing) {
            out.append(live.contains(sop) ? "live, not current: " : "current, not live: ").append(sop)
                    .append("\n  versions: ").append(store.strings("SELECT res_id || ' v' || version_id FROM manifest_kos"
                            + " WHERE sop_uid = '" + sop + "'"))
                    .append("\n  intents: ").append(store.strings("SELECT purpose || ' created ' || created || ' settled '"
                            + " || COALESCE(CAST(settled AS VARCHAR), 'open') || ' ' || COALESCE(outcome, '')"
                            + " FROM write_intent WHERE kos LIKE '%" + sop + "%' ORDER BY created"))
                    .append("\n  ingested: ").append(store.strings("SELECT outcome || ' from ' || source FROM ingested_kos"
                            + " WHERE sop_uid = '" + sop + "'"))
                    .append("\n  rejected: ").append(store.strings("SELECT COALESCE(note_sop_uid, 'removed by the gateway')"
                            + " FROM rejected_kos WHERE sop_uid = '" + sop + "'"))
                    .append("\n  archive: ").append(archive.whereIs(studyUid, sop))
                    .append('\n');
        }
        return out.append(uncommitted).toString();
    }

    static String tally(List<Outcome> outcomes) {
        Map<Integer, Long> byStatus = new TreeMap<>();
        outcomes.forEach(o -> byStatus.merge(o.status(), 1L, Long::sum));
        return byStatus.toString().replace("=", ": ");
    }

    static void awaitTrue(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            GatewayChild.sleep(250);
        }
        throw new AssertionError("not within 120 s: " + what);
    }

    /** Create, read, search, update and delete by several clients, each on its own manifests. */
    static final class MixedLoad {
        private final GatewayChild gateway;
        private final Study study;
        private final int clients;
        private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
        private final Map<String, Long> mix = Collections.synchronizedMap(new TreeMap<>());
        private long requests;

        MixedLoad(GatewayChild gateway, Study study, int clients) {
            this.gateway = gateway;
            this.study = study;
            this.clients = clients;
        }

        void run(long millis) throws Exception {
            long end = System.currentTimeMillis() + millis;
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            List<Future<Long>> done = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                long seed = c;
                done.add(pool.submit(() -> client(new Random(seed), end)));
            }
            for (Future<Long> f : done) {
                requests += f.get(millis / 1000 + 300, TimeUnit.SECONDS);
            }
            pool.shutdownNow();
        }

        private long client(Random random, long end) {
            List<String> live = new ArrayList<>();
            long n = 0;
            while (System.currentTimeMillis() < end) {
                int dice = random.nextInt(100);
                n++;
                if (live.isEmpty() || dice < 20) {
                    check("create", Rig.create(gateway, manifest(study, 1 + random.nextInt(2), "soak")), 201)
                            .ifPresent(a -> live.add(a.json().path("id").asText()));
                } else if (dice < 50) {
                    check("read", Rig.get(gateway, "/ImagingManifest/" + live.get(random.nextInt(live.size()))), 200);
                } else if (dice < 75) {
                    check("search", Rig.get(gateway, "/ImagingManifest?patient.identifier=" + study.patientId()
                            + "&_count=20&_sort=-_lastUpdated"), 200);
                } else if (dice < 90) {
                    String id = live.get(random.nextInt(live.size()));
                    check("update", Rig.update(gateway, id, manifest(study, 1 + random.nextInt(2), "soak " + n), null),
                            200);
                } else {
                    String id = live.remove(random.nextInt(live.size()));
                    check("delete", Rig.send(gateway, "DELETE", "/ImagingManifest/" + id, null, Map.of()), 204);
                }
            }
            return n;
        }

        private java.util.Optional<Rig.Answer> check(String operation, Rig.Answer answer, int expected) {
            mix.merge(operation, 1L, Long::sum);
            if (answer.status() != expected) {
                failures.add(operation + " " + answer.status() + " " + answer.body());
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(answer);
        }

        List<String> failures() {
            return failures;
        }

        long requests() {
            return requests;
        }

        String mix() {
            return mix.toString();
        }
    }
}
