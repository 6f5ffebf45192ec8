package com.imagingmanifest.gateway.ingest;

import static com.imagingmanifest.gateway.ingest.IngestTestSupport.DEMO;
import static com.imagingmanifest.gateway.ingest.IngestTestSupport.DEMO_AE;
import static com.imagingmanifest.gateway.ingest.IngestTestSupport.byKos;
import static com.imagingmanifest.gateway.ingest.IngestTestSupport.client;
import static com.imagingmanifest.gateway.ingest.IngestTestSupport.kosFile;
import static com.imagingmanifest.gateway.ingest.ScpIngestionTest.readAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.imagingmanifest.net.dimse.DimseClient;
import com.imagingmanifest.net.dimse.DimseException;
import com.imagingmanifest.net.dimse.DimseStatus;
import com.imagingmanifest.net.dimse.Part10Object;
import com.imagingmanifest.testing.PrivateOrthanc;
import com.imagingmanifest.testing.TestData;
import com.imagingmanifest.testing.TestTls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The KOS SCP over TLS (PS3.15 B.1), its key from a Spring Boot SSL bundle: a client that trusts the
 * SCP's certificate stores a KOS that becomes a manifest; a plain-TCP client gets no association.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ScpTlsTest {
    static final PrivateOrthanc ORTHANC = PrivateOrthanc.shared();
    static final Path DIR = IngestTestSupport.tempDir("scp-tls");
    static final Path KEY_STORE = keyStore(DIR);

    @LocalServerPort
    int httpPort;

    @Autowired
    KosStoreScp scp;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        IngestTestSupport.register(registry, IngestTestSupport.properties(ORTHANC, null, true));
        registry.add("spring.ssl.bundle.jks.scp.keystore.location", () -> "file:" + KEY_STORE);
        registry.add("spring.ssl.bundle.jks.scp.keystore.password", () -> TestTls.PASSWORD);
        registry.add("spring.ssl.bundle.jks.scp.keystore.type", () -> "PKCS12");
        registry.add("gateway.scp.ssl-bundle", () -> "scp");
    }

    @Test
    void aKosSentOverTlsBecomesAManifestAndPlainTcpIsRefused() throws Exception {
        Map<String, String> uids = TestData.freshKosUids();
        Part10Object kos = Part10Object.parse(readAll(kosFile(DIR, uids)));
        try (DimseClient tls = DimseClient.builder("127.0.0.1", scp.port(), DEMO_AE).callingAeTitle("STORESCU")
                .tlsContext(trusting(KEY_STORE)).dimseTimeout(Duration.ofSeconds(20)).build()) {
            DimseStatus status = tls.store(kos.sopClassUid(), kos.sopInstanceUid(), kos.dataSet(),
                    kos.transferSyntaxUid());
            assertThat(status.code()).as(status.toString()).isZero();
        }
        assertThat(byKos(client(httpPort, DEMO), uids.get("SOP_UID"))).hasSize(1);

        try (DimseClient plain = DimseClient.builder("127.0.0.1", scp.port(), DEMO_AE).callingAeTitle("STORESCU")
                .connectTimeout(Duration.ofSeconds(5)).associationTimeout(Duration.ofSeconds(5))
                .artimTimeout(Duration.ofSeconds(5)).build()) {
            assertThatThrownBy(plain::echo).isInstanceOf(DimseException.class);
        }
    }

    /** A self-signed EC key pair for 127.0.0.1, made by the JDK's keytool. */
    private static Path keyStore(Path dir) {
        return TestTls.keyPair(dir.resolve("scp.p12"), "scp", "CN=localhost", "ip:127.0.0.1");
    }

    private static SSLContext trusting(Path keyStore) {
        return TestTls.context("TLS", null, TestTls.load(keyStore));
    }
}
