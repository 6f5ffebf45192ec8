package com.imagingmanifest.net.dimse;

import com.imagingmanifest.net.ul.Association;
import com.imagingmanifest.net.ul.AssociationTimeoutException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A few established associations to one peer, lent to one caller at a time. Idle associations are
 * released after the idle timeout; one that the peer released or aborted while idle is dropped.
 */
final class AssociationPool implements AutoCloseable {
    private static final ScheduledExecutorService REAPER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dimse-pool-reaper");
        t.setDaemon(true);
        return t;
    });

    interface Opener {
        Association open() throws IOException;
    }

    /** A borrowed association; {@code reused} when it had served an earlier request. */
    record Lease(DimseChannel channel, boolean reused) {
    }

    private record Idle(DimseChannel channel, long since) {
    }

    private final Opener opener;
    private final int size;
    private final Semaphore permits;
    private final long idleMillis;
    private final Deque<Idle> idle = new ArrayDeque<>();
    private final ScheduledFuture<?> reaping;
    private boolean closed;

    AssociationPool(Opener opener, int size, long idleMillis) {
        this.opener = opener;
        this.size = size;
        this.permits = new Semaphore(size, true);
        this.idleMillis = idleMillis;
        long period = Math.max(100, idleMillis / 2);
        this.reaping = REAPER.scheduleWithFixedDelay(this::reap, period, period, TimeUnit.MILLISECONDS);
    }

    Lease borrow(long waitMillis) throws IOException {
        try {
            if (!permits.tryAcquire(waitMillis, TimeUnit.MILLISECONDS)) {
                throw new AssociationTimeoutException("all " + size + " associations busy for " + waitMillis + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssociationTimeoutException("interrupted while waiting for an association");
        }
        try {
            long now = System.currentTimeMillis();
            while (true) {
                Idle i;
                synchronized (this) {
                    if (closed) {
                        throw new IllegalStateException("client closed");
                    }
                    i = idle.pollFirst();
                }
                if (i == null) {
                    break;
                }
                Association a = i.channel().association();
                if (now - i.since() < idleMillis && a.isEstablished() && !a.hasPendingInput()) {
                    return new Lease(i.channel(), true);
                }
                // released or aborted by the peer while idle, or too old
                a.abort();
            }
            return new Lease(new DimseChannel(opener.open()), false);
        } catch (IOException | RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    /** Returns a lease whose association is still in a clean state (no outstanding operation). */
    void giveBack(Lease lease) {
        Association a = lease.channel().association();
        boolean keep;
        synchronized (this) {
            keep = !closed && a.isEstablished();
            if (keep) {
                idle.addFirst(new Idle(lease.channel(), System.currentTimeMillis()));
            }
        }
        if (!keep) {
            a.close();
        }
        permits.release();
    }

    /** Drops a lease whose association failed or is in an unknown state. */
    void discard(Lease lease) {
        lease.channel().association().abort();
        permits.release();
    }

    int idleCount() {
        synchronized (this) {
            return idle.size();
        }
    }

    /** Associations lent out now. */
    int inUseCount() {
        return size - permits.availablePermits();
    }

    /** Callers waiting for an association (an estimate, as {@link Semaphore#getQueueLength()}). */
    int waitingCount() {
        return permits.getQueueLength();
    }

    private void reap() {
        List<Idle> old = new ArrayList<>();
        long now = System.currentTimeMillis();
        synchronized (this) {
            idle.removeIf(i -> {
                boolean expired = now - i.since() >= idleMillis || !i.channel().association().isEstablished();
                if (expired) {
                    old.add(i);
                }
                return expired;
            });
        }
        old.forEach(i -> i.channel().association().close());
    }

    @Override
    public void close() {
        List<Idle> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(idle);
            idle.clear();
        }
        reaping.cancel(false);
        all.forEach(i -> i.channel().association().close());
    }
}
