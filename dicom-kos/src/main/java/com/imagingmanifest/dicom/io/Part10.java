package com.imagingmanifest.dicom.io;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.SpecificCharacterSet;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.dicom.data.Vr;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * DICOM files (PS3.10 7.1): 128-byte preamble, "DICM", File Meta Information in explicit VR little
 * endian (PS3.10 7.1), then the data set in the transfer syntax the meta names.
 *
 * <p>A file without preamble is read when its first bytes are clearly DICOM (a group 0002 or 0008
 * element), as dcmdump does; anything else is refused with a {@link DicomParseException}.
 */
public final class Part10 {
    private static final int PREAMBLE = 128;

    private Part10() {
    }

    public static DicomFile read(byte[] bytes) {
        return read(bytes, new DataSetReader());
    }

    /** Reads a file from a stream, refusing more than {@code maxBytes} bytes. */
    public static DicomFile read(InputStream in, long maxBytes) {
        return read(DataSetReader.readAtMost(in, maxBytes));
    }

    public static DicomFile read(byte[] bytes, DataSetReader reader) {
        FileMeta meta = fileMeta(bytes);
        if (meta == null) {
            return readBare(bytes, reader);
        }
        int end = meta.dataSetOffset();
        TransferSyntax ts = DataSetReader.transferSyntax(meta.transferSyntaxUid(), end);
        DataSet ds = reader.readDataSet(bytes, end, bytes.length - end, ts, end);
        return new DicomFile(meta.elements(), ds);
    }

    /**
     * The File Meta Information (group 0002) of a file and the offset where its data set starts: the
     * one reader of group 0002 in the project. Null when {@code bytes} start with a data set instead
     * (no "DICM" prefix, no group 0002 element at the start).
     */
    static FileMeta fileMeta(byte[] bytes) {
        int start;
        if (hasPrefix(bytes, PREAMBLE)) {
            start = PREAMBLE + 4;
        } else if (hasPrefix(bytes, 0)) {
            start = 4;
        } else if (bytes.length >= 8 && looksExplicit(bytes, 0x0002)) {
            start = 0;
        } else {
            return null;
        }
        TokenReader r = new TokenReader(bytes, start, bytes.length - start, true, start, 1);
        DataSet meta = new DataSet();
        int end = start;
        while (Tag.group(r.peekTag()) == 0x0002 && r.peekTag() != -1) {
            TokenReader.Token t = r.next();
            if (t != TokenReader.Token.ELEMENT) {
                throw new DicomParseException(r.offset(), "unexpected " + t + " in file meta information");
            }
            meta.put(r.tag(), r.vr(), DataSetReader.value(r, SpecificCharacterSet.DEFAULT));
            end = r.position();
        }
        if (meta.getString(Tag.TransferSyntaxUID) == null) {
            throw new DicomParseException(end, "file meta information has no Transfer Syntax UID (0002,0010)");
        }
        return new FileMeta(meta, start, end);
    }

    /**
     * Group 0002 as read: its elements, where it starts (after the preamble and "DICM" when present)
     * and where the data set starts.
     */
    record FileMeta(DataSet elements, int start, int dataSetOffset) {
        String transferSyntaxUid() {
            return elements.getString(Tag.TransferSyntaxUID);
        }

        /** Whether the file has the 128-byte preamble and "DICM" prefix PS3.10 7.1 requires. */
        boolean hasPreamble() {
            return start == PREAMBLE + 4;
        }
    }

    /** A data set without file meta: explicit or implicit VR LE when its first element says so. */
    private static DicomFile readBare(byte[] bytes, DataSetReader reader) {
        String ts;
        if (bytes.length >= 8 && looksExplicit(bytes, 0x0008)) {
            ts = Uid.ExplicitVRLittleEndian;
        } else if (bytes.length >= 8 && looksImplicit(bytes)) {
            ts = Uid.ImplicitVRLittleEndian;
        } else {
            throw new DicomParseException(Math.min(bytes.length, PREAMBLE),
                    "not a DICOM file (no \"DICM\" after a 128-byte preamble, no data set at the start)");
        }
        DataSet meta = new DataSet().setString(Tag.TransferSyntaxUID, Vr.UI, ts);
        return new DicomFile(meta, reader.readDataSet(bytes, 0, bytes.length, TransferSyntax.forUid(ts), 0));
    }

