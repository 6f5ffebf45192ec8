package com.imagingmanifest.dicom.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.dicom.data.Vr;
import com.imagingmanifest.dicom.io.DataSetWriter;
import com.imagingmanifest.dicom.io.DicomFile;
import com.imagingmanifest.dicom.io.DicomParseException;
import com.imagingmanifest.dicom.io.Part10;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile DICOM files (reliability corpus, issue 11): truncated at many points, element lengths
 * that lie, sequences nested far deeper than any real object, broken headers. The Part 10 reader
 * either returns a data set that can be written again or throws {@link DicomParseException}
 * (never another exception, a StackOverflowError or an OutOfMemoryError), quickly; {@code gateway
 * dump} answers one line and exit status 1 for the bad ones.
 */
class HostileDicomFilesTest {
    private static final Duration NO_HANG = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    static byte[] base() {
        DataSet ds = new DataSet();
        ds.setString(Tag.SOPClassUID, Vr.UI, Uid.KeyObjectSelectionDocumentStorage);
        ds.setString(Tag.SOPInstanceUID, Vr.UI, "1.2.3.4.5");
        ds.setString(Tag.PatientName, Vr.PN, "Hostile^Input");
        ds.setString(Tag.PatientID, Vr.LO, "PAT-HOSTILE");
        ds.setString(Tag.StudyInstanceUID, Vr.UI, "1.2.3.4");
        DataSet item = ds.newSequence(Tag.CurrentRequestedProcedureEvidenceSequence).addItem();
        item.setString(Tag.StudyInstanceUID, Vr.UI, "1.2.3.4");
        item.newSequence(Tag.ReferencedSeriesSequence).addItem().setString(Tag.SeriesInstanceUID, Vr.UI, "1.2.3.4.6");
        return Part10.write(ds, Uid.ExplicitVRLittleEndian);
    }

    static Stream<Arguments> cases() {
        byte[] base = base();
        List<Arguments> cases = new ArrayList<>();
        cases.add(Arguments.of("empty file", new byte[0]));
        cases.add(Arguments.of("preamble only", new byte[128]));
        cases.add(Arguments.of("preamble and DICM only", Arrays.copyOf(base, 132)));
        byte[] noMagic = base.clone();
        noMagic[128] = 'X';
        cases.add(Arguments.of("wrong magic", noMagic));
        cases.add(Arguments.of("text file", "hello, I am not DICOM\n".repeat(20).getBytes(StandardCharsets.US_ASCII)));
        for (int cut = 133; cut < base.length; cut += Math.max(1, (base.length - 133) / 40)) {
            cases.add(Arguments.of("truncated at byte " + cut, Arrays.copyOf(base, cut)));
        }
        // lying lengths: an element header's 16- or 32-bit length field overwritten (explicit VR LE)
        int[] lies = {0xFFFF, 0xFFFE, 0x7FFF, 0x0001};
        for (int at = 140; at + 4 < base.length && cases.size() < 120; at += 11) {
            for (int lie : new int[] {lies[(at / 11) % lies.length]}) {
                byte[] b = base.clone();
                b[at] = (byte) lie;
                b[at + 1] = (byte) (lie >> 8);
                cases.add(Arguments.of("length lie 0x" + Integer.toHexString(lie) + " at byte " + at, b));
            }
            byte[] b = base.clone();
            ByteBuffer.wrap(b, at, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(0xFFFFFFF0);
            cases.add(Arguments.of("32-bit length 0xFFFFFFF0 at byte " + at, b));
        }
        for (int depth : new int[] {100, 10_000, 200_000}) {
            cases.add(Arguments.of("sequences nested " + depth + " deep (undefined lengths)", nested(base, depth, true)));
            cases.add(Arguments.of("sequences nested " + depth + " deep, never closed", nested(base, depth, false)));
        }
        cases.add(Arguments.of("item delimiter outside a sequence", append(base, new byte[] {(byte) 0xFE, (byte) 0xFF,
                0x0D, (byte) 0xE0, 0, 0, 0, 0})));
        cases.add(Arguments.of("group length of the meta 1 GB", metaGroupLength(base, 0x40000000)));
        cases.add(Arguments.of("group length of the meta 0", metaGroupLength(base, 0)));
        return cases.stream();
    }

    /** {@code depth} SQ (0040,A730) elements each holding one item, with undefined lengths. */
    private static byte[] nested(byte[] base, int depth, boolean closed) {
        ByteBuffer b = ByteBuffer.allocate(depth * 40 + 64).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < depth; i++) {
            b.putShort((short) 0x0040).putShort((short) 0xA730).put((byte) 'S').put((byte) 'Q').putShort((short) 0)
                    .putInt(-1);
            b.putShort((short) 0xFFFE).putShort((short) 0xE000).putInt(-1);
        }
        if (closed) {
            for (int i = 0; i < depth; i++) {
                b.putShort((short) 0xFFFE).putShort((short) 0xE00D).putInt(0);
                b.putShort((short) 0xFFFE).putShort((short) 0xE0DD).putInt(0);
            }
        }
        return append(base, Arrays.copyOf(b.array(), b.position()));
    }

    private static byte[] append(byte[] a, byte[] b) {
        byte[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /** (0002,0000) UL is the first element after DICM: its value starts at byte 140. */
    private static byte[] metaGroupLength(byte[] base, int length) {
        byte[] b = base.clone();
        ByteBuffer.wrap(b, 140, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(length);
        return b;
    }

    @Test
    void theCorpusHasManyCases() {
        assertTrue(cases().count() >= 100, "cases: " + cases().count());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void part10ReaderRefusesOrReadsWithoutHangingOrCrashing(String name, byte[] bytes) {
        assertTimeoutPreemptively(NO_HANG, () -> {
            try {
                DicomFile file = Part10.read(bytes);
                DataSetWriter.write(file.dataSet(), Uid.ExplicitVRLittleEndian); // what it read is consistent
            } catch (DicomParseException refused) {
                assertFalse(refused.getMessage() == null || refused.getMessage().isBlank());
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void dumpAnswersOneLineForABadFile(String name, byte[] bytes) throws IOException {
        Path file = Files.write(dir.resolve("hostile.dcm"), bytes);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = assertTimeoutPreemptively(NO_HANG, () -> DumpCommand.run(new String[] {file.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
        String errors = err.toString(StandardCharsets.UTF_8);
        assertTrue(status == 0 || status == 1, "exit status " + status);
        if (status == 1) {
            assertEquals(1, errors.lines().count(), "one line: " + errors);
            assertFalse(errors.contains("\tat "), errors);
            assertTrue(errors.startsWith(file.toString()), errors);
        }
    }
}
