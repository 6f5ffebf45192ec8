package com.imagingmanifest.gateway.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleSupplier;
import org.HdrHistogram.Histogram;

/**
 * A closed-loop load generator: {@code clients} threads each run the operation back to back for
 * a warm-up, then for a measured period during which every latency goes into an HdrHistogram.
 * An operation belongs to the measured period when it starts in it. A failed operation is counted
 * and not recorded; the first failure's message is kept.
 */
final class LoadRun {

    /** One operation; throws when it fails (wrong status, exception). */
    @FunctionalInterface
    interface Operation {
        void run(int client, SplittableRandom random) throws Exception;
    }

    /**
     * What one run measured.
     *
     * @param cpuSeconds CPU time the system under test used during the measured period (NaN when not
     *     measured): on a shared machine CPU per operation is steadier than latency or throughput
     * @param pacsCpuSeconds CPU time the PACS used in the same period (NaN when not measured): what
     *     an operation costs the PACS, the resource the gateway shares with its baseline
     */
    record Result(long operations, long failures, double seconds, Histogram latencies, String firstFailure,
            double cpuSeconds, double pacsCpuSeconds) {

        Result(long operations, long failures, double seconds, Histogram latencies, String firstFailure) {
            this(operations, failures, seconds, latencies, firstFailure, Double.NaN, Double.NaN);
        }

        /** CPU milliseconds of the system under test per operation; NaN when not measured. */
        double cpuMillisPerOperation() {
            return perOperation(cpuSeconds);
        }

        /** CPU milliseconds of the PACS per operation; NaN when not measured. */
        double pacsCpuMillisPerOperation() {
            return perOperation(pacsCpuSeconds);
        }

        private double perOperation(double seconds) {
            return operations == 0 ? Double.NaN : seconds * 1000 / operations;
        }

        double throughput() {
            return seconds <= 0 ? 0 : operations / seconds;
        }

        double p50Millis() {
            return latencies.getTotalCount() == 0 ? Double.NaN : latencies.getValueAtPercentile(50) / 1000.0;
        }

        double p99Millis() {
            return latencies.getTotalCount() == 0 ? Double.NaN : latencies.getValueAtPercentile(99) / 1000.0;
        }

        /** A run timed as a whole (e.g. one storescu process): throughput only, no per-operation latency. */
        static Result whole(long operations, double seconds) {
            return new Result(operations, 0, seconds, new Histogram(3_600_000_000L, 3), null);
        }
    }

    private LoadRun() {
    }

    static Result run(int clients, Duration warmup, Duration measure, Operation operation) throws InterruptedException {
        return run(clients, warmup, measure, operation, () -> Double.NaN);
    }

    /** As {@link #run(int, Duration, Duration, Operation)}, reading {@code cpuSeconds} of the system under test. */
    static Result run(int clients, Duration warmup, Duration measure, Operation operation, DoubleSupplier cpuSeconds)
            throws InterruptedException {
        return run(clients, warmup, measure, operation, cpuSeconds, () -> Double.NaN);
    }

    /** As above, also reading {@code pacsCpuSeconds}, the CPU time of the PACS. */
    static Result run(int clients, Duration warmup, Duration measure, Operation operation, DoubleSupplier cpuSeconds,
            DoubleSupplier pacsCpuSeconds) throws InterruptedException {
        long start = System.nanoTime();
        long measureFrom = start + warmup.toNanos();
        long end = measureFrom + measure.toNanos();
        List<Histogram> histograms = new ArrayList<>();
        long[] failures = new long[clients];
        AtomicReference<String> firstFailure = new AtomicReference<>();
        AtomicLong lastEnd = new AtomicLong(end);
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            // latencies from 1 µs to 1 h at 3 significant digits
            Histogram histogram = new Histogram(3_600_000_000L, 3);
            histograms.add(histogram);
            int client = c;
            Thread thread = new Thread(() -> {
                SplittableRandom random = new SplittableRandom(31L * client + 7);
                boolean measuredOne = false;
                while (true) {
                    long before = System.nanoTime();
                    // each client measures at least one operation: on a loaded machine a short period can
                    // pass inside the warm-up's last operation, and a row of nothing says nothing
                    if (before >= end && measuredOne) {
                        return;
                    }
                    try {
                        operation.run(client, random);
                        long after = System.nanoTime();
                        // an operation counts when it started in the measured period; the period
                        // is stretched to the last such operation's end
                        if (before >= measureFrom) {
                            histogram.recordValue(Math.max(1, (after - before) / 1000));
                            lastEnd.accumulateAndGet(after, Math::max);
                            measuredOne = true;
                        }
                    } catch (Exception | AssertionError e) {
                        if (before >= measureFrom) {
                            failures[client]++;
                            measuredOne = true;
                        }
                        firstFailure.compareAndSet(null, e.getClass().getSimpleName() + ": " + e.getMessage());
                        pause();
                    }
                }
            }, "bench-client-" + c);
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
        Thread.sleep(Math.max(0, (measureFrom - System.nanoTime()) / 1_000_000));
        double cpuAtStart = cpuSeconds.getAsDouble();
        double pacsCpuAtStart = pacsCpuSeconds.getAsDouble();
        for (Thread thread : threads) {
            // each operation has its own timeouts; this bounds a run whose operation ignores them
            thread.join(Math.max(1, Duration.ofNanos(end - System.nanoTime()).plusMinutes(2).toMillis()));
        }
        Histogram all = new Histogram(3_600_000_000L, 3);
        histograms.forEach(all::add);
        long failed = 0;
        for (long f : failures) {
            failed += f;
        }
        double cpu = cpuSeconds.getAsDouble() - cpuAtStart;
        double pacsCpu = pacsCpuSeconds.getAsDouble() - pacsCpuAtStart;
        return new Result(all.getTotalCount(), failed, (lastEnd.get() - measureFrom) / 1e9, all, firstFailure.get(), cpu,
                pacsCpu);
    }

    /** One operation of a batch: the index of the item it works on. */
    @FunctionalInterface
    interface Item {
        void run(int index) throws Exception;
    }

    /**
     * A fixed batch instead of a fixed period: {@code clients} threads take the items 0..count-1 in
     * turn until none is left. The batch's time runs from the start to the end of the last item, so
     * its throughput is the rate at which the whole batch was accepted. A failed item is counted and
     * not retried.
     */
    static Result batch(int clients, int count, Item item) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        Histogram all = new Histogram(3_600_000_000L, 3);
        AtomicLong failures = new AtomicLong();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        long start = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            Thread thread = new Thread(() -> {
                for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    long before = System.nanoTime();
                    try {
                        item.run(i);
                        long micros = Math.max(1, (System.nanoTime() - before) / 1000);
                        synchronized (all) {
                            all.recordValue(micros);
                        }
                    } catch (Exception | AssertionError e) {
                        failures.incrementAndGet();
                        firstFailure.compareAndSet(null, e.getClass().getSimpleName() + ": " + e.getMessage());
                    }
                }
            }, "bench-batch-" + c);
            thread.setDaemon(true);
            threads.add(thread);
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join();
        }
        return new Result(all.getTotalCount(), failures.get(), (System.nanoTime() - start) / 1e9, all,
                firstFailure.get());
    }

    private static void pause() {
        try {
            Thread.sleep(10); // a failing target must not be hammered in a tight loop
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
