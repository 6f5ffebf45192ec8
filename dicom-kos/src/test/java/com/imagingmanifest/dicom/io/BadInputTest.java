package com.imagingmanifest.dicom.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.dicom.data.Vr;
import com.imagingmanifest.dicom.tools.DumpCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Truncated, lying and hostile bytes give a DicomParseException naming the offset; nothing is allocated from a lie. */
class BadInputTest {
    @TempDir
    Path dir;

    static byte[] kos() {
        DataSet ds = new DataSet()
                .setString(Tag.SOPClassUID, Vr.UI, Uid.KeyObjectSelectionDocumentStorage)
                .setString(Tag.SOPInstanceUID, Vr.UI, "2.25.1")
                .setString(Tag.PatientName, Vr.PN, "Doe^Jane");
        ds.ensureSequence(Tag.ContentSequence).addItem().setString(Tag.TextValue, Vr.UT, "text");
        return Part10.write(ds, Uid.ExplicitVRLittleEndian);
    }

    @Test
    void everyTruncationIsAParseExceptionWithinTheInput() {
        byte[] file = kos();
        for (int n = 0; n < file.length; n++) {
            byte[] cut = Arrays.copyOf(file, n);
            try {
                Part10.read(cut);
                // some cuts end exactly between elements: then the data set is simply shorter
            } catch (DicomParseException e) {
                assertTrue(e.offset() >= 0 && e.offset() <= n, n + ": " + e.getMessage());
            }
        }
    }

    @Test
    void lyingLengthIsRefusedBeforeAllocation() {
        // (0010,0010) UT with a 4-byte length of 0xFFFFFFF0 and 10 bytes left
        ByteBuffer b = ByteBuffer.allocate(12 + 10).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 0x0010).putShort((short) 0x0010).put((byte) 'U').put((byte) 'T').putShort((short) 0)
                .putInt(0xFFFFFFF0);
        byte[] bytes = b.array();
        DicomParseException e = assertThrows(DicomParseException.class,
                () -> DataSetReader.read(bytes, 0, bytes.length, Uid.ExplicitVRLittleEndian));
        assertEquals(0, e.offset());
        assertTrue(e.getMessage().contains("4294967280") && e.getMessage().contains("10 bytes remaining"), e.getMessage());

