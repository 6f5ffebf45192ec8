package com.imagingmanifest.gateway.health;

import com.imagingmanifest.pacs.Pacs;
import com.imagingmanifest.pacs.PacsException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * One tenant's PACS reachability ({@link Pacs#check()}: C-ECHO, QIDO-RS or Orthanc's /system), bounded
 * by a timeout and remembered for a short while so that frequent probes do not load the PACS.
 */
final class PacsHealthIndicator implements HealthIndicator {

    private final Supplier<Pacs> pacs;
    private final ExecutorService executor;
    private final Duration timeout;
    private final Duration cacheFor;
    private final Clock clock;
    private Health last;
    private Instant lastAt = Instant.MIN;

    /** {@code pacs} is asked for on each check, inside the timeout: opening it may itself fail or block. */
    PacsHealthIndicator(Supplier<Pacs> pacs, ExecutorService executor, Duration timeout, Duration cacheFor, Clock clock) {
        this.pacs = pacs;
        this.executor = executor;
        this.timeout = timeout;
        this.cacheFor = cacheFor;
        this.clock = clock;
    }

    @Override
    public synchronized Health health() {
        Instant now = clock.instant();
        if (last != null && now.isBefore(lastAt.plus(cacheFor))) {
            return last;
        }
        last = check();
        lastAt = clock.instant();
        return last;
    }

    private Health check() {
        long start = System.nanoTime();
        Future<?> call = executor.submit(() -> {
            pacs.get().check();
            return null;
        });
        try {
            call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return Health.up().withDetail("durationMs", (System.nanoTime() - start) / 1_000_000).build();
        } catch (TimeoutException e) {
            call.cancel(true);
            return Health.down().withDetail("error", "no answer within " + timeout.toMillis() + " ms").build();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            Health.Builder down = Health.down().withDetail("error", String.valueOf(cause.getMessage()));
            if (cause instanceof PacsException p) {
                down.withDetail("kind", p.kind().name());
            }
            return down.build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            call.cancel(true);
            return Health.unknown().withDetail("error", "interrupted").build();
        }
    }
}
