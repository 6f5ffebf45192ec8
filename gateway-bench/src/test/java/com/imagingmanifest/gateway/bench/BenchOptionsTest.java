package com.imagingmanifest.gateway.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Options of {@code gateway bench}: defaults, --quick, values and refusals. */
class BenchOptionsTest {

    @Test
    void ingestionDefaultsAndQuick() {
        BenchOptions full = BenchOptions.parse();
        assertThat(full.ingestCount()).isEqualTo(500);
        assertThat(full.ingestClients()).containsExactly(1, 8);
        assertThat(full.pollInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(full.scenarios()).contains("ingest");
        assertThat(BenchOptions.parse("--quick").ingestCount()).isEqualTo(200);
    }

    @Test
    void ingestionValues() {
        BenchOptions o = BenchOptions.parse("--scenarios", "ingest", "--ingest-count", "50", "--ingest-clients", "2,4",
                "--poll-interval", "1.5s");
        assertThat(o.scenarios()).containsExactly("ingest");
        assertThat(o.ingestCount()).isEqualTo(50);
        assertThat(o.ingestClients()).isEqualTo(List.of(2, 4));
        assertThat(o.pollInterval()).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void ingestionRefusals() {
        assertThatThrownBy(() -> BenchOptions.parse("--poll-interval", "0ms"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--poll-interval");
        assertThatThrownBy(() -> BenchOptions.parse("--ingest-count", "0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--ingest-count");
        assertThatThrownBy(() -> BenchOptions.parse("--ingest-clients", "1,x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--ingest-clients");
        assertThat(BenchOptions.USAGE).contains("--ingest-count", "--ingest-clients", "--poll-interval");
    }

    @Test
    void instances() {
        assertThat(BenchOptions.parse().instances()).isEqualTo(1);
        assertThat(BenchOptions.parse("--instances", "2").instances()).isEqualTo(2);
        assertThatThrownBy(() -> BenchOptions.parse("--instances", "3"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--instances must be 1 or 2");
        assertThatThrownBy(() -> BenchOptions.parse("--instances", "0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--instances");
    }

    @Test
    void storeAndDataShape() {
        BenchOptions defaults = BenchOptions.parse();
        assertThat(defaults.store()).isEqualTo("postgres");
        assertThat(defaults.perPatient()).isEqualTo(5);
        BenchOptions h2 = BenchOptions.parse("--store", "h2", "--per-patient", "100");
        assertThat(h2.store()).isEqualTo("h2");
        assertThat(h2.perPatient()).isEqualTo(100);
        assertThat(h2.scenarios()).as("ingest needs the store open beside the gateway").doesNotContain("ingest")
                .contains("read");
        assertThatThrownBy(() -> BenchOptions.parse("--store", "h2", "--scenarios", "read,ingest"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--store h2");
        assertThatThrownBy(() -> BenchOptions.parse("--store", "h2", "--instances", "2"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("several instances need PostgreSQL");
        assertThatThrownBy(() -> BenchOptions.parse("--store", "mysql"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--store must be postgres or h2");
    }

    @Test
    void peer() {
        assertThat(BenchOptions.parse().peer()).isNull();
        assertThat(BenchOptions.parse("--peer", "hapi", "--store", "h2").peer()).isEqualTo("hapi");
        assertThatThrownBy(() -> BenchOptions.parse("--peer", "fhirbase"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--peer must be hapi");
        assertThatThrownBy(() -> BenchOptions.parse("--peer"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--peer needs a value");
        assertThat(BenchOptions.USAGE).contains("--peer hapi");
    }
}
