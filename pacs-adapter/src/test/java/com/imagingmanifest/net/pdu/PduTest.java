package com.imagingmanifest.net.pdu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** PDU encoding and decoding: golden bytes, PDUs captured from DCMTK, round trips and malformed input. */
class PduTest {
    private static final HexFormat HEX = HexFormat.of();

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = PduTest.class.getResourceAsStream("PduFuzzTestInputs/fuzzPduReader/" + name)) {
            return in.readAllBytes();
        }
    }

    private static Pdu read(byte[] bytes) throws IOException {
        return PduReader.read(new ByteArrayInputStream(bytes), 16384);
    }

    @Test
    void goldenBytesOfTheFixedLengthPdus() throws IOException {
        assertArrayEquals(HEX.parseHex("05000000000400000000"), PduWriter.encode(new AReleaseRq()));
        assertArrayEquals(HEX.parseHex("06000000000400000000"), PduWriter.encode(new AReleaseRp()));
        assertArrayEquals(HEX.parseHex("07000000000400000206"), PduWriter.encode(new AAbort(2, 6)));
        assertArrayEquals(HEX.parseHex("03000000000400010107"), PduWriter.encode(new AAssociateRj(1, 1, 7)));
        byte[] pdata = HEX.parseHex("0400000000080000000401030102");
        assertArrayEquals(pdata, PduWriter.encode(new PDataTf(List.of(
                new PresentationDataValue(1, true, true, new byte[] {1, 2})))));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PduWriter.writePData(out, 1, true, true, new byte[] {9, 1, 2, 9}, 1, 2);
        assertArrayEquals(pdata, out.toByteArray());
        PDataTf decoded = (PDataTf) read(pdata);
        assertEquals(1, decoded.values().get(0).presentationContextId());
        assertTrue(decoded.values().get(0).command());
        assertTrue(decoded.values().get(0).last());
        assertEquals(new AAbort(2, 6), read(HEX.parseHex("07000000000400000206")));
        assertEquals(new AAssociateRj(1, 1, 7), read(HEX.parseHex("03000000000400010107")));
    }

    /** echoscu's A-ASSOCIATE-RQ, captured; ours for the same fields differs only in a reserved byte. */
    @Test
    void echoscuAssociateRequestDecodesAndOurEncodingMatchesIt() throws IOException {
        byte[] captured = resource("echoscu-associate-rq.bin");
        AAssociateRq rq = (AAssociateRq) read(captured);
        assertEquals(1, rq.protocolVersion());
        assertEquals("ANY-SCP", rq.calledAeTitle());
        assertEquals("ECHOSCU", rq.callingAeTitle());
        assertEquals("1.2.840.10008.3.1.1.1", rq.applicationContextName());
        assertEquals(List.of(new PresentationContextRq(1, "1.2.840.10008.1.1", List.of("1.2.840.10008.1.2"))),
                rq.presentationContexts());
        assertEquals(16384, rq.userInformation().maximumLength());
        assertEquals("1.2.276.0.7230010.3.0.3.6.7", rq.userInformation().implementationClassUid());
        assertEquals("OFFIS_DCMTK_367", rq.userInformation().implementationVersionName());

        byte[] ours = PduWriter.encode(new AAssociateRq(1, "ANY-SCP", "ECHOSCU", "1.2.840.10008.3.1.1.1",
                rq.presentationContexts(), new UserInformation(16384, "1.2.276.0.7230010.3.0.3.6.7",
                        "OFFIS_DCMTK_367")));
        byte[] expected = captured.clone();
        // PS3.8 9.3.2.2: byte 7 of a presentation context item is reserved; DCMTK puts FF there, we put 00
        expected[0x69] = 0;
        assertArrayEquals(expected, ours);
    }

    @Test
    void capturedRequestsWithManyContextsAndRoleSelectionRoundTrip() throws IOException {
        for (String name : List.of("storescu-associate-rq.bin", "getscu-associate-rq.bin")) {
            byte[] captured = resource(name);
            AAssociateRq rq = (AAssociateRq) read(captured);
            assertTrue(rq.presentationContexts().size() > 50, name);
            rq.presentationContexts().forEach(pc -> assertEquals(1, pc.id() & 1, "odd context IDs"));
            byte[] encoded = PduWriter.encode(rq);
            assertEquals(captured.length, encoded.length, name);
            assertEquals(rq, read(encoded));
        }
        AAssociateRq get = (AAssociateRq) read(resource("getscu-associate-rq.bin"));
        assertFalse(get.userInformation().roleSelections().isEmpty(), "getscu proposes SCP role for storage");
    }

    @Test
    void associateAcceptRoundTrips() throws IOException {
        byte[] bytes = resource("associate-ac.bin");
        AAssociateAc ac = (AAssociateAc) read(bytes);
        assertEquals(List.of(new PresentationContextAc(1, 0, "1.2.840.10008.1.2"), new PresentationContextAc(3, 3, "")),
                ac.presentationContexts());
        assertEquals(List.of(new RoleSelection("1.2.4", false, true)), ac.userInformation().roleSelections());
        assertArrayEquals(bytes, PduWriter.encode(ac));
    }

    @Test
    void malformedPdusAreRefused() {
        PduFormatException unknown = assertThrows(PduFormatException.class,
                () -> read(HEX.parseHex("09000000000400000000")));
        assertEquals(AAbort.REASON_UNRECOGNIZED_PDU, unknown.abortReason());
        // a P-DATA claiming 2 GiB is refused from its header, before anything is allocated
        PduFormatException huge = assertThrows(PduFormatException.class, () -> read(HEX.parseHex("04007fffffff")));
        assertEquals(AAbort.REASON_INVALID_PDU_PARAMETER_VALUE, huge.abortReason());
        assertThrows(PduFormatException.class, () -> read(HEX.parseHex("0100ffffffff")));
        assertThrows(PduFormatException.class, () -> read(HEX.parseHex("0300000000050001010700")));
        // PDV item length beyond the PDU
        assertThrows(PduFormatException.class, () -> read(HEX.parseHex("040000000008000000ff01030102")));
        // PDV message control header with reserved bits
        assertThrows(PduFormatException.class, () -> read(HEX.parseHex("04000000000800000004010f0102")));
        assertThrows(EOFException.class, () -> read(HEX.parseHex("0500000000040000")));
        assertThrows(EOFException.class, () -> read(HEX.parseHex("0500")));
    }

    @Test
    void endOfStreamBeforeAPduIsNotAnError() throws IOException {
        assertNull(read(new byte[0]));
    }

    @Test
    void associateRequestWithoutMaximumLengthIsRefused() throws IOException {
        byte[] captured = resource("echoscu-associate-rq.bin");
        AAssociateRq rq = (AAssociateRq) read(captured);
        assertInstanceOf(AAssociateRq.class, rq);
        // drop the user information item: the mandatory maximum length goes with it
        int ui = 0x9A - 0x06 + 6;
        byte[] cut = java.util.Arrays.copyOf(captured, 0x9A);
        cut[5] = (byte) (0x9A - 6);
        assertTrue(ui > 0);
        assertThrows(PduFormatException.class, () -> read(cut));
    }
}
