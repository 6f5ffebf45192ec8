package com.imagingmanifest.net.dimse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.dicom.io.Part10Object;
import com.imagingmanifest.net.KosFixture;
import com.imagingmanifest.net.pdu.AAssociateRj;
import com.imagingmanifest.testing.TestTls;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Our SCU against our SCP on loopback. */
class LoopbackTest {
    @TempDir
    Path dir;

    private final Map<String, StoreRequest> received = new ConcurrentHashMap<>();

    private DimseServer.Builder server() {
        return DimseServer.builder().applicationEntity("GATEWAY", rq -> {
            received.put(rq.sopInstanceUid(), rq);
            return DimseStatus.success();
        }, Set.of(DimseServer.ANY_CALLING_AE));
    }

    private static DimseClient.Builder client(DimseServer server) {
        return DimseClient.builder("127.0.0.1", server.port(), "GATEWAY").callingAeTitle("TESTSCU")
                .dimseTimeout(Duration.ofSeconds(20));
    }

    @Test
    void echoSucceedsAndReusesTheAssociation() {
        try (DimseServer server = server().start(); DimseClient client = client(server).build()) {
            client.echo();
            client.echo();
            client.echo();
            assertEquals(1, server.associationsServed(), "three echoes over one pooled association");
        }
    }

    @Test
    void storeOfKosHandsOverTheExactDataSetBytes() {
        KosFixture.Kos kos = KosFixture.newKos(dir);
        try (DimseServer server = server().start(); DimseClient client = client(server).build()) {
            Part10Object o = kos.object();
            DimseStatus status = client.store(o.sopClassUid(), o.sopInstanceUid(), o.dataSet(), o.transferSyntaxUid());
            assertEquals(StatusCategory.SUCCESS, status.category());
            StoreRequest rq = received.get(kos.sopInstanceUid());
            assertNotNull(rq, "handler saw the instance");
            assertEquals("TESTSCU", rq.callingAeTitle());
            assertEquals("GATEWAY", rq.calledAeTitle());
            assertEquals(Uid.KeyObjectSelectionDocumentStorage, rq.sopClassUid());
            assertEquals(Uid.ExplicitVRLittleEndian, rq.transferSyntaxUid());
            assertArrayEquals(o.dataSet(), rq.dataSet());
        }
    }

    /** Odd and even maximum PDU lengths on both sides; 0 means unlimited (PS3.8 D.1). */
    @ParameterizedTest
    @ValueSource(longs = {4096 + 7, 16384, 0, 1000, 65536 + 1})
    void largeDataSetsAreFragmentedToThePeersMaximum(long maxPdu) {
        Part10Object big = KosFixture.largeObject(3 * 1024 * 1024 + 13, maxPdu);
        try (DimseServer server = server().maxPduLength(maxPdu).start();
                DimseClient client = client(server).maxPduLength(maxPdu == 0 ? 4096 + 7 : maxPdu).build()) {
            client.store(big.sopClassUid(), big.sopInstanceUid(), big.dataSet(), big.transferSyntaxUid());
            assertArrayEquals(big.dataSet(), received.get(big.sopInstanceUid()).dataSet());
        }
    }

    @Test
    void implicitDataSetIsSentInImplicitWhenThatContextIsAccepted() {
        KosFixture.Kos kos = KosFixture.newKos(dir);
        byte[] implicit = com.imagingmanifest.dicom.io.DataSetWriter.write(
                com.imagingmanifest.dicom.io.DataSetReader.read(kos.object().dataSet(), 0,
                        kos.object().dataSet().length, Uid.ExplicitVRLittleEndian), Uid.ImplicitVRLittleEndian);
        try (DimseServer server = server().start(); DimseClient client = client(server).build()) {
            client.store(Uid.KeyObjectSelectionDocumentStorage, kos.sopInstanceUid(), implicit,
                    Uid.ImplicitVRLittleEndian);
            StoreRequest rq = received.get(kos.sopInstanceUid());
            assertEquals(Uid.ImplicitVRLittleEndian, rq.transferSyntaxUid());
            assertArrayEquals(implicit, rq.dataSet());
        }
    }

