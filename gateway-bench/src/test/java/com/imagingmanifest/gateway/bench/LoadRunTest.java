package com.imagingmanifest.gateway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LoadRunTest {

    @Test
    void aPeriodShorterThanOneOperationStillMeasuresOnePerClient() throws InterruptedException {
        // each operation outlasts warm-up and period together, as a cold search on a loaded machine can
        LoadRun.Result result = LoadRun.run(2, Duration.ofMillis(20), Duration.ofMillis(20), (client, random) ->
                Thread.sleep(150));
        assertThat(result.operations()).as("operations measured").isEqualTo(2);
        assertThat(result.failures()).isZero();
        assertThat(result.seconds()).as("the period stretches to the last measured operation's end")
                .isGreaterThan(0.1);
    }

    @Test
    void aLongEnoughPeriodEndsOnTime() throws InterruptedException {
        long started = System.nanoTime();
        LoadRun.Result result = LoadRun.run(2, Duration.ofMillis(20), Duration.ofMillis(200), (client, random) ->
                Thread.sleep(5));
        assertThat(result.operations()).isGreaterThan(10);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }
}
