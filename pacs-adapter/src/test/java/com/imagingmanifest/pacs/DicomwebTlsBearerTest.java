package com.imagingmanifest.pacs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.imagingmanifest.testing.TestTls;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A DICOMweb binding with a bearer token and its own TLS trust, against an https QIDO-RS endpoint
 * (the JDK's HttpsServer with a self-signed certificate; Orthanc 1.10 takes no bearer tokens without
 * an authorization plugin): the token reaches the server in the Authorization header, and a binding
 * that does not trust the certificate is refused before anything is sent.
 */
class DicomwebTlsBearerTest {
    @TempDir
    static Path dir;

    static KeyStore serverKeys;
    static HttpsServer server;
    static final List<String> AUTHORIZATIONS = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        serverKeys = TestTls.load(TestTls.keyPair(dir.resolve("pacs.p12"), "pacs", "CN=PACS", "ip:127.0.0.1"));
        SSLContext serverTls = TestTls.context("TLS", serverKeys, null);
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverTls));
        server.createContext("/dicom-web/studies", exchange -> {
            AUTHORIZATIONS.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            byte[] body = "[]".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/dicom+json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    @Test
    void theBearerTokenGoesOverTlsTrustedByTheBinding() throws Exception {
        AUTHORIZATIONS.clear();
        try (Pacs pacs = PacsFactory.open(binding("t0ken-for-the-pacs").withTlsContext(trustingTheServer()))) {
            pacs.check();
        }
        assertEquals(List.of("Bearer t0ken-for-the-pacs"), AUTHORIZATIONS);
    }

    @Test
    void withoutTrustInTheCertificateNothingIsSent() {
        AUTHORIZATIONS.clear();
        try (Pacs pacs = PacsFactory.open(binding("t0ken-for-the-pacs"))) {
            PacsException e = assertThrows(PacsException.class, pacs::check);
            assertEquals(PacsException.Kind.REFUSED, e.kind(), e.getMessage());
            assertTrue(e.getMessage().contains("TLS"), e.getMessage());
        }
        assertTrue(AUTHORIZATIONS.isEmpty());
    }

    private static PacsBinding binding(String bearerToken) {
        URI base = URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/dicom-web/");
        return new PacsBinding(PacsBinding.Kind.DICOMWEB, null, null, 0, null, base, null, null, null, null,
                SupersededPolicy.KEEP, Duration.ofSeconds(5), Duration.ofSeconds(10),
                PacsBinding.DEFAULT_MAX_ASSOCIATIONS, null, bearerToken);
    }

    private static SSLContext trustingTheServer() throws Exception {
        return TestTls.context("TLS", null, TestTls.trusting(serverKeys.getCertificate("pacs")));
    }
}