    @Test
    void dataSetIsConvertedWhenOnlyAnotherLittleEndianSyntaxIsAccepted() {
        KosFixture.Kos kos = KosFixture.newKos(dir);
        try (DimseServer server = server().transferSyntaxes(List.of(Uid.ImplicitVRLittleEndian)).start();
                DimseClient client = client(server).build()) {
            Part10Object o = kos.object();
            client.store(o.sopClassUid(), o.sopInstanceUid(), o.dataSet(), o.transferSyntaxUid());
            StoreRequest rq = received.get(kos.sopInstanceUid());
            assertEquals(Uid.ImplicitVRLittleEndian, rq.transferSyntaxUid());
            assertEquals(com.imagingmanifest.dicom.io.DataSetReader.read(o.dataSet(), 0, o.dataSet().length,
                    o.transferSyntaxUid()), com.imagingmanifest.dicom.io.DataSetReader.read(rq.dataSet(), 0,
                    rq.dataSet().length, Uid.ImplicitVRLittleEndian));
        }
    }

    @Test
    void handlerStatusIsReturnedAndFailureIsThrownWithErrorComment() {
        try (DimseServer server = DimseServer.builder().applicationEntity("GATEWAY",
                rq -> new DimseStatus(0xA700, "disk full"), Set.of(DimseServer.ANY_CALLING_AE)).start();
                DimseClient client = client(server).build()) {
            Part10Object o = KosFixture.newKos(dir).object();
            DimseException e = assertThrows(DimseException.class,
                    () -> client.store(o.sopClassUid(), o.sopInstanceUid(), o.dataSet(), o.transferSyntaxUid()));
            assertEquals(DimseException.Kind.FAILURE_STATUS, e.kind());
            assertEquals(0xA700, e.status().code());
            assertEquals("disk full", e.status().errorComment());
            client.echo(); // the association stays usable after a failure status
            assertEquals(1, server.associationsServed());
        }
    }

    @Test
    void unknownCalledAeIsRejected() {
        try (DimseServer server = server().start();
                DimseClient client = DimseClient.builder("127.0.0.1", server.port(), "NOBODY").build()) {
            DimseException e = assertThrows(DimseException.class, client::echo);
            assertEquals(DimseException.Kind.REJECTED, e.kind());
            assertEquals(AAssociateRj.REASON_CALLED_AE_TITLE_NOT_RECOGNIZED, e.rejection().reason());
            assertEquals(AAssociateRj.SOURCE_SERVICE_USER, e.rejection().source());
        }
    }

    @Test
    void callingAeNotOnTheAllowListIsRejected() {
        try (DimseServer server = DimseServer.builder()
                .applicationEntity("GATEWAY", rq -> DimseStatus.success(), Set.of("PACS1")).start();
                DimseClient stranger = client(server).callingAeTitle("STRANGER").build();
                DimseClient friend = client(server).callingAeTitle("PACS1").build()) {
            DimseException e = assertThrows(DimseException.class, stranger::echo);
            assertEquals(DimseException.Kind.REJECTED, e.kind());
            assertEquals(AAssociateRj.REASON_CALLING_AE_TITLE_NOT_RECOGNIZED, e.rejection().reason());
            friend.echo();
        }
    }

    @Test
    void unreachablePeerIsReportedAsSuch() {
        int port;
        try (DimseServer server = server().start()) {
            port = server.port();
        }
        try (DimseClient client = DimseClient.builder("127.0.0.1", port, "GATEWAY")
                .connectTimeout(Duration.ofSeconds(2)).build()) {
            DimseException e = assertThrows(DimseException.class, client::echo);
            assertEquals(DimseException.Kind.UNREACHABLE, e.kind());
        }
    }

