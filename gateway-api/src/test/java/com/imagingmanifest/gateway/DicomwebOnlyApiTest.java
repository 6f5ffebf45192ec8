package com.imagingmanifest.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagingmanifest.testing.FreePorts;
import com.imagingmanifest.testing.PrivateOrthanc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.dstu3.model.IdType;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * {@code kind=dicomweb} against Orthanc's DICOMweb plugin alone (issue 18): the gateway's user may
 * call nothing but {@code /dicom-web/}. A Lua filter in that Orthanc refuses any other path to it
 * (403) and writes each such request to a file, so the test sees every REST call the gateway
 * tried, even one whose failure the gateway would swallow. Create, update and delete with the kind's
 * default policy (reject) leave the current KOS plus one rejection note per retired KOS, and the
 * gateway has asked Orthanc's REST API nothing. The test itself sets up and checks through REST
 * as Orthanc's own user, which the filter lets through.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DicomwebOnlyApiTest {
    private static final String GATEWAY_USER = "gateway-dicomweb";
    private static final String GATEWAY_PASSWORD = "dicomweb-only";
    private static final Path DIR = tempDir();
    private static final Path REST_CALLS = DIR.resolve("gateway-rest-calls.txt");
    static final PrivateOrthanc ORTHANC = PrivateOrthanc.start(Map.of(
            "RegisteredUsers", Map.of(GATEWAY_USER, GATEWAY_PASSWORD),
            "LuaScripts", List.of(filter().toString())));

    @LocalServerPort
    int port;

    /** IncomingHttpRequestFilter (Orthanc Book, "Lua scripting"): true lets a request in. */
    private static Path filter() {
        String lua = """
                function IncomingHttpRequestFilter(method, uri, ip, username, httpHeaders)
                  if username == '%s' and string.sub(uri, 1, 11) ~= '/dicom-web/' then
                    local f = io.open('%s', 'a')
                    f:write(method .. ' ' .. uri .. '\\n')
                    f:close()
                    return false
                  end
                  return true
                end
                """.formatted(GATEWAY_USER, REST_CALLS);
        try {
            return Files.writeString(DIR.resolve("dicomweb-only.lua"), lua);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("dicomweb-only");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        String dicomweb = ORTHANC.dicomwebUrl().toString();
        ApiTestSupport.organizations(registry, "dicomweb", ORTHANC.aeTitle(), ORTHANC.host(), ORTHANC.dicomPort(),
                dicomweb, null, GATEWAY_USER, GATEWAY_PASSWORD, FreePorts.find());
        // an H2 file of its own: recovery of the other contexts must not settle this one's intents
        registry.add("spring.datasource.url", () -> "jdbc:h2:file:" + DIR + "/gateway;AUTO_SERVER=FALSE;WRITE_DELAY=0");
        registry.add("gateway.organizations[0].ingest.poll-interval", () -> "1s");
    }

    @AfterAll
    static void stop() {
        ORTHANC.close();
    }

    @Test
    void writesWorkByDicomwebAloneAndTheRestApiIsNeverCalled() throws Exception {
        // the filter works: the gateway's user is refused Orthanc's REST API, and the call is recorded
        assertThat(gatewayUserGet("/system")).isEqualTo(403);
        assertThat(restCalls()).containsExactly("GET /system");
        Files.delete(REST_CALLS);

        ApiTestSupport.Study study = ApiTestSupport.newCtStudy(ORTHANC, "PAT-DW1", OrthancApiContract.ISSUER);
        IdType id = (IdType) ApiTestSupport.client(port, ApiTestSupport.DEMO_SLUG).create()
                .resource(ApiTestSupport.manifest(study, 1, "v1")).execute().getId();
        ImagingManifest v1 = ApiTestSupport.client(port, ApiTestSupport.DEMO_SLUG).read()
                .resource(ImagingManifest.class).withId(id.getIdPart()).execute();
        v1.setDescription("v2");
        ApiTestSupport.client(port, ApiTestSupport.DEMO_SLUG).update().resource(v1).withId(id.getIdPart()).execute();
        assertThat(kosInStudy(study.studyUid())).as("KOS v1, its rejection note, KOS v2").isEqualTo(3);
        ApiTestSupport.client(port, ApiTestSupport.DEMO_SLUG).delete()
                .resourceById("ImagingManifest", id.getIdPart()).execute();
        assertThat(kosInStudy(study.studyUid())).as("and the note rejecting KOS v2").isEqualTo(4);
        // a few turns of the QIDO-RS poller, which reads the same Orthanc, before looking
        Thread.sleep(3000);

        assertThat(restCalls()).as("requests of the gateway outside /dicom-web/").isEmpty();
    }

    /** The KOS instances (Modality KO) of the study, counted through REST as Orthanc's own user. */
    private static int kosInStudy(String studyUid) {
        String found = ORTHANC.post("/tools/find", "application/json", ("{\"Level\":\"Instance\",\"Query\":"
                + "{\"StudyInstanceUID\":\"" + studyUid + "\",\"Modality\":\"KO\"}}").getBytes(StandardCharsets.UTF_8));
        Matcher ids = Pattern.compile("\"[0-9a-f-]{20,}\"").matcher(found);
        int n = 0;
        while (ids.find()) {
            n++;
        }
        return n;
    }

    private static int gatewayUserGet(String path) throws Exception {
        String credentials = Base64.getEncoder().encodeToString((GATEWAY_USER + ":" + GATEWAY_PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(ORTHANC.restUrl() + path))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Basic " + credentials).GET().build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static List<String> restCalls() throws IOException {
        return Files.exists(REST_CALLS) ? Files.readAllLines(REST_CALLS) : List.of();
    }
}
