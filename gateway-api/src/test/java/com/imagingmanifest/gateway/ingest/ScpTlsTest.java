package com.imagingmanifest.gateway.ingest;

import static com.imagingmanifest.gateway.ingest.IngestTestSupport.DEMO;
import static com.imagingmanifest.gateway.ingest.IngestTestSupport.DEMO_AE;
import static com.imagingmanifest.gateway.ingest.IngestTestSupport.byKos;
import static com.imagingmanifest.gateway.ingest.IngestTestSupport.client;
import static com.imagingmanifest.gateway.ingest.IngestTestSupport.kosFile;
import static com.imagingmanifest.gateway.ingest.ScpIngestionTest.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.imagingmanifest.dicom.io.Part10Object;
import com.imagingmanifest.net.dimse.DimseClient;
import com.imagingmanifest.net.dimse.DimseException;
import com.imagingmanifest.net.dimse.DimseStatus;
import com.imagingmanifest.testing.PrivateOrthanc;
import com.imagingmanifest.testing.TestData;
import com.imagingmanifest.testing.TestTls;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The KOS SCP over TLS (PS3.15 B.1), its key and trust store from a Spring Boot SSL bundle, and
 * organization demo accepting only the client certificate {@value #ROUTER_DN}
 * ({@code scp-client-certificates}): a client presenting it stores a KOS that becomes a manifest; a
 * client with a certificate the trust store knows but demo does not list, or with none, gets no
 * association, and neither does a plain-TCP client. All key pairs are made by the JDK's keytool here.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ScpTlsTest {
    static final PrivateOrthanc ORTHANC = PrivateOrthanc.shared();
    static final Path DIR = IngestTestSupport.tempDir("scp-tls");
    static final Path KEY_STORE = keyStore(DIR);
    static final String ROUTER_DN = "CN=router.site.example,O=Site";
    static final Path ROUTER = TestTls.keyPair(DIR.resolve("router.p12"), "router", ROUTER_DN, null);
    static final Path STRANGER = TestTls.keyPair(DIR.resolve("stranger.p12"), "stranger",
            "CN=stranger.site.example,O=Site", null);
    /** The senders' certificates the site trusts: both; demo maps only the router's. */
    static final Path TRUST_STORE = trustStore(DIR.resolve("senders.p12"), ROUTER, STRANGER);

    @LocalServerPort
    int httpPort;

    @Autowired
    KosStoreScp scp;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        Map<String, String> p = IngestTestSupport.properties(ORTHANC, null, true);
        p.put("gateway.organizations[0].scp-client-certificates[0]", ROUTER_DN);
        IngestTestSupport.register(registry, p);
        registry.add("spring.ssl.bundle.jks.scp.truststore.location", () -> "file:" + TRUST_STORE);
        registry.add("spring.ssl.bundle.jks.scp.truststore.password", () -> TestTls.PASSWORD);
        registry.add("spring.ssl.bundle.jks.scp.truststore.type", () -> "PKCS12");
        registry.add("spring.ssl.bundle.jks.scp.keystore.location", () -> "file:" + KEY_STORE);
        registry.add("spring.ssl.bundle.jks.scp.keystore.password", () -> TestTls.PASSWORD);
        registry.add("spring.ssl.bundle.jks.scp.keystore.type", () -> "PKCS12");
        registry.add("gateway.scp.ssl-bundle", () -> "scp");
    }

    @Test
    void aMappedClientCertificateStoresAndOthersAreRefused() throws Exception {
        Map<String, String> uids = TestData.freshKosUids();
        Part10Object kos = Part10Object.parse(readAll(kosFile(DIR, uids)));
        try (DimseClient tls = tlsClient(TestTls.load(ROUTER)).dimseTimeout(Duration.ofSeconds(20)).build()) {
            DimseStatus status = tls.store(kos.sopClassUid(), kos.sopInstanceUid(), kos.dataSet(),
                    kos.transferSyntaxUid());
            assertThat(status.code()).as(status.toString()).isZero();
        }
        assertThat(byKos(client(httpPort, DEMO), uids.get("SOP_UID"))).hasSize(1);

        // trusted by the bundle but not listed for demo, and no certificate at all: same calling AE
        Map<String, String> refused = TestData.freshKosUids();
        Part10Object other = Part10Object.parse(readAll(kosFile(DIR, refused)));
        for (KeyStore keys : new KeyStore[] {TestTls.load(STRANGER), null}) {
            try (DimseClient denied = tlsClient(keys).build()) {
                assertThatThrownBy(() -> denied.store(other.sopClassUid(), other.sopInstanceUid(), other.dataSet(),
                        other.transferSyntaxUid())).as(keys == null ? "no certificate" : "unmapped certificate")
                        .isInstanceOf(DimseException.class);
            }
        }
        assertThat(byKos(client(httpPort, DEMO), refused.get("SOP_UID"))).isEmpty();

        try (DimseClient plain = DimseClient.builder("127.0.0.1", scp.port(), DEMO_AE).callingAeTitle("STORESCU")
                .connectTimeout(Duration.ofSeconds(5)).associationTimeout(Duration.ofSeconds(5))
                .artimTimeout(Duration.ofSeconds(5)).build()) {
            assertThatThrownBy(plain::echo).isInstanceOf(DimseException.class);
        }
    }

    /** A TLS client of demo's SCP trusting the SCP's certificate and presenting {@code keys} (null: none). */
    private DimseClient.Builder tlsClient(KeyStore keys) {
        return DimseClient.builder("127.0.0.1", scp.port(), DEMO_AE).callingAeTitle("STORESCU")
                .tlsContext(TestTls.context("TLS", keys, TestTls.load(KEY_STORE)))
                .connectTimeout(Duration.ofSeconds(5)).associationTimeout(Duration.ofSeconds(10))
                .artimTimeout(Duration.ofSeconds(10)).dimseTimeout(Duration.ofSeconds(20));
    }

    private static Path trustStore(Path file, Path... keyPairs) {
        java.security.cert.Certificate[] certificates = new java.security.cert.Certificate[keyPairs.length];
        for (int i = 0; i < keyPairs.length; i++) {
            KeyStore keys = TestTls.load(keyPairs[i]);
            try {
                certificates[i] = keys.getCertificate(keys.aliases().nextElement());
            } catch (java.security.KeyStoreException e) {
                throw new IllegalStateException(e);
            }
        }
        try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(file)) {
            TestTls.trusting(certificates).store(out, TestTls.PASSWORD.toCharArray());
        } catch (java.io.IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        return file;
    }

    /** A self-signed EC key pair for 127.0.0.1, made by the JDK's keytool. */
    private static Path keyStore(Path dir) {
        return TestTls.keyPair(dir.resolve("scp.p12"), "scp", "CN=localhost", "ip:127.0.0.1");
    }
}
