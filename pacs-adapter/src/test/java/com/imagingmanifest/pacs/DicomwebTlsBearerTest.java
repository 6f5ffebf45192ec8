package com.imagingmanifest.pacs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
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
    private static final char[] PASSWORD = "changeit".toCharArray();

    @TempDir
    static Path dir;

    static KeyStore serverKeys;
    static HttpsServer server;
    static final List<String> AUTHORIZATIONS = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        Path store = dir.resolve("pacs.p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "pacs", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=PACS",
                "-validity", "2", "-ext", "SAN=ip:127.0.0.1", "-keystore", store.toString(), "-storetype", "PKCS12",
                "-storepass", new String(PASSWORD)).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
        serverKeys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            serverKeys.load(in, PASSWORD);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(serverKeys, PASSWORD);
        SSLContext serverTls = SSLContext.getInstance("TLS");
        serverTls.init(kmf.getKeyManagers(), null, null);
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
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("pacs", serverKeys.getCertificate("pacs"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }
}
