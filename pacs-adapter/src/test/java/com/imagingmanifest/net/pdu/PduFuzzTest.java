package com.imagingmanifest.net.pdu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;

/**
 * Fuzzes the PDU decoder: any input is either refused with {@link PduFormatException} or
 * {@link EOFException}, or decodes to a PDU that survives write → read → write unchanged. In
 * {@code mvn test} it runs the seeds in {@code PduFuzzTestInputs/fuzzPduReader} (regression mode);
 * {@code JAZZER_FUZZ=1 mvn test -Dtest=PduFuzzTest} fuzzes for real.
 */
class PduFuzzTest {
    private static final long MAX = 1 << 16;

    @FuzzTest(maxDuration = "30s")
    void fuzzPduReader(byte[] input) throws IOException {
        Pdu pdu;
        try {
            pdu = PduReader.read(new ByteArrayInputStream(input), MAX);
        } catch (PduFormatException | EOFException refused) {
            return;
        }
        if (pdu == null) {
            return;
        }
        byte[] once = PduWriter.encode(pdu);
        Pdu again = PduReader.read(new ByteArrayInputStream(once), Long.MAX_VALUE);
        assertNotNull(again);
        assertArrayEquals(once, PduWriter.encode(again));
    }
}
