package com.imagingmanifest.gateway.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.dicom.io.Part10Object;
import com.imagingmanifest.net.dimse.DimseClient;
import com.imagingmanifest.net.dimse.DimseException;
import com.imagingmanifest.net.dimse.DimseStatus;
import com.imagingmanifest.net.pdu.AAssociateRj;
import com.imagingmanifest.net.pdu.AAssociateRq;
import com.imagingmanifest.net.pdu.PduWriter;
import com.imagingmanifest.net.pdu.PresentationContextAc;
import com.imagingmanifest.net.pdu.PresentationContextRq;
import com.imagingmanifest.net.pdu.UserInformation;
import com.imagingmanifest.net.ul.Association;
import com.imagingmanifest.testing.FreePorts;
import com.imagingmanifest.testing.PostgresDatabase;
import com.imagingmanifest.testing.PrivateOrthanc;
import com.imagingmanifest.testing.TestData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.Deflater;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Hostile DICOM peers against the gateway's real C-STORE SCP, in a gateway child JVM (-Xmx384m,
 * PostgreSQL, a private Orthanc as binding): a deflate bomb, a 16 MB image, slow-drip peers, a
 * spoofed calling AE, a forged rejection note, hostile Retrieve URLs. Each ends with a DICOM status,
 * a rejection or an abort; the child's heap (sampled) and peak resident memory are recorded; after
 * each, a good KOS is stored and read back through FHIR. The protocol-level corpus is
 * {@code HostilePduTest} in pacs-adapter.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileDicomTest {
    private static final String AE = "GWHOSTILE";
    private static final String GOOD = "GOODSCU";
    private static final String OTHER = "OTHERSCU";
    private static final String DRIPPER = "DRIPPER";
    private static final String KOS = Uid.KeyObjectSelectionDocumentStorage;
    private static final String CT = "1.2.840.10008.5.1.4.1.1.2";
    private static final long BOMB_BYTES = 300L << 20;

    private PrivateOrthanc orthanc;
    private PostgresDatabase database;
    private GatewayChild gateway;
    private Path dir;
    private int scpPort;

    @BeforeAll
    void start() throws IOException {
        orthanc = PrivateOrthanc.start(Map.of());
        database = PostgresDatabase.create();
        dir = Files.createTempDirectory("hostile-dicom");
        scpPort = FreePorts.find();
        String o = "gateway.organizations[0].";
        gateway = GatewayChild.start(database.jdbcUrl(), orthanc, Map.ofEntries(
                Map.entry("gateway.scp.port", Integer.toString(scpPort)),
                Map.entry(o + "scp-ae-title", AE),
                Map.entry(o + "scp-allowed-calling-aes[0]", GOOD),
                Map.entry(o + "scp-allowed-calling-aes[1]", OTHER),
                Map.entry(o + "scp-allowed-calling-aes[2]", DRIPPER),
                Map.entry(o + "retrieve-hosts[0]", "127.0.0.1"),
                Map.entry("gateway.scp.max-associations", "8"),
                Map.entry("gateway.scp.max-associations-per-calling-ae", "4"),
                // long enough for the drippers to still hang on while the legitimate C-ECHO is made
                Map.entry("gateway.scp.association-request-timeout", "20s"),
                Map.entry("gateway.scp.pdu-timeout", "10s"),
                Map.entry("management.endpoints.web.exposure.include", "health,prometheus")));
    }

    @AfterAll
    void stop() {
        if (gateway != null) {
            Figures.record("hostile DICOM: child VmHWM " + gateway.peakResidentKib() + " KiB (-Xmx384m, pre-touched)");
            gateway.close();
        }
        if (orthanc != null) {
            orthanc.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @AfterEach
    void aGoodStoreAndAFhirReadStillWork() {
        Map<String, String> uids = TestData.freshKosUids();
        Part10Object kos = kos(uids, dump -> dump);
        try (DimseClient client = client(GOOD)) {
            assertThat(client.store(KOS, kos.sopInstanceUid(), kos.dataSet(), kos.transferSyntaxUid()).isSuccess())
                    .isTrue();
        }
        assertThat(manifestsOf(uids.get("SOP_UID"))).hasSize(1);
        assertThat(gateway.logTail()).doesNotContain("OutOfMemoryError");
    }

    @Test
    void deflateBombIsRefusedWithCannotUnderstandAndTheHeapStaysBounded() throws Exception {
        Map<String, String> uids = TestData.freshKosUids();
        Part10Object good = kos(uids, dump -> dump);
        byte[] bomb = deflateBomb(good.dataSet(), BOMB_BYTES);
        assertThat(bomb.length).as("a small object").isLessThan(1 << 20);

        long[] peak = {gateway.heapUsedBytes()};
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                peak[0] = Math.max(peak[0], gateway.heapUsedBytes());
                GatewayChild.sleep(50);
            }
        });
        sampler.start();
        DimseStatus status;
        try (DimseClient client = client(GOOD)) {
            status = statusOf(() -> client.store(KOS, good.sopInstanceUid(), bomb, Uid.DeflatedExplicitVRLittleEndian));
        } finally {
            sampling.set(false);
            sampler.join();
        }
        // C000: cannot be parsed (it would expand beyond gateway.scp.max-object-size); quarantined
        assertThat(status.code()).as(status.toString()).isEqualTo(0xC000);
        assertThat(status.errorComment()).contains("expands beyond");
        assertThat(manifestsOf(uids.get("SOP_UID"))).isEmpty();
        Figures.record(String.format("hostile DICOM: deflate bomb %d KB -> %d MB: status %04X, child heap peak"
                + " (sampled) %d MB of 384", bomb.length / 1024, BOMB_BYTES >> 20, status.code(), peak[0] >> 20));
        assertThat(peak[0]).as("heap never near the bomb's size").isLessThan(BOMB_BYTES);
    }

    @Test
    void aSixteenMegabyteImageIsRefusedAtNegotiationAndItsDataAborted() throws Exception {
        Association a = Association.request(new Association.Request("127.0.0.1", scpPort, AE, GOOD, List.of(
                new PresentationContextRq(1, CT, List.of(Uid.ExplicitVRLittleEndian)),
                new PresentationContextRq(3, KOS, List.of(Uid.ExplicitVRLittleEndian))), List.of(), 16384,
                Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(5), null));
        List<PresentationContextAc> answered = a.associateAccept().presentationContexts();
        // PS3.8 9.3.3.2: result 3, abstract syntax not supported
        assertThat(answered).filteredOn(pc -> pc.id() == 1).singleElement()
                .extracting(PresentationContextAc::result).isEqualTo(PresentationContextAc.ABSTRACT_SYNTAX_NOT_SUPPORTED);
        assertThat(answered).filteredOn(pc -> pc.id() == 3).singleElement()
                .extracting(PresentationContextAc::accepted).isEqualTo(true);
        // sent anyway on the refused context: the SCP aborts at the first fragment
        boolean aborted;
        try {
            a.send(1, true, new byte[16]);
            a.send(1, false, new byte[16 << 20]);
            a.receive(15_000);
            aborted = false;
        } catch (IOException e) {
            aborted = true;
        } finally {
            a.abort();
        }
        assertThat(aborted).as("A-ABORT or close for data on a refused context").isTrue();
    }

    @Test
    void twentySlowDripPeersHangOnWhileALegitimateEchoIsAnswered() throws Exception {
        List<Dripper> drippers = new ArrayList<>();
        try {
            // 16 trickle their A-ASSOCIATE-RQ a byte at a time
            byte[] rq = PduWriter.encode(new AAssociateRq(1, AE, DRIPPER, Uid.DicomApplicationContextName,
                    List.of(new PresentationContextRq(1, Uid.Verification, List.of(Uid.ImplicitVRLittleEndian))),
                    new UserInformation(16384, "1.2.3", null)));
            for (int i = 0; i < 16; i++) {
                drippers.add(new Dripper(new Socket("127.0.0.1", scpPort), new byte[0], rq));
            }
            // 4 (the per-calling-AE limit) are established and trickle a P-DATA-TF
            byte[] pdata = {0x04, 0, 0, 0, 0, 0x10, 0, 0, 0, 0x0C, 1, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
            for (int i = 0; i < 4; i++) {
                Socket s = new Socket("127.0.0.1", scpPort);
                s.getOutputStream().write(rq);
                s.setSoTimeout(10_000);
                assertThat(s.getInputStream().read()).as("A-ASSOCIATE-AC").isEqualTo(0x02);
                drippers.add(new Dripper(s, new byte[0], pdata));
            }
            drippers.forEach(Dripper::start);
            // a fifth association of the same calling AE is turned away (transient, local limit exceeded)
            DimseException fifth = echoRefused(DRIPPER);
            assertThat(fifth.rejection().result()).isEqualTo(AAssociateRj.REJECTED_TRANSIENT);
            assertThat(fifth.rejection().reason()).isEqualTo(AAssociateRj.REASON_LOCAL_LIMIT_EXCEEDED);

            long start = System.nanoTime();
            try (DimseClient client = client(GOOD)) {
                client.echo();
            }
            long echoMillis = (System.nanoTime() - start) / 1_000_000;
            assertThat(drippers).as("all 20 still connected during the echo").allMatch(Dripper::alive);
            assertThat(echoMillis).as("answered within a generous bound").isLessThan(10_000);

            // and the SCP ends every dripper: ARTIM (20 s) or the PDU timeout (10 s), never the test's 60 s guard
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            for (Dripper d : drippers) {
                assertThat(d.awaitClosedByServer(deadline)).as("dripper closed by the SCP").isTrue();
            }
            long ended = (System.nanoTime() - start) / 1_000_000;
            Figures.record("hostile DICOM: 20 slow-drip peers (16 in the A-ASSOCIATE-RQ, 4 in a P-DATA-TF):"
                    + " C-ECHO answered in " + echoMillis + " ms while all hung on; 5th association of one AE"
                    + " rejected; all 20 ended by the SCP within " + ended + " ms");
        } finally {
            drippers.forEach(Dripper::close);
        }
    }

    @Test
    void aSpoofedCallingAeIsRejected() {
        DimseException e = echoRefused("INTRUDER");
        assertThat(e.rejection().result()).isEqualTo(AAssociateRj.REJECTED_PERMANENT);
        assertThat(e.rejection().reason()).isEqualTo(AAssociateRj.REASON_CALLING_AE_TITLE_NOT_RECOGNIZED);
    }

    private DimseException echoRefused(String callingAe) {
        try (DimseClient client = client(callingAe)) {
            client.echo();
        } catch (DimseException e) {
            assertThat(e.kind()).as(e.getMessage()).isEqualTo(DimseException.Kind.REJECTED);
            return e;
        }
        throw new AssertionError("association of " + callingAe + " accepted");
    }

    @Test
    void aRejectionNoteFromAnotherSenderDeletesNothing() {
        Map<String, String> uids = TestData.freshKosUids();
        Part10Object kos = kos(uids, dump -> dump);
        try (DimseClient client = client(GOOD)) {
            client.store(KOS, kos.sopInstanceUid(), kos.dataSet(), kos.transferSyntaxUid());
        }
        assertThat(manifestsOf(uids.get("SOP_UID"))).hasSize(1);
        Part10Object note = rejectionNote(uids);
        try (DimseClient forger = client(OTHER)) {
            // success: the note is received and recorded; it rejects nothing its sender made
            assertThat(forger.store(KOS, note.sopInstanceUid(), note.dataSet(), note.transferSyntaxUid())
                    .isSuccess()).isTrue();
        }
        assertThat(manifestsOf(uids.get("SOP_UID"))).as("the manifest stays").hasSize(1);
    }

    @Test
    void hostileRetrieveUrlsNeverBecomeEndpointAddresses() {
        for (String url : List.of("javascript:alert(1)", "file:///etc/passwd", "http://viewer.evil.example/dicom-web",
                "ftp://127.0.0.1/studies")) {
            Map<String, String> uids = TestData.freshKosUids();
            Part10Object kos = kos(uids, dump -> dump.replace("        (0008,1199) SQ",
                    "        (0008,1190) UR [" + url + "]\n        (0008,1199) SQ"));
            try (DimseClient client = client(GOOD)) {
                assertThat(client.store(KOS, kos.sopInstanceUid(), kos.dataSet(), kos.transferSyntaxUid()).isSuccess())
                        .isTrue();
            }
            List<JsonNode> found = manifestsOf(uids.get("SOP_UID"));
            assertThat(found).as(url).hasSize(1);
            assertThat(found.get(0).toString()).as("no endpoint at " + url).doesNotContain(url);
        }
        // an allowed host stays
        Map<String, String> uids = TestData.freshKosUids();
        String allowed = "http://127.0.0.1:8042/dicom-web";
        Part10Object kos = kos(uids, dump -> dump.replace("        (0008,1199) SQ",
                "        (0008,1190) UR [" + allowed + "/studies/" + uids.get("STUDY_UID") + "]\n        (0008,1199) SQ"));
        try (DimseClient client = client(GOOD)) {
            client.store(KOS, kos.sopInstanceUid(), kos.dataSet(), kos.transferSyntaxUid());
        }
        assertThat(manifestsOf(uids.get("SOP_UID")).get(0).toString()).contains(allowed);
    }

    // ---- helpers

    private DimseClient client(String callingAe) {
        return DimseClient.builder("127.0.0.1", scpPort, AE).callingAeTitle(callingAe)
                .associationTimeout(Duration.ofSeconds(10)).dimseTimeout(Duration.ofSeconds(60)).build();
    }

    private List<JsonNode> manifestsOf(String kosSopUid) {
        Rig.Answer answer = Rig.get(gateway, "/ImagingManifest?identifier=urn:dicom:uid%7Curn:oid:" + kosSopUid);
        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        answer.json().path("entry").forEach(e -> out.add(e.path("resource")));
        return out;
    }

    private Part10Object kos(Map<String, String> uids, java.util.function.UnaryOperator<String> edit) {
        Path file = TestData.dicomFromDump(edit.apply(TestData.kosTemplate(uids)), dir, "kos-" + uids.get("SOP_UID")
                + ".dcm");
        return Part10Object.parse(read(file));
    }

    private Part10Object rejectionNote(Map<String, String> rejected) {
        String noteUid = TestData.newUid();
        String dump = TestData.text("ingest/rejection-note.dump").replace("@SOP_UID@", noteUid)
                .replace("@STUDY_UID@", rejected.get("STUDY_UID")).replace("@NOTE_SERIES_UID@", TestData.newUid())
                .replace("@REJECTED_SERIES_UID@", rejected.get("KOS_SERIES_UID"))
                .replace("@REJECTED_UID@", rejected.get("SOP_UID")).replace("@PATIENT_ID@", "PAT-KOS-1");
        return Part10Object.parse(read(TestData.dicomFromDump(dump, dir, "note-" + noteUid + ".dcm")));
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The status of a store, failures included (the client throws those). */
    private static DimseStatus statusOf(java.util.function.Supplier<DimseStatus> store) {
        try {
            return store.get();
        } catch (DimseException e) {
            assertThat(e.kind()).as(e.getMessage()).isEqualTo(DimseException.Kind.FAILURE_STATUS);
            return e.status();
        }
    }

    /**
     * {@code dataSet} (Explicit VR Little Endian) followed by a private OB element of {@code zeros}
     * zero bytes, deflated as PS3.5 A.5 asks, without ever holding the inflated bytes.
     */
    static byte[] deflateBomb(byte[] dataSet, long zeros) {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        head.writeBytes(dataSet);
        // (7FE1,0010) LO private creator, then (7FE1,1010) OB of the given length (PS3.5 7.1.2)
        head.writeBytes(new byte[] {(byte) 0xE1, 0x7F, 0x10, 0x00, 'L', 'O', 8, 0});
        head.writeBytes("HOSTILE ".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        head.writeBytes(new byte[] {(byte) 0xE1, 0x7F, 0x10, 0x10, 'O', 'B', 0, 0, (byte) zeros, (byte) (zeros >> 8),
            (byte) (zeros >> 16), (byte) (zeros >> 24)});
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[1 << 16];
        byte[] chunk = new byte[1 << 20];
        try {
            deflater.setInput(head.toByteArray());
            drain(deflater, buffer, out);
            for (long left = zeros; left > 0; left -= chunk.length) {
                deflater.setInput(chunk, 0, (int) Math.min(chunk.length, left));
                drain(deflater, buffer, out);
            }
            deflater.finish();
            while (!deflater.finished()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
        } finally {
            deflater.end();
        }
        if (out.size() % 2 == 1) {
            out.write(0); // even length, as PS3.5 A.5 pads
        }
        return out.toByteArray();
    }

    private static void drain(Deflater deflater, byte[] buffer, ByteArrayOutputStream out) {
        while (!deflater.needsInput()) {
            out.write(buffer, 0, deflater.deflate(buffer));
        }
    }

    /** A peer that writes {@code first} at once, then one byte of {@code drip} every 500 ms. */
    private static final class Dripper {
        private final Socket socket;
        private final byte[] drip;
        private final AtomicBoolean alive = new AtomicBoolean(true);
        private final AtomicLong written = new AtomicLong();
        private final Thread thread;

        Dripper(Socket socket, byte[] first, byte[] drip) throws IOException {
            this.socket = socket;
            this.drip = drip;
            socket.getOutputStream().write(first);
            thread = new Thread(this::run, "dripper");
            thread.setDaemon(true);
        }

        void start() {
            thread.start();
        }

        private void run() {
            try {
                OutputStream out = socket.getOutputStream();
                for (int i = 0; i < drip.length && alive.get(); i++) {
                    out.write(drip[i]);
                    out.flush();
                    written.incrementAndGet();
                    Thread.sleep(500);
                }
            } catch (IOException | InterruptedException e) {
                alive.set(false);
            }
        }

        boolean alive() {
            return alive.get() && !socket.isClosed();
        }

        /** Waits until the SCP closes or aborts (end of stream or A-ABORT), up to {@code deadlineNanos}. */
        boolean awaitClosedByServer(long deadlineNanos) {
            try {
                InputStream in = socket.getInputStream();
                while (System.nanoTime() < deadlineNanos) {
                    socket.setSoTimeout((int) Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000));
                    int b = in.read();
                    if (b == -1) {
                        return true;
                    }
                }
                return false;
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true; // reset by the SCP
            }
        }

        void close() {
            alive.set(false);
            thread.interrupt();
            try {
                socket.close();
            } catch (IOException ignored) {
                // going away
            }
        }
    }
}
