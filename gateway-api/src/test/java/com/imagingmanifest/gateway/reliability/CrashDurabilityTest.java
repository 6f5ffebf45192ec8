package com.imagingmanifest.gateway.reliability;

import static com.imagingmanifest.gateway.ApiTestSupport.manifest;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.imagingmanifest.gateway.ApiTestSupport.Study;
import com.imagingmanifest.testing.PostgresDatabase;
import com.imagingmanifest.testing.PrivateOrthanc;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * "Nothing acknowledged is lost" on every supported store: a stream of creates against a gateway JVM
 * that is SIGKILLed at random moments, many times, and restarted on the same data directory and
 * database each time. Once on the default store exactly as {@code ./gateway run} configures it (no
 * datasource setting at all: the embedded H2 file database under the data directory) and once on
 * PostgreSQL. Every create that answered 201 must be readable afterwards with the KOS it named, and
 * once recovery has settled, the PACS holds exactly the KOS of the stored manifests.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrashDurabilityTest {
    private static final int ROUNDS = 6;
    private static final int CLIENTS = 3;
    /** The longest a kill waits after the round's first acknowledgement; the moment is drawn below it. */
    private static final int MAX_KILL_DELAY_MS = 2500;

    private PrivateOrthanc orthanc;
    private PostgresDatabase database;

    @BeforeAll
    void start() {
        orthanc = PrivateOrthanc.start(Map.of());
    }

    @AfterAll
    void stop() {
        if (database != null) {
            database.close();
        }
        if (orthanc != null) {
            orthanc.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2-default", "postgresql"})
    void sigkillAtRandomMomentsLosesNoAcknowledgedCreate(String storeName) throws Exception {
        String jdbcUrl = null;
        if (storeName.equals("postgresql")) {
            database = PostgresDatabase.create();
            jdbcUrl = database.jdbcUrl();
        }
        long seed = System.nanoTime();
        Random random = new Random(seed);
        Study study = Rig.newStudy(orthanc, "PAT-DURABLE-" + storeName);
        List<Rig.Answer> acknowledged = Collections.synchronizedList(new ArrayList<>());
        List<Integer> killDelays = new ArrayList<>();
        int attempts = 0;
        try (GatewayChild gateway = GatewayChild.start(jdbcUrl, orthanc, Map.of())) {
            for (int round = 1; round <= ROUNDS; round++) {
                if (round > 1) {
                    gateway.restart();
                }
                AtomicBoolean down = new AtomicBoolean();
                int before = acknowledged.size();
                ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
                List<Future<Integer>> workers = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    workers.add(pool.submit(() -> {
                        int tries = 0;
                        while (!down.get()) {
                            tries++;
                            Rig.Answer answer = Rig.create(gateway, manifest(study, 1, "durable " + storeName));
                            if (answer.status() == 201) {
                                acknowledged.add(answer);
                            } else if (answer.status() == -1) {
                                break; // the gateway is gone
                            }
                        }
                        return tries;
                    }));
                }
                GatewayUnderFaultsTest.awaitTrue("a create acknowledged in round " + round,
                        () -> acknowledged.size() > before);
                int delay = random.nextInt(MAX_KILL_DELAY_MS);
                killDelays.add(delay);
                GatewayChild.sleep(delay);
                int exit = gateway.kill();
                down.set(true);
                assertThat(exit).as("SIGKILL ended the gateway").isEqualTo(GatewayChild.SIGKILL_STATUS);
                for (Future<Integer> w : workers) {
                    attempts += w.get(120, TimeUnit.SECONDS);
                }
                pool.shutdownNow();
            }

            gateway.restart();
            List<String> lost = new ArrayList<>();
            for (Rig.Answer answer : acknowledged) {
                JsonNode created = answer.json();
                Rig.Answer read = Rig.get(gateway, "/ImagingManifest/" + created.path("id").asText());
                if (read.status() != 200 || !Rig.kosUid(read.json()).equals(Rig.kosUid(created))) {
                    lost.add(created.path("id").asText() + " (" + read.status() + ")");
                }
            }
            assertThat(lost).as("acknowledged creates missing after %d kills on %s (seed %d)", ROUNDS, storeName, seed)
                    .isEmpty();
            // recovery removes the KOS of writes that never committed: the PACS ends with the stored ones only
            Set<String>[] stored = new Set[1];
            GatewayUnderFaultsTest.awaitTrue("the PACS holds exactly the KOS of the stored manifests", () -> {
                stored[0] = storedKos(gateway);
                return stored[0].equals(Rig.kosOnOrthanc(orthanc, study.studyUid()));
            });
            Figures.record("gateway SIGKILL at random moments, store " + storeName + ": " + ROUNDS + " kills "
                    + killDelays + " ms after a round's first 201, " + attempts + " creates attempted by " + CLIENTS
                    + " clients, " + acknowledged.size() + " acknowledged, " + acknowledged.size()
                    + " found after restart, " + (stored[0].size() - acknowledged.size())
                    + " committed without an answer; PACS KOS = stored manifests' KOS");
        }
    }

    /** KOS UIDs of every manifest of the organization, following the search's next links. */
    private static Set<String> storedKos(GatewayChild gateway) {
        Set<String> kos = new HashSet<>();
        String next = "/ImagingManifest?_count=200";
        while (next != null) {
            Rig.Answer page = Rig.get(gateway, next);
            assertThat(page.status()).as(page.body()).isEqualTo(200);
            for (JsonNode entry : page.json().path("entry")) {
                kos.add(Rig.kosUid(entry.path("resource")));
            }
            next = null;
            for (JsonNode link : page.json().path("link")) {
                if (link.path("relation").asText().equals("next")) {
                    next = link.path("url").asText().substring(gateway.base().length());
                }
            }
        }
        return kos;
    }
}
