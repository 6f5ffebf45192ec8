package com.imagingmanifest.dicom.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.SpecificCharacterSet;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.dicom.data.Vr;
import com.imagingmanifest.testing.Dcmtk;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Text in ISO_IR 100, ISO_IR 192 and ISO 2022 code extensions, read from and written for DCMTK. */
class CharacterSetInteropTest {
    @TempDir
    Path dir;

    /** PS3.5 H.3.1: a Japanese person name in ISO 2022 IR 87, as the standard's example bytes. */
    static final String YAMADA = "Yamada^Tarou=山田^太郎=やまだ^たろう";
    static final byte[] YAMADA_BYTES = bytes("Yamada^Tarou=\u001b$B;3ED\u001b(B^\u001b$BB@O:\u001b(B="
            + "\u001b$B$d$^$@\u001b(B^\u001b$B$?$m$&\u001b(B");

    private static byte[] bytes(String latin1) {
        return latin1.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void iso2022Ir87MatchesTheStandardsExampleBothWays() {
        SpecificCharacterSet cs = SpecificCharacterSet.valueOf("\\ISO 2022 IR 87");
        assertEquals(YAMADA, cs.decode(YAMADA_BYTES, 0, YAMADA_BYTES.length, true));
        assertArrayEquals(YAMADA_BYTES, cs.encode(YAMADA, true));
    }

    @ParameterizedTest
    @CsvSource({
        "ISO_IR 100, ISO-8859-1, Müller^Jürgen, Ärztliche Überweisung",
        "ISO_IR 192, UTF-8, Ελληνικά^Δοκιμή, 日本語の説明 ✓",
        "ISO_IR 144, ISO-8859-5, Иванов^Иван, Описание"})
    void dump2dcmFilesAreDecodedAndOurFilesAreReadByDcmdump(String term, String charset, String name, String text) throws Exception {
        // a dump in the target encoding, as dump2dcm copies value bytes unchanged
        String dump = "(0008,0005) CS [" + term + "]\n"
                + "(0008,0016) UI [" + Uid.SecondaryCaptureImageStorage + "]\n"
                + "(0008,0018) UI [2.25.1]\n"
                + "(0010,0010) PN [" + name + "]\n"
                + "(0040,a160) UT [" + text + "]\n";
        Path dumpFile = Files.write(dir.resolve("cs.dump"), dump.getBytes(Charset.forName(charset)));
        Path in = Dcmtk.dump2dcm(dumpFile, dir.resolve("cs.dcm"), "+te");

        DataSet ds = Part10.read(Files.readAllBytes(in)).dataSet();
        assertEquals(name, ds.getString(Tag.PatientName));
        assertEquals(text, ds.getString(Tag.TextValue));
        assertEquals(DumpLines.dcmdump(in).toString(), DumpLines.ours(in).toString());

        Path out = Files.write(dir.resolve("ours.dcm"), Part10.write(ds, Uid.ExplicitVRLittleEndian));
        // the same bytes as DCMTK wrote for the data set
        assertArrayEquals(dataSetBytes(Files.readAllBytes(in)), dataSetBytes(Files.readAllBytes(out)));
        assertEquals(DumpLines.dcmdump(in).withoutMeta().toString(), DumpLines.dcmdump(out).withoutMeta().toString());
    }

    @Test
    void iso2022DataSetFromDump2dcmIsReadWithoutCorruptingOtherValues() throws Exception {
        ByteArrayOutputStream dump = new ByteArrayOutputStream();
        dump.writeBytes(bytes("(0008,0005) CS [\\ISO 2022 IR 87]\n"
                + "(0008,0016) UI [" + Uid.SecondaryCaptureImageStorage + "]\n(0008,0018) UI [2.25.2]\n"
                + "(0010,0010) PN ["));
        dump.writeBytes(YAMADA_BYTES);
        dump.writeBytes(bytes("]\n(0010,0020) LO [ID-1]\n(0010,4000) LT [plain ASCII after Japanese]\n"));
        Path in = Dcmtk.dump2dcm(Files.write(dir.resolve("jp.dump"), dump.toByteArray()), dir.resolve("jp.dcm"), "+te");

        DataSet ds = Part10.read(Files.readAllBytes(in)).dataSet();
        assertEquals(YAMADA, ds.getString(Tag.PatientName));
        assertEquals("ID-1", ds.getString(Tag.PatientID));
        assertEquals("plain ASCII after Japanese", ds.getString(0x00104000));

        // written back: the same bytes as DCMTK's (PS3.5 H.3.1 escapes), and dcmdump reads it without
        // complaint (its iconv cannot convert IR 87, so it is asked for the raw values)
        Path out = Files.write(dir.resolve("ours.dcm"), Part10.write(ds, Uid.ExplicitVRLittleEndian));
        assertArrayEquals(dataSetBytes(Files.readAllBytes(in)), dataSetBytes(Files.readAllBytes(out)));
        assertEquals(DumpLines.dcmdumpRaw(in).withoutMeta().toString(), DumpLines.dcmdumpRaw(out).withoutMeta().toString());
    }

    @Test
    void unknownEscapeSequenceKeepsTheRawBytesAndTheOtherValues() {
        // ESC % G (UTF-8 in ISO 2022, not allowed by DICOM) is unknown here: the rest of the value stays raw
        byte[] value = bytes("Abc\u001b%G\u00c3\u00a9x");
        DataSet ds = new DataSet().setString(Tag.SpecificCharacterSet, Vr.CS, "ISO 2022 IR 6", "ISO 2022 IR 100");
        byte[] encoded = DataSetWriter.write(ds, Uid.ExplicitVRLittleEndian);
        byte[] element = elementBytes(Tag.PatientName, "PN", value);
        byte[] element2 = elementBytes(Tag.PatientID, "LO", bytes("X1"));
        byte[] all = concat(encoded, element, element2);

        DataSet read = DataSetReader.read(all, 0, all.length, Uid.ExplicitVRLittleEndian);
        assertEquals("X1", read.getString(Tag.PatientID));
        assertTrue(read.getString(Tag.PatientName).startsWith("Abc\u001b"));
        assertArrayEquals(all, DataSetWriter.write(read, Uid.ExplicitVRLittleEndian));
    }

    @Test
    void selectForSwitchesToUtf8OnlyWhenNeeded() {
        DataSet ds = new DataSet().setString(Tag.SpecificCharacterSet, Vr.CS, "ISO_IR 100")
                .setString(Tag.PatientName, Vr.PN, "Müller");
        assertEquals(false, SpecificCharacterSet.selectFor(ds));
        ds.ensureSequence(Tag.ContentSequence).addItem().setString(Tag.TextValue, Vr.UT, "日本");
        assertEquals(true, SpecificCharacterSet.selectFor(ds));
        assertEquals("ISO_IR 192", ds.getString(Tag.SpecificCharacterSet));
        byte[] bytes = DataSetWriter.write(ds, Uid.ExplicitVRLittleEndian);
        assertEquals(ds, DataSetReader.read(bytes, 0, bytes.length, Uid.ExplicitVRLittleEndian));
    }

    static byte[] elementBytes(int tag, String vr, byte[] value) {
        byte[] v = value.length % 2 == 0 ? value : java.util.Arrays.copyOf(value, value.length + 1);
        if (v.length != value.length) {
            v[v.length - 1] = ' ';
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + v.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) Tag.group(tag)).putShort((short) Tag.element(tag));
        b.put((byte) vr.charAt(0)).put((byte) vr.charAt(1)).putShort((short) v.length).put(v);
        return b.array();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** The bytes after the file meta of a Part 10 file. */
    static byte[] dataSetBytes(byte[] file) {
        int metaLength = (file[140] & 0xFF) | ((file[141] & 0xFF) << 8) | ((file[142] & 0xFF) << 16);
        return java.util.Arrays.copyOfRange(file, 144 + metaLength, file.length);
    }
}
