package com.imagingmanifest.dicom.io;

import com.imagingmanifest.dicom.data.BulkDataUri;
import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Fragments;
import com.imagingmanifest.dicom.data.Sequence;
import com.imagingmanifest.dicom.data.SpecificCharacterSet;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Vr;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.Deflater;

/**
 * Writes a data set in a transfer syntax (PS3.5 7): tags ascending, values padded to even length
 * (UI with NUL, other strings with space, PS3.5 6.2), sequences and items of defined length unless
 * {@link #undefinedLengths(boolean)} is set. Group length elements are dropped (retired, PS3.5 7.2),
 * except in group 0000 (command set) and 0002 (file meta), where they are recomputed.
 */
public final class DataSetWriter {
    private final TransferSyntax ts;
    private boolean undefinedLengths;

    public DataSetWriter(TransferSyntax ts) {
        this.ts = ts;
    }

    public static byte[] write(DataSet ds, String transferSyntaxUid) {
        return new DataSetWriter(TransferSyntax.forUid(transferSyntaxUid)).toBytes(ds);
    }

    public static void write(DataSet ds, String transferSyntaxUid, OutputStream out) {
        new DataSetWriter(TransferSyntax.forUid(transferSyntaxUid)).write(ds, out);
    }

    public TransferSyntax transferSyntax() {
        return ts;
    }

    /** Sequences and items with undefined length and delimitation items (PS3.5 7.5.2). */
    public DataSetWriter undefinedLengths(boolean undefined) {
        this.undefinedLengths = undefined;
        return this;
    }

