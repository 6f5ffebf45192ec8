package com.imagingmanifest.gateway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bench harness end to end with tiny numbers (a real Orthanc, PostgreSQL, a gateway child JVM
 * and DCMTK storescu): it must produce a report with every scenario row. No figure is asserted.
 */
class BenchCommandTest {
    /** The failures column, then gateway CPU per operation and PACS CPU per operation (may be empty). */
    private static final String NO_FAILURES = ".*\\| 0 \\| [^|]+ \\|[^|]*\\|$";


    @Test
    void tinyRunReportsEveryScenario(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("bench.md");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = BenchCommand.run(new String[] {"--sizes", "30,60", "--warmup", "100ms", "--duration", "300ms",
            "--create-clients", "1,2", "--create-studies", "3", "--read-clients", "2", "--storescu-files", "3", "--startups", "1",
            "--ingest-count", "5", "--ingest-clients", "1,2", "--poll-interval", "200ms",
            "--out", report.toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(status).as("stderr: %s", err.toString(StandardCharsets.UTF_8)).isZero();
        String markdown = Files.readString(report);
        assertThat(markdown).contains("| create |  | 1 |", "| create |  | 2 |", "storescu, 1 association");
        for (String size : new String[] {"30", "60"}) {
            for (String scenario : new String[] {"read", "read R5 ImagingSelection", "vread", "search patient",
                "search patient R5", "search selected-study", "search authoring-time (10 min)", "history"}) {
                // the store size is labelled with the store (--store, default postgres)
                assertThat(markdown).contains("| " + scenario + " | " + size + " postgres | 2 |");
            }
        }
        assertThat(markdown).contains("start-up to ready", "resident memory under create load",
                "resident memory under read load", "resident memory under ingest load");
        // the viewer scenario: both WADO-RS forms through the scoped DICOMweb beside Orthanc's own, no failure
        assertThat(markdown.lines().filter(l -> l.startsWith("| viewer WADO-RS"))).satisfiesExactly(
                l -> assertThat(l).contains("rendered, x2").contains("failures 0 / 0"),
                l -> assertThat(l).contains("application/dicom, x2").contains("failures 0 / 0"));
        // every KOS sent to the SCP or stored on the polled Orthanc became a manifest, nothing failed
        assertThat(markdown.lines().filter(l -> l.startsWith("| ingest"))).satisfiesExactly(
                l -> assertThat(l).startsWith("| ingest scp |  | 1 | 5 |").matches(NO_FAILURES),
                l -> assertThat(l).startsWith("| ingest scp |  | 2 | 5 |").matches(NO_FAILURES),
                l -> assertThat(l).startsWith("| ingest poll |  | 2 | 5 |").matches(NO_FAILURES));
        // every row measured something and nothing failed
        assertThat(markdown.lines().filter(l -> l.startsWith("| create") || l.startsWith("| read")
                || l.startsWith("| search") || l.startsWith("| history") || l.startsWith("| vread")))
                .hasSize(2 * 2 + 1 + 16)
                .allSatisfy(l -> assertThat(l).matches(NO_FAILURES).doesNotContain("| 0 | 0.0 |")
                        // the gateway's CPU per request was read from /proc during the measured period
                        .matches(".*\\| [0-9.]+ \\|[^|]*\\|$"));
        // creates and both their baselines report Orthanc's CPU per operation
        assertThat(markdown.lines().filter(l -> l.startsWith("| create") && !l.contains("storescu")))
                .hasSize(4)
                .allSatisfy(l -> assertThat(l).matches(".*\\| [0-9.]+ / [0-9.]+ \\|$"));
        assertThat(markdown).contains("C-FIND study + C-STORE");
    }

    @Test
    void badArgumentsGiveOneLineAndStatus2() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = BenchCommand.run(new String[] {"--scenarios", "create,teleport"}, System.out,
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("bench: unknown scenario 'teleport'")
                .hasLineCount(1);
    }

    @Test
    void uidReplacementKeepsLengthAndRefusesOtherLengths() {
        byte[] data = "xx1.2.3yy1.2.3".getBytes(StandardCharsets.US_ASCII);
        assertThat(new String(SameLengthUids.replace(data, "1.2.3", "9.8.7"), StandardCharsets.US_ASCII))
                .isEqualTo("xx9.8.7yy9.8.7");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> SameLengthUids.replace(data, "1.2.3", "1.2"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
