package com.imagingmanifest.pacs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.imagingmanifest.dicom.io.Part10Object;
import com.imagingmanifest.testing.Dcmtk;
import com.imagingmanifest.testing.StoreScp;
import com.imagingmanifest.testing.TestTls;
import com.imagingmanifest.testing.ToolResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A DIMSE binding with TLS material (PS3.15 B.1, both sides authenticated) against DCMTK
 * {@code storescp +tls}: the KOS arrives; a PACS certificate the binding does not trust, or one that
 * names another host, gets no association and nothing is stored.
 */
class DimseTlsInteropTest {
    @TempDir
    static Path dir;

    static Path pacsKey;
    static Path pacsCert;
    static Path otherHostKey;
    static Path otherHostCert;
    static Path gatewayKeyStore;
    static Path gatewayCert;

    @BeforeAll
    static void keys() {
        Dcmtk.require("openssl");
        pacsKey = dir.resolve("pacs-key.pem");
        pacsCert = dir.resolve("pacs-cert.pem");
        selfSigned(pacsKey, pacsCert, "IP:127.0.0.1");
        otherHostKey = dir.resolve("other-key.pem");
        otherHostCert = dir.resolve("other-cert.pem");
        selfSigned(otherHostKey, otherHostCert, "DNS:pacs.elsewhere.example");
        // the gateway's own key pair, which storescp requires of its peer by default
        gatewayKeyStore = TestTls.keyPair(dir.resolve("gateway.p12"), "gateway", "CN=IMGGATEWAY", null);
        gatewayCert = TestTls.exportPem(gatewayKeyStore, "gateway", dir.resolve("gateway-cert.pem"));
    }

    @Test
    void aKosGoesToStorescpOverTls() throws Exception {
        TestKos kos = TestKos.fresh();
        try (StoreScp scp = Dcmtk.startStoreScp("TLSSCP", dir.resolve("out-ok"), "+tls", pacsKey.toString(),
                pacsCert.toString(), "-pw", "+cf", gatewayCert.toString());
                Pacs pacs = PacsFactory.open(binding(scp, tls(pacsCert)))) {
            pacs.check();
            pacs.store(Part10Object.parse(kos.part10()));
            List<Path> files = scp.awaitFiles(1, Duration.ofSeconds(20));
            assertEquals(1, files.size());
            assertTrue(Dcmtk.dcmdump(files.get(0)).contains(kos.uids.get("SOP_UID")));
        }
    }

    @Test
    void aPacsCertificateThatIsNotTrustedGetsNoAssociation() throws Exception {
        try (StoreScp scp = Dcmtk.startStoreScp("TLSSCP", dir.resolve("out-untrusted"), "+tls", pacsKey.toString(),
                pacsCert.toString(), "-pw", "+cf", gatewayCert.toString());
                Pacs pacs = PacsFactory.open(binding(scp, tls(otherHostCert)))) {
            PacsException e = assertThrows(PacsException.class, () -> pacs.store(Part10Object.parse(TestKos.fresh().part10())));
            assertTrue(e.getMessage().contains("127.0.0.1"), e.getMessage());
            assertTrue(scp.receivedFiles().isEmpty());
        }
    }

    @Test
    void aTrustedCertificateForAnotherHostGetsNoAssociation() throws Exception {
        // the binding trusts this certificate, but it names pacs.elsewhere.example, not 127.0.0.1
        try (StoreScp scp = Dcmtk.startStoreScp("TLSSCP", dir.resolve("out-wrong-host"), "+tls",
                otherHostKey.toString(), otherHostCert.toString(), "-pw", "+cf", gatewayCert.toString());
                Pacs pacs = PacsFactory.open(binding(scp, tls(otherHostCert)))) {
            PacsException e = assertThrows(PacsException.class, () -> pacs.store(Part10Object.parse(TestKos.fresh().part10())));
            assertTrue(e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("127.0.0.1"), e.getMessage());
            assertTrue(scp.receivedFiles().isEmpty());
        }
    }

    private static PacsBinding binding(StoreScp scp, SSLContext tls) {
        return new PacsBinding(PacsBinding.Kind.DIMSE, scp.aeTitle(), scp.host(), scp.port(), "IMGGATEWAY", null, null,
                null, null, null, SupersededPolicy.KEEP, Duration.ofSeconds(5), Duration.ofSeconds(10),
                PacsBinding.DEFAULT_MAX_ASSOCIATIONS).withTlsContext(tls);
    }

    /** The gateway's key pair, and trust in exactly {@code pacsCertificate}. */
    private static SSLContext tls(Path pacsCertificate) {
        return TestTls.context("TLS", TestTls.load(gatewayKeyStore), TestTls.trusting(TestTls.readPem(pacsCertificate)));
    }

    private static void selfSigned(Path key, Path cert, String subjectAltName) {
        ToolResult made = Dcmtk.run(Duration.ofSeconds(60), "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days",
                "2", "-subj", "/CN=PACS", "-addext", "subjectAltName=" + subjectAltName);
        if (!made.succeeded()) {
            throw new IllegalStateException("openssl req failed: " + made.output());
        }
    }
}
