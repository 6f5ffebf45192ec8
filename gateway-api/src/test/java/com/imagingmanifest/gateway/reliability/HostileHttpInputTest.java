package com.imagingmanifest.gateway.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.imagingmanifest.gateway.ApiTestSupport;
import com.imagingmanifest.testing.PostgresDatabase;
import com.imagingmanifest.testing.PrivateOrthanc;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hostile HTTP corpus ({@code src/test/resources/hostile/http-cases.json}, one case per entry)
 * against a gateway child JVM: every case gets a 4xx (or, for injection attempts in search values,
 * an empty result), never a 5xx and never a hang; nothing is stored; and a good request afterwards
 * still succeeds.
 *
 * <p>A case is {@code method}, {@code path} (relative to the organization's FHIR base), optional
 * {@code contentType}, {@code headers}, and a body: {@code body} (text), {@code bodyHex} (raw bytes),
 * or generated as {@code prefix + repeat * times + middle + repeat2 * times + suffix}. Placeholders:
 * {@code {{ID}}} an existing manifest, {@code {{STUDY}}} its study, {@code {{MANIFEST}}} a valid
 * manifest, {@code {{MANIFEST_WITH_ID}}} the same with the existing id, {@code {{TOKEN}}} a valid token.
 * {@code expect}: {@code 4xx} (with an OperationOutcome), {@code 4xx-any} (refused by Tomcat before the
 * application), {@code empty} (200 with no match, for injection attempts in search values), or
 * {@code accepted} (a read-only oddity HAPI ignores or log-cdata escapes: any non-5xx answer).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileHttpInputTest {
    private PrivateOrthanc orthanc;
    private PostgresDatabase database;
    private GatewayChild gateway;
    private Rig.Store store;
    private ApiTestSupport.Study study;
    private String id;
    private final Map<String, Integer> outcomes = new TreeMap<>();

    @BeforeAll
    void start() {
        orthanc = PrivateOrthanc.start(Map.of());
        database = PostgresDatabase.create();
        gateway = GatewayChild.start(database.jdbcUrl(), orthanc, Map.of());
        store = new Rig.Store(database.jdbcUrl());
        study = Rig.newStudy(orthanc, "PAT-HOSTILE");
        Rig.Answer created = Rig.create(gateway, ApiTestSupport.manifest(study, 1, "target of hostile updates"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        id = created.json().path("id").asText();
    }

    @AfterAll
    void stop() {
        Figures.record("hostile HTTP corpus: " + cases().count() + " cases, answers " + outcomes);
        if (gateway != null) {
            gateway.close();
        }
        if (orthanc != null) {
            orthanc.close();
        }
        if (database != null) {
            database.close();
        }
    }

    static Stream<JsonNode> cases() {
        try (InputStream in = HostileHttpInputTest.class.getResourceAsStream("/hostile/http-cases.json")) {
            List<JsonNode> all = new ArrayList<>();
            Rig.JSON.readTree(in).forEach(all::add);
            return all.stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void theCorpusHasAtLeast200Cases() {
        assertThat(cases().count()).isGreaterThanOrEqualTo(200);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void hostileRequestIsRefusedAndChangesNothing(JsonNode c) {
        long versions = store.versions();
        long intents = store.count("SELECT COUNT(*) FROM write_intent");
        Map<String, String> headers = new LinkedHashMap<>();
        c.path("headers").fields().forEachRemaining(h -> headers.put(h.getKey(), fill(h.getValue().asText())));
        for (int i = 0; i < c.path("manyHeaders").asInt(0); i++) {
            headers.put("X-Hostile-" + i, "v" + i);
        }
        String contentType = c.hasNonNull("contentType") ? c.get("contentType").asText() : null;
        Rig.Answer answer = Rig.send(gateway, c.get("method").asText(), fill(c.get("path").asText()), contentType,
                body(c), headers);
        outcomes.merge(answer.status() / 100 + "xx", 1, Integer::sum);

        assertThat(answer.status()).as("an answer within the client timeout: %s", answer.body()).isPositive();
        assertThat(answer.status()).as("never a server error: %s", answer.body()).isLessThan(500);
        String expect = c.get("expect").asText();
        if ("accepted".equals(expect)) {
            // odd but harmless on a read: HAPI ignores it, or log-cdata escapes it; nothing may change
            assertThat(answer.status()).as(answer.body()).isBetween(200, 499);
        } else if ("empty".equals(expect)) {
            assertThat(answer.status()).as(answer.body()).isIn(200, 400);
            if (answer.status() == 200) {
                assertThat(answer.json().path("total").asLong()).as("an injection matches nothing").isZero();
            }
        } else {
            assertThat(answer.status()).as("a 4xx: %s", answer.body()).isBetween(400, 499);
            if (!"4xx-any".equals(expect) && answer.status() != 413 && answer.status() != 405 && answer.body() != null
                    && !answer.body().isEmpty()) {
                assertThat(answer.isOperationOutcome() || answer.body().startsWith("<"))
                        .as("an OperationOutcome: %s", answer.body()).isTrue();
            }
        }
        assertThat(store.versions()).as("no version stored").isEqualTo(versions);
        assertThat(store.count("SELECT COUNT(*) FROM write_intent")).as("no write attempted").isEqualTo(intents);
        Rig.Answer good = Rig.get(gateway, "/ImagingManifest/" + id);
        assertThat(good.status()).as("the gateway still serves: %s", good.body()).isEqualTo(200);
    }

    private byte[] body(JsonNode c) {
        if (c.hasNonNull("bodyHex")) {
            return HexFormat.of().parseHex(c.get("bodyHex").asText());
        }
        if (c.hasNonNull("body")) {
            return fill(c.get("body").asText()).getBytes(StandardCharsets.UTF_8);
        }
        if (c.hasNonNull("repeat")) {
            int times = c.get("times").asInt();
            StringBuilder b = new StringBuilder(c.path("prefix").asText());
            b.append(c.get("repeat").asText().repeat(times)).append(c.path("middle").asText());
            if (c.hasNonNull("repeat2")) {
                b.append(c.get("repeat2").asText().repeat(times));
            }
            b.append(c.path("suffix").asText());
            return fill(b.toString()).getBytes(StandardCharsets.UTF_8);
        }
        return null;
    }

    private String fill(String text) {
        if (!text.contains("{{")) {
            return text;
        }
        ImagingManifest valid = ApiTestSupport.manifest(study, 1, "hostile");
        String manifest = ApiTestSupport.json(valid);
        valid.setId(id);
        return text.replace("{{ID}}", id).replace("{{STUDY}}", study.studyUid()).replace("{{TOKEN}}", gateway.token())
                .replace("{{MANIFEST_WITH_ID}}", ApiTestSupport.json(valid)).replace("{{MANIFEST}}", manifest);
    }
}
