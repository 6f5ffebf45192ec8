package com.imagingmanifest.testing;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * What actually runs an Orthanc behind {@link PrivateOrthanc}: a process from the OS package
 * ({@link OrthancProcess}), an external server ({@link ExternalOrthanc}) or a container
 * ({@link OrthancContainer}).
 */
interface OrthancServer {
    String restUrl();

    URI dicomwebUrl();

    String host();

    int dicomPort();

    String username();

    String password();

    void kill();

    void restart();

    long pid();

    /** Stops it for good and removes what it stored. */
    void destroy();

    /** Polls GET /system until it answers 200; {@code death} names an early death (null while alive). */
    static void awaitReady(String restUrl, String user, String password, java.util.function.Supplier<String> death,
                           java.util.function.Supplier<String> logTail) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(restUrl + "/system"))
                .timeout(Duration.ofSeconds(5))
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)))
                .build();
        long deadline = System.nanoTime() + PrivateOrthanc.START_TIMEOUT.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            String died = death.get();
            if (died != null) {
                throw new IllegalStateException("Orthanc " + died + "; log tail:\n" + logTail.get());
            }
            try {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
                last = "status " + response.statusCode();
            } catch (ConnectException notYet) {
                last = "connection refused";
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            PrivateOrthanc.sleep(50);
        }
        throw new IllegalStateException("Orthanc at " + restUrl + " did not answer GET /system within "
                + PrivateOrthanc.START_TIMEOUT + " (" + last + "); log tail:\n" + logTail.get());
    }
}