    @Test
    void sopClassWithoutStorageHandlerHasNoPresentationContext() {
        try (DimseServer server = DimseServer.builder().applicationEntity("ECHOONLY", null, Set.of(DimseServer.ANY_CALLING_AE)).start();
                DimseClient client = DimseClient.builder("127.0.0.1", server.port(), "ECHOONLY").build()) {
            client.echo();
            Part10Object o = KosFixture.newKos(dir).object();
            DimseException e = assertThrows(DimseException.class,
                    () -> client.store(o.sopClassUid(), o.sopInstanceUid(), o.dataSet(), o.transferSyntaxUid()));
            assertEquals(DimseException.Kind.NO_PRESENTATION_CONTEXT, e.kind());
        }
    }

    @Test
    void dataSetAboveTheServersLimitAbortsTheAssociation() {
        Part10Object big = KosFixture.largeObject(200_000, 1);
        try (DimseServer server = server().maxDataSetLength(100_000).start();
                DimseClient client = client(server).build()) {
            DimseException e = assertThrows(DimseException.class,
                    () -> client.store(big.sopClassUid(), big.sopInstanceUid(), big.dataSet(), big.transferSyntaxUid()));
            assertEquals(DimseException.Kind.ABORTED, e.kind());
            assertTrue(received.isEmpty());
            client.echo(); // a new association replaces the aborted one
        }
    }

    @Test
    void associationsAboveTheLimitAreRejectedTransiently() throws Exception {
        try (DimseServer server = server().maxAssociations(2).start();
                DimseClient first = client(server).build();
                DimseClient second = client(server).build();
                DimseClient third = client(server).build()) {
            first.echo(); // each client keeps its association open in its pool
            second.echo();
            DimseException e = assertThrows(DimseException.class, third::echo);
            assertEquals(DimseException.Kind.REJECTED, e.kind());
            assertEquals(AAssociateRj.REJECTED_TRANSIENT, e.rejection().result());
            assertEquals(AAssociateRj.REASON_LOCAL_LIMIT_EXCEEDED, e.rejection().reason());
            first.close(); // releases its association: a slot frees up
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (true) {
                try {
                    third.echo();
                    break;
                } catch (DimseException stillFull) {
                    if (System.nanoTime() > deadline) {
                        throw stillFull;
                    }
                    Thread.sleep(50);
                }
            }
        }
    }

    @Test
    void echoAndStoreOverTls() throws Exception {
        javax.net.ssl.SSLContext tls = selfSignedContext(dir);
        Part10Object o = KosFixture.newKos(dir).object();
        try (DimseServer server = server().tlsContext(tls).start();
                DimseClient client = client(server).tlsContext(tls).build()) {
            client.echo();
            client.store(o.sopClassUid(), o.sopInstanceUid(), o.dataSet(), o.transferSyntaxUid());
            assertArrayEquals(o.dataSet(), received.get(o.sopInstanceUid()).dataSet());
        }
        try (DimseServer server = server().tlsContext(tls).start();
                DimseClient plain = client(server).associationTimeout(Duration.ofSeconds(3)).build()) {
            DimseException e = assertThrows(DimseException.class, plain::echo, "plain TCP to a TLS port fails");
            assertTrue(e.kind() == DimseException.Kind.ABORTED || e.kind() == DimseException.Kind.TIMEOUT, e.kind()
                    + ": " + e.getMessage());
        }
    }

    /** A key store made by the JDK's keytool, used as both key and trust material. */
    static javax.net.ssl.SSLContext selfSignedContext(Path dir) {
        java.security.KeyStore store = TestTls.load(TestTls.keyPair(dir.resolve("tls.p12"), "scp", "CN=localhost",
                "ip:127.0.0.1"));
        return TestTls.context("TLSv1.3", store, store);
    }
}
