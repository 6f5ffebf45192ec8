package com.imagingmanifest.net.ul;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.net.dimse.DimseClient;
import com.imagingmanifest.net.dimse.DimseException;
import com.imagingmanifest.net.dimse.DimseServer;
import com.imagingmanifest.net.dimse.DimseStatus;
import com.imagingmanifest.net.pdu.AAbort;
import com.imagingmanifest.net.pdu.AAssociateAc;
import com.imagingmanifest.net.pdu.AAssociateRq;
import com.imagingmanifest.net.pdu.Pdu;
import com.imagingmanifest.net.pdu.PduReader;
import com.imagingmanifest.net.pdu.PduWriter;
import com.imagingmanifest.net.pdu.PresentationContextAc;
import com.imagingmanifest.net.pdu.PresentationContextRq;
import com.imagingmanifest.net.pdu.UserInformation;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Peers that break the protocol: the server answers with A-ABORT or closes, promptly (bounded by
 * ARTIM or the idle timeout), and keeps serving others; the client never waits past its timeouts.
 */
class BadPeerTest {
    private static final HexFormat HEX = HexFormat.of();
    private DimseServer server;

    @BeforeEach
    void start() {
        server = DimseServer.builder().applicationEntity("GATEWAY", rq -> DimseStatus.success(), Set.of(DimseServer.ANY_CALLING_AE))
                .artimTimeout(Duration.ofMillis(500)).idleTimeout(Duration.ofSeconds(1)).start();
    }

    @AfterEach
    void stop() {
        // the server still serves a well-behaved client after each bad peer
        try (DimseClient client = DimseClient.builder("127.0.0.1", server.port(), "GATEWAY").build()) {
            client.echo();
        }
        server.close();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket("127.0.0.1", server.port());
        s.setSoTimeout(10_000); // the test's own guard; the server must act well before it
        return s;
    }

    private static byte[] associateRq() {
        return PduWriter.encode(new AAssociateRq(1, "GATEWAY", "BADPEER", Uid.DicomApplicationContextName,
                List.of(new PresentationContextRq(1, Uid.Verification, List.of(Uid.ImplicitVRLittleEndian))),
                new UserInformation(16384, "1.2.3", null)));
    }

    /** Reads PDUs until the server closes; returns the A-ABORT it sent, if any. */
    private static AAbort abortThenClose(InputStream in) throws IOException {
        AAbort abort = null;
        Pdu p;
        while ((p = PduReader.read(in, 1 << 20)) != null) {
            if (p instanceof AAbort a) {
                abort = a;
            }
        }
        return abort;
    }

    @Test
    void unknownPduTypeBeforeAssociationGetsAbort() throws IOException {
        try (Socket s = connect()) {
            s.getOutputStream().write(HEX.parseHex("09000000000400000000"));
            AAbort abort = abortThenClose(s.getInputStream());
            assertTrue(abort != null, "A-ABORT before close");
        }
    }

    @Test
    void pDataBeforeAssociationGetsAbort() throws IOException {
        try (Socket s = connect()) {
            s.getOutputStream().write(HEX.parseHex("0400000000080000000401030102"));
            assertTrue(abortThenClose(s.getInputStream()) != null);
        }
    }

