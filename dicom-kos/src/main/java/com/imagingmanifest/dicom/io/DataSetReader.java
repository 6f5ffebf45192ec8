package com.imagingmanifest.dicom.io;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Fragments;
import com.imagingmanifest.dicom.data.Sequence;
import com.imagingmanifest.dicom.data.SpecificCharacterSet;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Vr;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Builds a {@link DataSet} from the tokens of a {@link TokenReader}. Text values are decoded with the
 * Specific Character Set in effect (an item inherits its parent's and may name its own, PS3.5 7.5.3);
 * string values lose their trailing padding (PS3.5 6.2).
 */
public final class DataSetReader {
    /** Default bound on the size of the bytes a stream or a deflated data set may expand to. */
    public static final long DEFAULT_MAX_BYTES = 256L * 1024 * 1024;

    private boolean keepFragments = true;
    private int maxDepth = TokenReader.MAX_DEPTH;
    private long maxInflatedBytes = DEFAULT_MAX_BYTES;

    /** Reads a bare data set (as carried in P-DATA, or after the file meta). */
    public static DataSet read(byte[] bytes, int offset, int length, String transferSyntaxUid) {
        return new DataSetReader().readDataSet(bytes, offset, length, transferSyntax(transferSyntaxUid, offset), offset);
    }

    /** Reads a bare data set from a stream, refusing more than {@code maxBytes} bytes. */
    public static DataSet read(InputStream in, long maxBytes, String transferSyntaxUid) {
        byte[] bytes = readAtMost(in, maxBytes);
        return read(bytes, 0, bytes.length, transferSyntaxUid);
    }

    /** False: encapsulated pixel data is skipped (the element is kept with an empty value). */
    public DataSetReader keepFragments(boolean keep) {
        this.keepFragments = keep;
        return this;
    }

    public DataSetReader maxDepth(int depth) {
        this.maxDepth = depth;
        return this;
    }

    /**
     * The most bytes a deflated data set may expand to; more is a {@link DicomParseException}. A
     * receiver sets what it would accept uncompressed, so that a small deflated object cannot make
     * it hold more than that (a "deflate bomb").
     */
    public DataSetReader maxInflatedBytes(long max) {
        this.maxInflatedBytes = max;
        return this;
    }

    /** Reads a bare data set whose inflated form (if deflated) may not exceed {@link #maxInflatedBytes}. */
    public DataSet readDataSet(byte[] bytes, int offset, int length, String transferSyntaxUid) {
        return readDataSet(bytes, offset, length, transferSyntax(transferSyntaxUid, offset), offset);
    }

    static TransferSyntax transferSyntax(String uid, long offset) {
        try {
            return TransferSyntax.forUid(uid);
        } catch (IllegalArgumentException e) {
            throw new DicomParseException(offset, e.getMessage());
        }
    }

    /** Reads a data set; {@code baseOffset} is the offset of {@code bytes[offset]} in the whole input. */
    public DataSet readDataSet(byte[] bytes, int offset, int length, TransferSyntax ts, long baseOffset) {
        if (ts.deflated()) {
            byte[] inflated = inflate(bytes, offset, length, baseOffset, maxInflatedBytes);
            // offsets now count inflated bytes after baseOffset
            return build(new TokenReader(inflated, 0, inflated.length, true, baseOffset, maxDepth));
        }
        return build(new TokenReader(bytes, offset, length, ts.explicitVr(), baseOffset, maxDepth));
    }

    /** Builds the data set from the tokens up to END. */
    DataSet build(TokenReader r) {
        DataSet root = new DataSet();
        Deque<DataSet> items = new ArrayDeque<>();
        Deque<Sequence> sequences = new ArrayDeque<>();
        Deque<SpecificCharacterSet> charsets = new ArrayDeque<>();
        DataSet current = root;
        SpecificCharacterSet cs = SpecificCharacterSet.DEFAULT;
        Fragments fragments = null;
        int lastTag = 0;
        boolean first = true;
        for (TokenReader.Token t = r.next(); t != TokenReader.Token.END; t = r.next()) {
            switch (t) {
                case ELEMENT -> {
                    Object value = value(r, cs);
                    current.put(r.tag(), r.vr(), value);
                    if (r.tag() == Tag.SpecificCharacterSet && value instanceof String terms) {
                        cs = SpecificCharacterSet.valueOf(terms);
                    }
                }
                case SEQUENCE_START -> {
                    sequences.push(current.newSequence(r.tag()));
                }
                case ITEM_START -> {
                    items.push(current);
                    charsets.push(cs);
                    current = sequences.peek().addItem();
                }
                case ITEM_END -> {
                    current = items.pop();
                    cs = charsets.pop();
                }
                case FRAGMENTS_START -> {
                    fragments = new Fragments();
                    current.put(r.tag(), r.vr(), keepFragments ? fragments : null);
                }
                case FRAGMENT -> {
                    if (keepFragments) {
                        fragments.add(Arrays.copyOfRange(r.buffer(), r.valueOffset(), r.valueOffset() + r.valueLength()));
                    }
                }
                case SEQUENCE_END -> {
                    if (fragments != null) {
                        fragments = null;
                    } else {
                        sequences.pop();
                    }
                }
                default -> throw new IllegalStateException(t.name());
            }
        }
        return root;
    }

    static Object value(TokenReader r, SpecificCharacterSet cs) {
        byte[] b = r.buffer();
        int off = r.valueOffset();
        int len = r.valueLength();
        Vr vr = r.vr();
        if (!vr.isString()) {
            return Arrays.copyOfRange(b, off, off + len);
        }
        // PS3.5 6.2: trailing spaces (NUL for UI) are padding; some writers pad text with NUL too
        int end = off + len;
        while (end > off && (b[end - 1] == ' ' || b[end - 1] == 0)) {
            end--;
        }
        if (vr.kind() == Vr.Kind.TEXT) {
            return cs.decode(b, off, end - off, vr == Vr.PN);
        }
        return new String(b, off, end - off, StandardCharsets.ISO_8859_1);
    }

    static byte[] inflate(byte[] bytes, int offset, int length, long baseOffset, long maxBytes) {
        // PS3.5 A.5: RFC 1951 deflate without the zlib wrapper
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(bytes, offset, length);
            int limit = (int) Math.min(maxBytes, Integer.MAX_VALUE - 16);
            // the buffer starts near the input's size and at most doubles what has been inflated so
            // far, never beyond the limit: memory follows what actually arrives, not what a header
            // or a ratio promises
            byte[] out = new byte[Math.min(limit, Math.max(64, length))];
            int size = 0;
            while (!inflater.finished()) {
                if (size == out.length) {
                    if (size >= limit) {
                        if (probe(inflater)) {
                            throw new DicomParseException(baseOffset, "deflated data set expands beyond " + maxBytes
                                    + " bytes");
                        }
                        break;
                    }
                    out = Arrays.copyOf(out, (int) Math.min(limit, 2L * size));
                }
                int n = inflater.inflate(out, size, out.length - size);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break; // ends without a final block: keep what was inflated
                }
                size += n;
            }
            return size == out.length ? out : Arrays.copyOf(out, size);
        } catch (DataFormatException e) {
            throw new DicomParseException(baseOffset + inflater.getBytesRead(), "invalid deflated data: " + e.getMessage());
        } finally {
            inflater.end();
        }
    }

    /** True when the inflater has at least one more byte to give (the output is full at the limit). */
    private static boolean probe(Inflater inflater) throws DataFormatException {
        if (inflater.finished()) {
            return false;
        }
        byte[] one = new byte[1];
        return inflater.inflate(one) > 0;
    }

    /** All bytes of {@code in}, or DicomParseException when there are more than {@code maxBytes}. */
    static byte[] readAtMost(InputStream in, long maxBytes) {
        try {
            int cap = (int) Math.min(maxBytes, Integer.MAX_VALUE - 16);
            byte[] bytes = in.readNBytes(cap);
            if (bytes.length == cap && in.read() >= 0) {
                throw new DicomParseException(cap, "input larger than the limit of " + maxBytes + " bytes");
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
