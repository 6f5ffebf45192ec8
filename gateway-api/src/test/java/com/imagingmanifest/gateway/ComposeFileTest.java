package com.imagingmanifest.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagingmanifest.testing.GatewayScript;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml and the Dockerfile as a site would run them (no Docker engine here: CI checks the
 * compose syntax with {@code docker-compose config}, this test what the files promise): images pinned
 * by version, a restart policy everywhere, ingestion on, no start-up tokens, the heap set in the image.
 */
class ComposeFileTest {
    private static final Path ROOT = GatewayScript.root();

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> services() throws Exception {
        Map<String, Object> compose = new Yaml().load(Files.readString(ROOT.resolve("docker-compose.yml")));
        return (Map<String, Map<String, Object>>) compose.get("services");
    }

    @Test
    void everyServiceIsPinnedAndRestarts() throws Exception {
        for (Map.Entry<String, Map<String, Object>> service : services().entrySet()) {
            Map<String, Object> s = service.getValue();
            assertThat(s.get("restart")).as(service.getKey() + " restart").isEqualTo("unless-stopped");
            assertThat((String) s.get("image")).as(service.getKey() + " image").matches(".+:\\d+\\.\\d+[^:]*");
        }
        List<String> from = Files.readAllLines(ROOT.resolve("Dockerfile")).stream().filter(l -> l.startsWith("FROM ")).toList();
        assertThat(from).hasSize(2).allSatisfy(l -> assertThat(l).matches("FROM [^:]+:\\d+\\.\\d+\\.\\d+\\S*( AS \\w+)?"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theGatewayIngestsAndPrintsNoToken() throws Exception {
        Map<String, Object> env = (Map<String, Object>) services().get("gateway").get("environment");
        assertThat(env).containsEntry("GATEWAY_SCP_PORT", "11112").containsEntry("GATEWAY_SCP_HOST", "0.0.0.0")
                .containsKey("GATEWAY_ORGANIZATIONS_0_SCPAETITLE").containsKey("GATEWAY_ORGANIZATIONS_0_INGEST_POLLINTERVAL");
        // start-up tokens are off unless set; the compose file must not set them
        assertThat(env.keySet()).noneMatch(k -> k.contains("STARTUPTOKENS"));
        String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
        assertThat(dockerfile).containsPattern("ENV JAVA_OPTS=\"[^\"]*-Xmx\\d+m").contains("exec java $JAVA_OPTS");
    }
}