    @Test
    void oversizedLengthIsRefusedFromTheHeader() throws IOException {
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write(associateRq());
            InputStream in = s.getInputStream();
            assertTrue(PduReader.read(in, 1 << 20) instanceof AAssociateAc);
            out.write(HEX.parseHex("04007fffffff"));
            AAbort abort = abortThenClose(in);
            assertEquals(AAbort.SOURCE_SERVICE_PROVIDER, abort.source());
            assertEquals(AAbort.REASON_INVALID_PDU_PARAMETER_VALUE, abort.reason());
        }
    }

    @Test
    void secondAssociateRequestInSta6GetsAbortUnexpectedPdu() throws IOException {
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write(associateRq());
            InputStream in = s.getInputStream();
            assertTrue(PduReader.read(in, 1 << 20) instanceof AAssociateAc);
            out.write(associateRq());
            AAbort abort = abortThenClose(in);
            assertEquals(AAbort.REASON_UNEXPECTED_PDU, abort.reason(), "AA-8 for Evt6 in Sta6");
        }
    }

    @Test
    void peerThatStopsMidPduIsAborted() throws IOException {
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write(associateRq());
            InputStream in = s.getInputStream();
            assertTrue(PduReader.read(in, 1 << 20) instanceof AAssociateAc);
            // a P-DATA-TF announcing 100 bytes, of which only 4 arrive
            out.write(HEX.parseHex("04000000006400000060"));
            out.flush();
            AAbort abort = abortThenClose(in);
            assertTrue(abort != null, "abort after the idle timeout");
        }
    }

    @Test
    void silentConnectionIsClosedWhenArtimExpires() throws IOException {
        try (Socket s = connect()) {
            assertEquals(-1, s.getInputStream().read(), "closed without any PDU");
        }
    }

    @Test
    void associateRequestCutShortIsNotAccepted() throws IOException {
        try (Socket s = connect()) {
            byte[] rq = associateRq();
            s.getOutputStream().write(rq, 0, rq.length / 2);
            // Sta2: ARTIM expires inside the PDU, AA-2 closes the transport without an A-ABORT
            assertEquals(null, (Object) abortThenClose(s.getInputStream()));
        }
    }

    /** Client side: a peer that accepts and then never answers ends in TIMEOUT, not a hang. */
    @Test
    void silentScpEndsInTimeout() throws Exception {
        try (ServerSocket mute = new ServerSocket(0)) {
            Thread peer = new Thread(() -> {
                try (Socket s = mute.accept()) {
                    AAssociateRq rq = (AAssociateRq) PduReader.read(s.getInputStream(), 1 << 20);
                    List<PresentationContextAc> pcs = rq.presentationContexts().stream()
                            .map(pc -> new PresentationContextAc(pc.id(), 0, pc.transferSyntaxes().get(0))).toList();
                    s.getOutputStream().write(PduWriter.encode(new AAssociateAc(1, rq.calledAeTitle(),
                            rq.callingAeTitle(), rq.applicationContextName(), pcs,
                            new UserInformation(16384, "1.2.3", null))));
                    while (s.getInputStream().read() >= 0) {
                        // swallow the request, never answer
                    }
                } catch (IOException ignored) {
                    // test peer
                }
            });
            peer.start();
            try (DimseClient client = DimseClient.builder("127.0.0.1", mute.getLocalPort(), "MUTE")
                    .dimseTimeout(Duration.ofMillis(500)).artimTimeout(Duration.ofMillis(200)).build()) {
                DimseException e = assertThrows(DimseException.class, client::echo);
                assertEquals(DimseException.Kind.TIMEOUT, e.kind());
            }
            peer.join(10_000);
        }
    }

    /** Client side: a peer that answers the association request with an A-ABORT. */
    @Test
    void abortInsteadOfAcceptIsReportedAsAborted() throws Exception {
        try (ServerSocket rude = new ServerSocket(0)) {
            Thread peer = new Thread(() -> {
                try (Socket s = rude.accept()) {
                    PduReader.read(s.getInputStream(), 1 << 20);
                    s.getOutputStream().write(PduWriter.encode(new AAbort(0, 0)));
                    s.getInputStream().read();
                } catch (IOException ignored) {
                    // test peer
                }
            });
            peer.start();
            try (DimseClient client = DimseClient.builder("127.0.0.1", rude.getLocalPort(), "RUDE").build()) {
                DimseException e = assertThrows(DimseException.class, client::echo);
                assertEquals(DimseException.Kind.ABORTED, e.kind());
            }
            peer.join(10_000);
        }
    }

    @Test
    void abortPduIsEncodedAsPs38Says() {
        assertArrayEquals(HEX.parseHex("07000000000400000202"), PduWriter.encode(new AAbort(2, 2)));
    }
}
