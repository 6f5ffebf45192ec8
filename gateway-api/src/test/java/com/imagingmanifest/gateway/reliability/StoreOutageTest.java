package com.imagingmanifest.gateway.reliability;

import static com.imagingmanifest.gateway.ApiTestSupport.manifest;
import static org.assertj.core.api.Assertions.assertThat;

import com.imagingmanifest.gateway.ApiTestSupport.Study;
import com.imagingmanifest.testing.PrivateOrthanc;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The gateway's PostgreSQL crashes (pg_ctl stop -m immediate on a private server) and comes back
 * during creates and reads: requests answer 2xx or 503 with an OperationOutcome, never 500; the
 * gateway reconnects by itself; every acknowledged write is still there and its KOS on Orthanc.
 */
class StoreOutageTest {

    record Call(String operation, int status, boolean operationOutcome, String id, String kos, long startedNanos) {
    }

    @Test
    void storeRestartDuringLoadLosesNothingAcknowledgedAndNeedsNoGatewayRestart() throws Exception {
        try (PrivatePostgres postgres = PrivatePostgres.start();
                PrivateOrthanc orthanc = PrivateOrthanc.start(Map.of());
                GatewayChild gateway = GatewayChild.start(postgres.jdbcUrl(), orthanc, Map.of())) {
            Study study = Rig.newStudy(orthanc, "PAT-STORE");
            List<Call> calls = Collections.synchronizedList(new ArrayList<>());
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<?>> workers = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                boolean writer = c % 2 == 0;
                workers.add(pool.submit(() -> {
                    String last = null;
                    while (!stop.get()) {
                        long started = System.nanoTime();
                        Rig.Answer a = writer || last == null
                                ? Rig.create(gateway, manifest(study, 1, "store outage"))
                                : Rig.get(gateway, "/ImagingManifest/" + last);
                        String op = writer || last == null ? "create" : "read";
                        String id = null;
                        String kos = null;
                        if (a.status() == 201) {
                            id = a.json().path("id").asText();
                            kos = Rig.kosUid(a.json());
                            last = id;
                        }
                        calls.add(new Call(op, a.status(), a.isOperationOutcome(), id, kos, started));
                    }
                    return null;
                }));
            }
            GatewayChild.sleep(3000);
            long down = System.nanoTime();
            postgres.crash();
            GatewayChild.sleep(8000);
            postgres.startServer();
            long up = System.nanoTime();
            GatewayChild.sleep(8000);
            stop.set(true);
            for (Future<?> w : workers) {
                w.get(120, TimeUnit.SECONDS);
            }
            pool.shutdownNow();

            List<Call> unexpected = calls.stream()
                    .filter(c -> c.status() != 200 && c.status() != 201 && c.status() != 503).toList();
            assertThat(unexpected).as("2xx or 503 only, never 500").isEmpty();
            assertThat(calls.stream().filter(c -> c.status() == 503).allMatch(Call::operationOutcome))
                    .as("503 with an OperationOutcome").isTrue();
            long refused = calls.stream().filter(c -> c.status() == 503).count();
            assertThat(refused).as("the outage was noticed").isPositive();
            Rig.Answer after = Rig.create(gateway, manifest(study, 1, "after the store came back"));
            assertThat(after.status()).as("the gateway reconnected by itself: %s", after.body()).isEqualTo(201);

            List<Call> acknowledged = calls.stream().filter(c -> c.status() == 201).toList();
            Rig.Store store = new Rig.Store(postgres.jdbcUrl());
            for (Call c : acknowledged) {
                Rig.Answer read = Rig.get(gateway, "/ImagingManifest/" + c.id());
                assertThat(read.status()).as("acknowledged %s", c.id()).isEqualTo(200);
            }
            GatewayUnderFaultsTest.awaitTrue("write intents settled", () -> store.openIntents() == 0);
            GatewayUnderFaultsTest.awaitTrue("Orthanc holds exactly the current KOS", () ->
                    Rig.kosOnOrthanc(orthanc, study.studyUid()).equals(store.currentKos(study.studyUid())));
            assertThat(store.currentKos(study.studyUid()))
                    .containsAll(acknowledged.stream().map(Call::kos).toList());
            List<Call> during = calls.stream().filter(c -> c.startedNanos() >= down && c.startedNanos() < up).toList();
            Figures.record("store outage (private PostgreSQL, stop -m immediate, 8 s): " + calls.size()
                    + " requests, " + during.size() + " started during the outage (" + tally(during) + "); overall "
                    + tally(calls) + "; " + acknowledged.size() + " acknowledged creates, all found; gateway not"
                    + " restarted");
        }
    }

    private static String tally(List<Call> calls) {
        Map<String, Long> byStatus = new java.util.TreeMap<>();
        calls.forEach(c -> byStatus.merge(c.operation() + " " + c.status(), 1L, Long::sum));
        return byStatus.toString().replace("=", ": ");
    }
}
