package com.imagingmanifest.pacs;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The instances C-MOVE retrievals wait for, matched by (move destination AE title, SOP Instance UID).
 * A C-MOVE makes the archive send the instance on an association of its own to the gateway's C-STORE
 * SCP; the SCP {@link #offer offers} each object it receives here first, and one that a retrieval is
 * waiting for goes to that retrieval instead of to ingestion, so it is handled once. Thread-safe;
 * retrievals of the same instance at the same time share one arrival.
 */
public final class MoveArrivals {

    /** A received C-STORE sub-operation: the data set (no file meta) in the transfer syntax it came in. */
    public record Arrival(String sopClassUid, String sopInstanceUid, String transferSyntaxUid, byte[] dataSet) {
    }

    private record Key(String destination, String sopInstanceUid) {
    }

    private static final class Waiting {
        final CompletableFuture<Arrival> arrival = new CompletableFuture<>();
        int waiters;
    }

    private final Map<Key, Waiting> waiting = new ConcurrentHashMap<>();

    /** Starts waiting for {@code sopInstanceUid} at {@code destination}; close the result when done. */
    public Expected expect(String destination, String sopInstanceUid) {
        Key key = new Key(Objects.requireNonNull(destination).strip(), Objects.requireNonNull(sopInstanceUid).strip());
        Waiting w = waiting.compute(key, (k, existing) -> {
            Waiting v = existing != null ? existing : new Waiting();
            v.waiters++;
            return v;
        });
        return new Expected(key, w);
    }

    /**
     * Hands a received object to the retrieval waiting for it; false (and nothing done) when none is,
     * so the object is an ordinary store.
     */
    public boolean offer(String destination, Arrival arrival) {
        Waiting w = waiting.get(new Key(destination.strip(), arrival.sopInstanceUid().strip()));
        if (w == null) {
            return false;
        }
        w.arrival.complete(arrival);
        return true;
    }

    /** How many instances are awaited now (for tests and diagnostics). */
    public int waitingCount() {
        return waiting.size();
    }

    /** One retrieval's wait for one instance. */
    public final class Expected implements AutoCloseable {
        private final Key key;
        private final Waiting w;
        private boolean closed;

        private Expected(Key key, Waiting w) {
            this.key = key;
            this.w = w;
        }

        /** The instance if it has arrived or arrives within {@code timeout}; empty otherwise. */
        public Optional<Arrival> await(Duration timeout) {
            try {
                return Optional.of(w.arrival.get(Math.max(0, timeout.toMillis()), TimeUnit.MILLISECONDS));
            } catch (TimeoutException e) {
                return Optional.empty();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            } catch (ExecutionException e) {
                return Optional.empty();
            }
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            waiting.computeIfPresent(key, (k, v) -> --v.waiters == 0 ? null : v);
        }
    }
}