        // the same in implicit VR
        ByteBuffer i = ByteBuffer.allocate(8 + 10).order(ByteOrder.LITTLE_ENDIAN);
        i.putShort((short) 0x0010).putShort((short) 0x0010).putInt(0xFFFFFFF0);
        byte[] implicit = i.array();
        assertThrows(DicomParseException.class, () -> DataSetReader.read(implicit, 0, implicit.length, Uid.ImplicitVRLittleEndian));
    }

    @Test
    void itemLongerThanItsSequenceIsRefused() {
        ByteBuffer b = ByteBuffer.allocate(12 + 8 + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 0x0040).putShort((short) 0xA730).put((byte) 'S').put((byte) 'Q').putShort((short) 0).putInt(16);
        b.putShort((short) 0xFFFE).putShort((short) 0xE000).putInt(100);
        byte[] bytes = b.array();
        DicomParseException e = assertThrows(DicomParseException.class,
                () -> DataSetReader.read(bytes, 0, bytes.length, Uid.ExplicitVRLittleEndian));
        assertEquals(12, e.offset());
    }

    @Test
    void deepNestingIsBounded() {
        // 100 nested sequences of undefined length, each with one item of undefined length
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer level = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
        level.putShort((short) 0x0040).putShort((short) 0xA730).put((byte) 'S').put((byte) 'Q').putShort((short) 0).putInt(-1);
        level.putShort((short) 0xFFFE).putShort((short) 0xE000).putInt(-1);
        for (int k = 0; k < 100; k++) {
            out.writeBytes(level.array());
        }
        byte[] bytes = out.toByteArray();
        DicomParseException e = assertThrows(DicomParseException.class,
                () -> DataSetReader.read(bytes, 0, bytes.length, Uid.ExplicitVRLittleEndian));
        assertTrue(e.getMessage().contains("nested deeper than 64"), e.getMessage());
        assertEquals(64 * 20, e.offset());
    }

    @Test
    void undefinedLengthUnIsReadAsImplicitSequence() {
        // PS3.5 6.2.2: (0040,A730) UN, undefined length, holding one item with (0008,0100) in implicit VR
        ByteBuffer b = ByteBuffer.allocate(12 + 8 + 8 + 6 + 8 + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 0x0040).putShort((short) 0xA730).put((byte) 'U').put((byte) 'N').putShort((short) 0).putInt(-1);
        b.putShort((short) 0xFFFE).putShort((short) 0xE000).putInt(-1);
        b.putShort((short) 0x0008).putShort((short) 0x0100).putInt(6).put("113012".getBytes(StandardCharsets.US_ASCII));
        b.putShort((short) 0xFFFE).putShort((short) 0xE00D).putInt(0);
        b.putShort((short) 0xFFFE).putShort((short) 0xE0DD).putInt(0);
        byte[] bytes = b.array();
        DataSet ds = DataSetReader.read(bytes, 0, bytes.length, Uid.ExplicitVRLittleEndian);
        assertEquals(Vr.SQ, ds.vr(Tag.ContentSequence));
        assertEquals("113012", ds.getItem(Tag.ContentSequence, 0).getString(Tag.CodeValue));
        assertEquals(Vr.SH, ds.getItem(Tag.ContentSequence, 0).vr(Tag.CodeValue));
    }

    @Test
    void encapsulatedPixelDataIsKeptOrSkipped() {
        ByteBuffer b = ByteBuffer.allocate(12 + 8 + 8 + 4 + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 0x7FE0).putShort((short) 0x0010).put((byte) 'O').put((byte) 'B').putShort((short) 0).putInt(-1);
        b.putShort((short) 0xFFFE).putShort((short) 0xE000).putInt(0);
        b.putShort((short) 0xFFFE).putShort((short) 0xE000).putInt(4).putInt(0x04030201);
        b.putShort((short) 0xFFFE).putShort((short) 0xE0DD).putInt(0);
        byte[] bytes = b.array();
        String jpeg = "1.2.840.10008.1.2.4.50";
        DataSet kept = DataSetReader.read(bytes, 0, bytes.length, jpeg);
        assertEquals(2, kept.getFragments(Tag.PixelData).items().size());
        assertEquals(true, Arrays.equals(bytes, DataSetWriter.write(kept, jpeg)));
        DataSet skipped = new DataSetReader().keepFragments(false)
                .readDataSet(bytes, 0, bytes.length, TransferSyntax.forUid(jpeg), 0);
        assertTrue(skipped.contains(Tag.PixelData));
        assertEquals(null, skipped.getFragments(Tag.PixelData));
    }

    @Test
    void notDicomAndTooLargeStreamsAreRefused() {
        byte[] text = "this is a plain text file, not DICOM at all....................".repeat(4).getBytes(StandardCharsets.US_ASCII);
        DicomParseException e = assertThrows(DicomParseException.class, () -> Part10.read(text));
        assertTrue(e.getMessage().contains("not a DICOM file"), e.getMessage());
        assertThrows(DicomParseException.class, () -> Part10.read(new byte[0]));
        byte[] file = kos();
        assertThrows(DicomParseException.class, () -> Part10.read(new java.io.ByteArrayInputStream(file), 100));
        assertEquals(Part10.read(file).dataSet(), Part10.read(new java.io.ByteArrayInputStream(file), file.length).dataSet());
    }

    @Test
    void bareDataSetIsReadAsDcmdumpDoes() {
        DataSet ds = new DataSet().setString(Tag.SOPInstanceUID, Vr.UI, "2.25.7").setString(Tag.PatientID, Vr.LO, "P");
        for (String ts : new String[] {Uid.ExplicitVRLittleEndian, Uid.ImplicitVRLittleEndian}) {
            DicomFile read = Part10.read(DataSetWriter.write(ds, ts));
            assertEquals(ds, read.dataSet());
            assertEquals(ts, read.transferSyntaxUid());
        }
    }

    @Test
    void dumpCommandPrintsOneLineAndExits1OnBadFiles() throws Exception {
        byte[] file = kos();
        byte[] lying = file.clone();
        // the length of the first data set element (0008,0016 UI, after the meta) becomes 0xFFFF
        int meta = (file[140] & 0xFF) | ((file[141] & 0xFF) << 8);
        int at = 144 + meta;
        lying[at + 6] = (byte) 0xFF;
        lying[at + 7] = (byte) 0xFF;
        Path bad = Files.write(dir.resolve("bad.dcm"), lying);
        Path truncated = Files.write(dir.resolve("cut.dcm"), Arrays.copyOf(file, file.length - 3));
        Path text = Files.write(dir.resolve("notes.txt"), "hello".getBytes(StandardCharsets.US_ASCII));
        Path good = Files.write(dir.resolve("good.dcm"), file);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = DumpCommand.run(new String[] {good.toString(), bad.toString(), truncated.toString(), text.toString(),
            dir.resolve("missing.dcm").toString()}, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        String[] lines = err.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(1, status);
        assertEquals(4, lines.length, err.toString(StandardCharsets.UTF_8));
        assertEquals(bad + ": offset " + at + ": length 65535 of (0008,0016) exceeds the " + (file.length - at - 8)
                + " bytes remaining", lines[0]);
        assertTrue(lines[1].startsWith(truncated + ": offset "), lines[1]);
        assertTrue(lines[2].startsWith(text + ": offset "), lines[2]);
        assertTrue(lines[3].startsWith(dir.resolve("missing.dcm") + ": cannot read"), lines[3]);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("(0010,0010) PN [Doe^Jane]"));
    }
}
