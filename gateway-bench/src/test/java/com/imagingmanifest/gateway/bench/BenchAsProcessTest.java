package com.imagingmanifest.gateway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagingmanifest.testing.GatewayScript;
import com.imagingmanifest.testing.GatewayScript.Result;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./gateway bench} through the real launcher, as the other tools are in gateway-api's
 * ToolsAsProcessesTest: the launcher dispatches to this module's BenchCommand, usage on standard
 * output, a bad argument one line on standard error with status 2.
 */
class BenchAsProcessTest {
    @TempDir
    Path dir;

    private Result gateway(String... args) {
        return GatewayScript.tool(dir, Map.of("GATEWAY_DATA_DIR", dir.resolve("data").toString()), args);
    }

    @Test
    void answersHelpOnStandardOutput() {
        Result help = gateway("bench", "--help");
        assertThat(help.exit()).as(help.toString()).isZero();
        assertThat(help.out()).containsIgnoringCase("usage: gateway bench").contains("--scenarios", "--store");
        assertThat(help.err()).isEmpty();
    }

    @Test
    void badArgumentIsOneLineOnStandardErrorWithStatus2() {
        Result r = gateway("bench", "--scenarios", "teleport");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err().lines()).as(r.toString()).singleElement().asString().startsWith("bench: ");
        assertThat(r.out()).isEmpty();
    }
}
