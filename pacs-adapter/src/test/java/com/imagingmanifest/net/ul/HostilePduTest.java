package com.imagingmanifest.net.ul;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.net.dimse.DimseClient;
import com.imagingmanifest.net.dimse.DimseServer;
import com.imagingmanifest.net.dimse.DimseStatus;
import com.imagingmanifest.net.pdu.AAssociateRq;
import com.imagingmanifest.net.pdu.PduWriter;
import com.imagingmanifest.net.pdu.PresentationContextRq;
import com.imagingmanifest.net.pdu.UserInformation;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile PDU corpus (reliability, issue 11): A-ASSOCIATE-RQs truncated at every few bytes, with
 * lying PDU and item lengths, unknown item types, wrong protocol versions; P-DATA-TF after a good
 * association with lying PDV lengths, unknown presentation contexts, bad control headers; plain
 * garbage. One {@link DimseServer} takes them all: each connection ends with A-ABORT or a close
 * (bounded by ARTIM and the idle timeout, never the test's 10 s guard), and a C-ECHO after each
 * case still succeeds.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostilePduTest {
    private static final HexFormat HEX = HexFormat.of();
    private DimseServer server;

    @BeforeAll
    void start() {
        server = DimseServer.builder().applicationEntity("GATEWAY", rq -> DimseStatus.success(), Set.of(DimseServer.ANY_CALLING_AE))
                .artimTimeout(Duration.ofMillis(300)).idleTimeout(Duration.ofMillis(500)).start();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    static byte[] associateRq() {
        return PduWriter.encode(new AAssociateRq(1, "GATEWAY", "HOSTILE", Uid.DicomApplicationContextName,
                List.of(new PresentationContextRq(1, Uid.Verification, List.of(Uid.ImplicitVRLittleEndian))),
                new UserInformation(16384, "1.2.3", null)));
    }

    static Stream<Arguments> cases() {
        byte[] rq = associateRq();
        List<Arguments> cases = new ArrayList<>();
        cases.add(Arguments.of("nothing, then close", new byte[0], false));
        for (int cut = 1; cut < rq.length; cut += 5) {
            cases.add(Arguments.of("A-ASSOCIATE-RQ truncated to " + cut + " bytes", Arrays.copyOf(rq, cut), false));
        }
        for (long lie : new long[] {0, 1, 0x40, rq.length - 7, rq.length - 5, 0xFFFF, 0x7FFFFFFFL, 0xFFFFFFFFL}) {
            byte[] b = rq.clone();
            b[2] = (byte) (lie >> 24);
            b[3] = (byte) (lie >> 16);
            b[4] = (byte) (lie >> 8);
            b[5] = (byte) lie;
            cases.add(Arguments.of("A-ASSOCIATE-RQ with PDU length " + lie, b, false));
        }
        // variable items start at byte 74 (PS3.8 9.3.2): application context, presentation context, user info
        for (int at = 74; at < rq.length - 4; at += 9) {
            byte[] typed = rq.clone();
            typed[at] = (byte) 0x77;
            cases.add(Arguments.of("unknown item type at byte " + at, typed, false));
            byte[] longer = rq.clone();
            longer[at + 2] = (byte) 0xFF;
            longer[at + 3] = (byte) 0xF0;
            cases.add(Arguments.of("item length lie 0xFFF0 near byte " + at, longer, false));
        }
        byte[] version = rq.clone();
        version[7] = 2;
        cases.add(Arguments.of("protocol version 2", version, false));
        byte[] noVersion = rq.clone();
        noVersion[7] = 0;
        cases.add(Arguments.of("protocol version 0", noVersion, false));
        for (String hex : new String[] {"09000000000400000000", "0400000000080000000401030102", "05000000000400000000",
            "06000000000400000000", "07000000000400000000", "0200000000040000", "ff", "010000", "47455420"
                + "2f20485454502f312e310d0a0d0a"}) {
            cases.add(Arguments.of("garbage before association: " + hex, HEX.parseHex(hex), false));
        }
        Random random = new Random(11);
        for (int i = 0; i < 10; i++) {
            byte[] noise = new byte[1 + random.nextInt(300)];
            random.nextBytes(noise);
            cases.add(Arguments.of("random bytes #" + i, noise, false));
        }
        // after a good association (Sta6): P-DATA-TF variants
        String[] pData = {
            "04000000000600000002" + "0103", // PDV length 2: no room for a header and data
            "040000000008" + "7fffffff" + "0103", // PDV length lies past the PDU
            "04000000000a00000006" + "0303" + "00000000", // unknown presentation context 3
            "04000000000a00000006" + "01ff" + "00000000", // control header with reserved bits
            "04000000000a00000006" + "0102" + "00000000", // last data fragment with no command before
            "040000000004" + "00000000", // zero-length PDV
            "04000000000000", // empty P-DATA-TF with a stray byte
            "01000000000400000000", // second A-ASSOCIATE-RQ (short)
            "03000000000400000000", // A-ASSOCIATE-RJ from the requestor
            "0200000000040000000000", // A-ASSOCIATE-AC from the requestor
            "06000000000400000000", // A-RELEASE-RP without a request
            "0b000000000400000000", // unknown PDU type 0x0B
            "04007fffffff", // P-DATA length beyond any limit
            "0400000000ff", // truncated P-DATA (peer stops sending)
        };
        for (String hex : pData) {
            cases.add(Arguments.of("after association: " + hex, HEX.parseHex(hex), true));
        }
        for (int i = 0; i < 10; i++) {
            byte[] noise = new byte[6 + random.nextInt(200)];
            random.nextBytes(noise);
            noise[0] = 0x04;
            noise[1] = 0;
            cases.add(Arguments.of("after association: random P-DATA #" + i, noise, true));
        }
        return cases.stream();
    }

    @Test
    void theCorpusHasManyCases() {
        assertTrue(cases().count() >= 100, "cases: " + cases().count());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void malformedInputEndsTheAssociationAndTheServerKeepsServing(String name, byte[] bytes, boolean associated)
            throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000); // the test's guard: ARTIM (300 ms) and idle (500 ms) must act first
            InputStream in = s.getInputStream();
            if (associated) {
                s.getOutputStream().write(associateRq());
                int type = in.read();
                assertEquals(0x02, type, "A-ASSOCIATE-AC for a good request");
                in.readNBytes((int) readLength(in));
            }
            try {
                s.getOutputStream().write(bytes);
                s.getOutputStream().flush();
            } catch (IOException closedEarly) {
                // the server may already have aborted and closed: that is an answer too
            }
            try {
                while (in.read() >= 0) {
                    // drain: an A-ABORT (or an A-ASSOCIATE-RJ / -AC), then the close
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError(name + ": the server neither aborted nor closed within 10 s", e);
            } catch (IOException reset) {
                // connection reset after the abort: closed
            }
        }
        try (DimseClient client = DimseClient.builder("127.0.0.1", server.port(), "GATEWAY").build()) {
            client.echo();
        }
    }

    /** Reads the rest of a PDU header after its type byte: reserved byte, then the 32-bit length. */
    private static long readLength(InputStream in) throws IOException {
        byte[] header = in.readNBytes(5);
        return ((header[1] & 0xFFL) << 24) | ((header[2] & 0xFFL) << 16) | ((header[3] & 0xFFL) << 8) | (header[4] & 0xFFL);
    }
}