    public void write(DataSet ds, OutputStream out) {
        try {
            out.write(toBytes(ds));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public byte[] toBytes(DataSet ds) {
        Sink sink = new Sink(1024);
        writeDataSet(ds, sink, ts.explicitVr(), SpecificCharacterSet.of(ds), -1);
        byte[] bytes = sink.toByteArray();
        return ts.deflated() ? deflate(bytes) : bytes;
    }

    /** Writes only group {@code group} (file meta), or all groups but 0002 when {@code group} is -1. */
    void writeDataSet(DataSet ds, Sink out, boolean explicit, SpecificCharacterSet cs, int group) {
        int groupLengthAt = -1;
        int groupStart = 0;
        for (int i = 0; i < ds.size(); i++) {
            int tag = ds.tagAt(i);
            int g = Tag.group(tag);
            if (group >= 0 ? g != group : g == 0x0002) {
                continue;
            }
            if (Tag.element(tag) == 0) {
                if (g == 0x0000 || g == 0x0002) {
                    // recomputed below, once the group's length is known
                    writeHeader(out, explicit, tag, Vr.UL, 4);
                    groupLengthAt = out.size();
                    out.u32(0);
                    groupStart = out.size();
                }
                continue;
            }
            if (tag == Tag.SpecificCharacterSet && ds.valueAt(i) instanceof String s) {
                cs = SpecificCharacterSet.valueOf(s);
            }
            writeElement(out, explicit, tag, ds.vrAt(i), ds.valueAt(i), cs);
            boolean lastOfGroup = i + 1 == ds.size() || Tag.group(ds.tagAt(i + 1)) != g;
            if (groupLengthAt >= 0 && lastOfGroup) {
                out.patch32(groupLengthAt, out.size() - groupStart);
                groupLengthAt = -1;
            }
        }
        if (groupLengthAt >= 0) {
            out.patch32(groupLengthAt, out.size() - groupStart);
        }
    }

    private void writeElement(Sink out, boolean explicit, int tag, Vr vr, Object value, SpecificCharacterSet cs) {
        if (value instanceof Sequence seq) {
            writeSequence(out, explicit, tag, seq, cs);
            return;
        }
        if (value instanceof Fragments frags) {
            writeHeader(out, explicit, tag, vr, -1);
            for (byte[] f : frags.items()) {
                out.u16(0xFFFE).u16(0xE000).u32(f.length + (f.length & 1));
                out.write(f, 0, f.length);
                if ((f.length & 1) == 1) {
                    out.write(0);
                }
            }
            out.u16(0xFFFE).u16(0xE0DD).u32(0);
            return;
        }
        if (value instanceof BulkDataUri uri) {
            throw new IllegalArgumentException(Tag.toString(tag) + " holds a BulkDataURI (" + uri.uri()
                    + "); fetch the bulk data before writing");
        }
        byte[] bytes = encode(tag, vr, value, cs);
        int padded = bytes.length + (bytes.length & 1);
        Vr wire = vr;
        if (explicit && !vr.longHeader() && padded > 0xFFFF) {
            wire = Vr.UN; // PS3.5 6.2.2: a value too long for a 16-bit length
        }
        writeHeader(out, explicit, tag, wire, padded);
        out.write(bytes, 0, bytes.length);
        if (padded != bytes.length) {
            out.write(vr.padding());
        }
    }

    private static byte[] encode(int tag, Vr vr, Object value, SpecificCharacterSet cs) {
        if (value == null) {
            return new byte[0];
        }
        if (value instanceof byte[] b) {
            return b;
        }
        if (value instanceof String s) {
            return vr.kind() == Vr.Kind.TEXT ? cs.encode(s, vr == Vr.PN) : s.getBytes(StandardCharsets.ISO_8859_1);
        }
        throw new IllegalArgumentException("cannot write " + value.getClass().getSimpleName() + " as "
                + vr + " at " + Tag.toString(tag));
    }

    private void writeSequence(Sink out, boolean explicit, int tag, Sequence seq, SpecificCharacterSet cs) {
        writeHeader(out, explicit, tag, Vr.SQ, -1);
        int seqLengthAt = out.size() - 4;
        int seqStart = out.size();
        for (DataSet item : seq) {
            out.u16(0xFFFE).u16(0xE000).u32(-1);
            int itemLengthAt = out.size() - 4;
            int itemStart = out.size();
            writeDataSet(item, out, explicit, cs, -1);
            if (undefinedLengths) {
                out.u16(0xFFFE).u16(0xE00D).u32(0);
            } else {
                out.patch32(itemLengthAt, out.size() - itemStart);
            }
        }
        if (undefinedLengths) {
            out.u16(0xFFFE).u16(0xE0DD).u32(0);
        } else {
            out.patch32(seqLengthAt, out.size() - seqStart);
        }
    }

    /** {@code length} -1 writes an undefined length. */
    private static void writeHeader(Sink out, boolean explicit, int tag, Vr vr, int length) {
        out.u16(Tag.group(tag)).u16(Tag.element(tag));
        if (!explicit) {
            out.u32(length);
            return;
        }
        out.write(vr.code() >> 8);
        out.write(vr.code() & 0xFF);
        if (vr.longHeader()) {
            out.u16(0).u32(length);
        } else {
            out.u16(length);
        }
    }

    static byte[] deflate(byte[] bytes) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true); // PS3.5 A.5: no zlib wrapper
        try {
            deflater.setInput(bytes);
            deflater.finish();
            Sink out = new Sink(bytes.length / 2 + 64);
            byte[] chunk = new byte[8192];
            while (!deflater.finished()) {
                int n = deflater.deflate(chunk);
                out.write(chunk, 0, n);
            }
            if ((out.size() & 1) == 1) {
                out.write(0); // even length, as DCMTK pads; inflation stops at the final block
            }
            return out.toByteArray();
        } finally {
            deflater.end();
        }
    }

    /** A growable little-endian byte buffer whose length fields can be patched after the fact. */
    static final class Sink {
        private byte[] buf;
        private int size;

        Sink(int capacity) {
            buf = new byte[Math.max(16, capacity)];
        }

        int size() {
            return size;
        }

        private void ensure(int n) {
            if (size + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + n));
            }
        }

        Sink write(int b) {
            ensure(1);
            buf[size++] = (byte) b;
            return this;
        }

        Sink write(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, buf, size, len);
            size += len;
            return this;
        }

        Sink u16(int v) {
            ensure(2);
            buf[size++] = (byte) v;
            buf[size++] = (byte) (v >> 8);
            return this;
        }

        Sink u32(int v) {
            ensure(4);
            patch32(size, v);
            size += 4;
            return this;
        }

        void patch32(int at, int v) {
            buf[at] = (byte) v;
            buf[at + 1] = (byte) (v >> 8);
            buf[at + 2] = (byte) (v >> 16);
            buf[at + 3] = (byte) (v >> 24);
        }

        byte[] toByteArray() {
            return Arrays.copyOf(buf, size);
        }
    }
}
