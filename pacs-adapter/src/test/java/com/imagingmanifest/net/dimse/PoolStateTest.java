package com.imagingmanifest.net.dimse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.imagingmanifest.dicom.io.Part10Object;
import com.imagingmanifest.net.KosFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link DimseClient#poolState()} reports while stores hold and wait for a pool of one association. */
class PoolStateTest {
    @TempDir
    Path dir;

    @Test
    void aSecondStoreWaitsForTheOnlyAssociationAndTheStateSaysSo() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        KosFixture.Kos first = KosFixture.newKos(dir.resolve("a"));
        KosFixture.Kos second = KosFixture.newKos(dir.resolve("b"));
        try (DimseServer server = DimseServer.builder().applicationEntity("HOLDING", rq -> {
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return DimseStatus.success();
        }, Set.of("POOLED")).start();
                DimseClient client = DimseClient.builder("127.0.0.1", server.port(), "HOLDING")
                        .callingAeTitle("POOLED").poolSize(1).associationTimeout(Duration.ofSeconds(20))
                        .dimseTimeout(Duration.ofSeconds(20)).build()) {
            assertEquals(new DimseClient.PoolState(0, 0, 0), client.poolState());
            CompletableFuture<DimseStatus> a = CompletableFuture.supplyAsync(() -> store(client, first));
            CompletableFuture<DimseStatus> b = CompletableFuture.supplyAsync(() -> store(client, second));
            DimseClient.PoolState busy = awaitState(client, new DimseClient.PoolState(1, 0, 1));
            assertEquals(new DimseClient.PoolState(1, 0, 1), busy);
            release.countDown();
            assertTrue(a.get(20, TimeUnit.SECONDS).isSuccess());
            assertTrue(b.get(20, TimeUnit.SECONDS).isSuccess());
            assertEquals(new DimseClient.PoolState(0, 1, 0), client.poolState());
        } finally {
            release.countDown();
        }
    }

    private static DimseStatus store(DimseClient client, KosFixture.Kos kos) {
        Part10Object o = kos.object();
        return client.store(o.sopClassUid(), o.sopInstanceUid(), o.dataSet(), o.transferSyntaxUid());
    }

    private static DimseClient.PoolState awaitState(DimseClient client, DimseClient.PoolState wanted)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        DimseClient.PoolState state = client.poolState();
        while (!state.equals(wanted) && System.nanoTime() < deadline) {
            Thread.sleep(10);
            state = client.poolState();
        }
        return state;
    }
}
