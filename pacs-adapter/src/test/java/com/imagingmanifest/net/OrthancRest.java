package com.imagingmanifest.net;

import com.imagingmanifest.testing.PrivateOrthanc;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The few Orthanc REST calls the interop tests need beyond {@link PrivateOrthanc}'s text helpers. */
public final class OrthancRest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern ID = Pattern.compile("\"ID\"\\s*:\\s*\"([^\"]+)\"");

    private OrthancRest() {
    }

    /** Orthanc's instance ID for a SOP Instance UID (POST /tools/lookup), or null. */
    public static String instanceId(PrivateOrthanc orthanc, String sopInstanceUid) {
        String json = orthanc.post("/tools/lookup", "text/plain", sopInstanceUid.getBytes(StandardCharsets.US_ASCII));
        Matcher m = ID.matcher(json);
        return m.find() ? m.group(1) : null;
    }

    /** The stored file, GET /instances/{id}/file. */
    public static byte[] instanceFile(PrivateOrthanc orthanc, String instanceId) {
        String auth = Base64.getEncoder().encodeToString((orthanc.username() + ":" + orthanc.password())
                .getBytes(StandardCharsets.UTF_8));
        HttpRequest rq = HttpRequest.newBuilder(URI.create(orthanc.restUrl() + "/instances/" + instanceId + "/file"))
                .header("Authorization", "Basic " + auth).timeout(Duration.ofSeconds(30)).GET().build();
        try {
            HttpResponse<byte[]> rsp = HTTP.send(rq, HttpResponse.BodyHandlers.ofByteArray());
            if (rsp.statusCode() != 200) {
                throw new IllegalStateException("GET /instances/" + instanceId + "/file answered " + rsp.statusCode());
            }
            return rsp.body();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