    private static boolean hasPrefix(byte[] b, int at) {
        return b.length >= at + 4 && b[at] == 'D' && b[at + 1] == 'I' && b[at + 2] == 'C' && b[at + 3] == 'M';
    }

    private static boolean looksExplicit(byte[] b, int group) {
        int g = (b[0] & 0xFF) | ((b[1] & 0xFF) << 8);
        return g == group && Vr.fromCode(((b[4] & 0xFF) << 8) | (b[5] & 0xFF)) != null;
    }

    private static boolean looksImplicit(byte[] b) {
        int g = (b[0] & 0xFF) | ((b[1] & 0xFF) << 8);
        long len = (b[4] & 0xFFL) | ((b[5] & 0xFFL) << 8) | ((b[6] & 0xFFL) << 16) | ((b[7] & 0xFFL) << 24);
        return g == 0x0008 && len <= b.length - 8;
    }

    /** A Part 10 file for {@code dataSet}, with File Meta Information built from its SOP Class/Instance UID. */
    public static byte[] write(DataSet dataSet, String transferSyntaxUid) {
        return write(new DicomFile(fileMetaFor(dataSet, transferSyntaxUid), dataSet));
    }

    public static void write(DataSet dataSet, String transferSyntaxUid, OutputStream out) {
        writeTo(write(dataSet, transferSyntaxUid), out);
    }

    public static void write(DicomFile file, OutputStream out) {
        writeTo(write(file), out);
    }

    /** The file's bytes; the meta's group length is recomputed, the data set's group 0002 ignored. */
    public static byte[] write(DicomFile file) {
        return write(file, new DataSetWriter(TransferSyntax.forUid(file.transferSyntaxUid())));
    }

    /** As {@link #write(DicomFile)}, the data set written by {@code writer} (e.g. undefined lengths). */
    public static byte[] write(DicomFile file, DataSetWriter writer) {
        return encode(file, writer).file();
    }

    /** A file's bytes and where its data set starts in them. */
    record Encoded(byte[] file, int dataSetOffset) {
    }

    static Encoded encode(DicomFile file, DataSetWriter writer) {
        DataSet meta = new DataSet(file.fileMeta());
        meta.setBytes(Tag.FileMetaInformationGroupLength, Vr.UL, new byte[4]);
        if (writer.transferSyntax() != TransferSyntax.forUid(file.transferSyntaxUid())) {
            throw new IllegalArgumentException("writer's transfer syntax differs from the file meta's");
        }
        DataSetWriter.Sink sink = new DataSetWriter.Sink(PREAMBLE + 4 + 256);
        sink.write(new byte[PREAMBLE], 0, PREAMBLE);
        sink.write('D').write('I').write('C').write('M');
        // PS3.10 7.1: the meta is always explicit VR little endian
        new DataSetWriter(TransferSyntax.EXPLICIT_VR_LE).writeDataSet(meta, sink, true, SpecificCharacterSet.DEFAULT, 0x0002);
        int dataSetOffset = sink.size();
        byte[] body = writer.toBytes(file.dataSet());
        sink.write(body, 0, body.length);
        return new Encoded(sink.toByteArray(), dataSetOffset);
    }

    /** File Meta Information (PS3.10 7.1) for a data set to be written in {@code transferSyntaxUid}. */
    public static DataSet fileMetaFor(DataSet dataSet, String transferSyntaxUid) {
        String sopClass = dataSet.getString(Tag.SOPClassUID);
        String sopInstance = dataSet.getString(Tag.SOPInstanceUID);
        if (sopClass == null || sopInstance == null) {
            throw new IllegalArgumentException("a Part 10 file needs SOP Class UID and SOP Instance UID");
        }
        return new DataSet()
                .setBytes(Tag.FileMetaInformationVersion, Vr.OB, new byte[] {0, 1})
                .setString(Tag.MediaStorageSOPClassUID, Vr.UI, sopClass)
                .setString(Tag.MediaStorageSOPInstanceUID, Vr.UI, sopInstance)
                .setString(Tag.TransferSyntaxUID, Vr.UI, transferSyntaxUid)
                .setString(Tag.ImplementationClassUID, Vr.UI, Uid.ImplementationClassUID)
                .setString(Tag.ImplementationVersionName, Vr.SH, Uid.ImplementationVersionName);
    }

    private static void writeTo(byte[] bytes, OutputStream out) {
        try {
            out.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
