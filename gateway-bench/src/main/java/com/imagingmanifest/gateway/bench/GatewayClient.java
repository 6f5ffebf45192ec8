package com.imagingmanifest.gateway.bench;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The bench's HTTP client of the gateway: FHIR JSON both ways and, when the build has JWT security,
 * the bench organization's bearer token on every request. One client for every load thread, as a
 * load balancer's connection pool would be.
 */
final class GatewayClient {
    static final String FHIR_JSON = "application/fhir+json";

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String token;

    /** {@code token}: a bearer token, or null for a build without security. */
    GatewayClient(String token) {
        this.token = token;
    }

    String token() {
        return token;
    }

    /** The STU3 base of the bench organization on a gateway listening on {@code port}. */
    static String fhirBase(int port) {
        return fhirRoot(port) + "/3";
    }

    /** Above both FHIR bases: {@code /organizations/{org}/fhir}. */
    static String fhirRoot(int port) {
        return "http://127.0.0.1:" + port + "/organizations/" + BenchCommand.ORG + "/fhir";
    }

    HttpResponse<String> post(String url, String body) throws IOException, InterruptedException {
        return send(authorized(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", FHIR_JSON)
                .POST(HttpRequest.BodyPublishers.ofString(body))));
    }

    HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return send(authorized(HttpRequest.newBuilder(URI.create(url)).GET()));
    }

    /** A create: fails unless the gateway answered 201. */
    HttpResponse<String> create(String url, String body) throws IOException, InterruptedException {
        return status(201, post(url, body));
    }

    /** A read or search: fails unless the gateway answered 200. */
    HttpResponse<String> read(String url) throws IOException, InterruptedException {
        return status(200, get(url));
    }

    private HttpRequest.Builder authorized(HttpRequest.Builder builder) {
        builder.timeout(Duration.ofSeconds(60)).header("Accept", FHIR_JSON);
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    private HttpResponse<String> send(HttpRequest.Builder builder) throws IOException, InterruptedException {
        return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> status(int expected, HttpResponse<String> response) {
        if (response.statusCode() != expected) {
            throw new IllegalStateException("HTTP " + response.statusCode() + " " + snippet(response.body()));
        }
        return response;
    }

    static String snippet(String body) {
        return body.length() > 300 ? body.substring(0, 300) + "..." : body;
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
