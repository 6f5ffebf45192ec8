package com.imagingmanifest.dicom.io;

import com.imagingmanifest.dicom.data.ElementDictionary;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Vr;

/**
 * Turns the bytes of a data set into a flat stream of tokens (after dicom-rs's parser): element
 * headers with their values, sequence start, item start, item end, sequence end, fragments. Defined
 * and undefined lengths are resolved here and only here: a consumer sees ITEM_END and SEQUENCE_END
 * whether the bytes held a delimitation item or a length that ran out.
 *
 * <p>Every length is checked against the bytes that remain (in the buffer and in each enclosing item
 * or sequence of defined length) before a value is exposed, and nesting is bounded, so a hostile
 * input can neither make a consumer allocate more than the input's size nor recurse without bound.
 * Little endian only.
 */
public final class TokenReader {
    /** What {@link #next()} found. */
    public enum Token {
        /** An element with a value: {@link #tag()}, {@link #vr()}, {@link #valueOffset()}, {@link #valueLength()}. */
        ELEMENT,
        /** An SQ element (or UN of undefined length, PS3.5 6.2.2): items follow until SEQUENCE_END. */
        SEQUENCE_START,
        ITEM_START,
        ITEM_END,
        /** Encapsulated pixel data (PS3.5 A.4): FRAGMENT tokens follow until SEQUENCE_END. */
        FRAGMENTS_START,
        /** One item of encapsulated data (the first is the Basic Offset Table). */
        FRAGMENT,
        SEQUENCE_END,
        /** No more bytes at the top level. */
        END
    }

    /** Default bound on nested sequences. */
    public static final int MAX_DEPTH = 64;
    private static final long UNDEFINED = 0xFFFFFFFFL;

    private enum Kind { SEQUENCE, ITEM, FRAGMENTS }

    private final byte[] buf;
    private final int start;
    private final int limit;
    private final long baseOffset;
    private final int maxDepth;

    // stack of open containers: kind, end position (-1 when undefined), explicit VR inside
    private Kind[] kinds = new Kind[16];
    private int[] ends = new int[16];
    private boolean[] explicit = new boolean[16];
    private int top = -1;
    private int sequences;
    private final boolean explicitVr;

    private int pos;
    private int tokenStart;
    private int tag;
    private Vr vr;
    private int valueOffset;
    private int valueLength;

    /**
     * @param baseOffset offset of {@code buf[offset]} in the whole input, used in error messages
     */
    public TokenReader(byte[] buf, int offset, int length, boolean explicitVr, long baseOffset, int maxDepth) {
        if (offset < 0 || length < 0 || offset + length > buf.length) {
            throw new IllegalArgumentException("region outside the buffer");
        }
        this.buf = buf;
        this.start = offset;
        this.limit = offset + length;
        this.pos = offset;
        this.explicitVr = explicitVr;
        this.baseOffset = baseOffset;
        this.maxDepth = maxDepth;
    }

    public TokenReader(byte[] buf, int offset, int length, boolean explicitVr) {
        this(buf, offset, length, explicitVr, offset, MAX_DEPTH);
    }

    public int tag() {
        return tag;
    }

    /** VR of the current element; SQ for SEQUENCE_START. */
    public Vr vr() {
        return vr;
    }

    public byte[] buffer() {
        return buf;
    }

    public int valueOffset() {
        return valueOffset;
    }

    public int valueLength() {
        return valueLength;
    }

    /** Offset of the current token in the whole input. */
    public long offset() {
        return baseOffset + (tokenStart - start);
    }

    /** Position (in the buffer) after the current token. */
    public int position() {
        return pos;
    }

    /** Number of open sequences. */
    public int depth() {
        return sequences;
    }

    /** The tag of the next element at the current position, or -1 when fewer than 4 bytes remain. */
    public int peekTag() {
        return pos + 4 <= limit ? tag(pos) : -1;
    }

    private DicomParseException error(int at, String problem) {
        return new DicomParseException(baseOffset + (at - start), problem);
    }

    public Token next() {
        tokenStart = pos;
        if (top >= 0 && ends[top] >= 0 && pos >= ends[top]) {
            if (pos > ends[top]) {
                throw error(pos, "content overruns the length of its " + kinds[top].name().toLowerCase());
            }
            return close();
        }
        if (pos == limit) {
            if (top >= 0) {
                throw error(pos, "data ends inside a " + kinds[top].name().toLowerCase() + " of undefined length");
            }
            return Token.END;
        }
        Kind in = top < 0 ? Kind.ITEM : kinds[top];
        return in == Kind.ITEM ? element() : item(in);
    }

    private Token close() {
        Kind k = kinds[top--];
        if (k != Kind.ITEM) {
            sequences--;
        }
        tag = k == Kind.ITEM ? Tag.ItemDelimitationItem : Tag.SequenceDelimitationItem;
        return k == Kind.ITEM ? Token.ITEM_END : Token.SEQUENCE_END;
    }

    /** Inside a sequence or fragments: an item header (always tag + 4-byte length, PS3.5 7.5). */
    private Token item(Kind in) {
        need(8, "item header");
        int t = tag(pos);
        long len = u32(pos + 4);
        int at = pos;
        pos += 8;
        if (t == Tag.SequenceDelimitationItem) {
            if (ends[top] >= 0) {
                throw error(at, "sequence delimitation item in a sequence of defined length");
            }
            top--;
            sequences--;
            tag = t;
            return Token.SEQUENCE_END;
        }
        if (t != Tag.Item) {
            throw error(at, "expected an item tag (FFFE,E000), found " + Tag.toString(t));
        }
        tag = t;
        if (in == Kind.FRAGMENTS) {
            if (len == UNDEFINED) {
                throw error(at, "fragment of undefined length");
            }
            checkLength(at, len, -1, "fragment");
            valueOffset = pos;
            valueLength = (int) len;
            pos += (int) len;
            return Token.FRAGMENT;
        }
        push(at, Kind.ITEM, len, explicit[top]);
        return Token.ITEM_START;
    }

    private Token element() {
        boolean exp = top < 0 ? explicitVr : explicit[top];
        int at = pos;
        need(8, "element header");
        int t = tag(pos);
        if (t == Tag.ItemDelimitationItem) {
            pos += 8;
            if (top < 0 || ends[top] >= 0) {
                throw error(at, "item delimitation item outside an item of undefined length");
            }
            return close();
        }
        if (Tag.group(t) == 0xFFFE) {
            throw error(at, "unexpected " + Tag.toString(t) + " where an element was expected");
        }
        long len;
        Vr v;
        if (exp) {
            int code = ((buf[pos + 4] & 0xFF) << 8) | (buf[pos + 5] & 0xFF);
            v = Vr.fromCode(code);
            if (v == null) {
                throw error(at + 4, String.format("invalid VR 0x%04X in %s", code, Tag.toString(t)));
            }
            if (v.longHeader()) {
                need(12, "element header");
                len = u32(pos + 8);
                pos += 12;
            } else {
                len = u16(pos + 6);
                pos += 8;
            }
        } else {
            v = ElementDictionary.vrOf(t);
            len = u32(pos + 4);
            pos += 8;
        }
        tag = t;
        if (len == UNDEFINED) {
            if (v == Vr.SQ || v == Vr.UN) {
                // PS3.5 6.2.2: UN of undefined length holds an implicit VR LE sequence;
                // in implicit VR an undefined length can only be a sequence
                vr = Vr.SQ;
                push(at, Kind.SEQUENCE, len, v == Vr.SQ && exp);
                return Token.SEQUENCE_START;
            }
            if (v == Vr.OB || v == Vr.OW) {
                vr = v;
                push(at, Kind.FRAGMENTS, len, exp);
                return Token.FRAGMENTS_START;
            }
            throw error(at, "undefined length in " + Tag.toString(t) + " " + v);
        }
        checkLength(at, len, t, null);
        if (v == Vr.SQ) {
            vr = Vr.SQ;
            push(at, Kind.SEQUENCE, len, exp);
            return Token.SEQUENCE_START;
        }
        vr = v;
        valueOffset = pos;
        valueLength = (int) len;
        pos += (int) len;
        return Token.ELEMENT;
    }

    private void push(int at, Kind kind, long len, boolean exp) {
        if (len != UNDEFINED) {
            checkLength(at, len, -1, kind);
        }
        if (kind != Kind.ITEM) {
            if (sequences >= maxDepth) {
                throw error(at, "sequences nested deeper than " + maxDepth);
            }
            sequences++;
        }
        if (++top == kinds.length) {
            kinds = java.util.Arrays.copyOf(kinds, top * 2);
            ends = java.util.Arrays.copyOf(ends, top * 2);
            explicit = java.util.Arrays.copyOf(explicit, top * 2);
        }
        kinds[top] = kind;
        ends[top] = len == UNDEFINED ? -1 : pos + (int) len;
        explicit[top] = exp;
    }

    /** The bytes still available to the current container. */
    private int remaining() {
        int end = limit;
        for (int i = top; i >= 0; i--) {
            if (ends[i] >= 0) {
                end = Math.min(end, ends[i]);
                break;
            }
        }
        return end - pos;
    }

    /** {@code what} names the container, or null for the element {@code tag} (formatted only on error). */
    private void checkLength(int at, long len, int tag, Object what) {
        int remaining = remaining();
        if (len > remaining) {
            String name = what != null ? what.toString().toLowerCase() : Tag.toString(tag);
            throw error(at, "length " + len + " of " + name + " exceeds the " + remaining + " bytes remaining");
        }
    }

    private void need(int n, String what) {
        if (remaining() < n) {
            throw error(pos, "truncated " + what + " (" + remaining() + " bytes left, " + n + " needed)");
        }
    }

    private int tag(int p) {
        return (u16i(p) << 16) | u16i(p + 2);
    }

    private int u16i(int p) {
        return (buf[p] & 0xFF) | ((buf[p + 1] & 0xFF) << 8);
    }

    private long u16(int p) {
        return u16i(p);
    }

    private long u32(int p) {
        return ((long) u16i(p + 2) << 16) | u16i(p);
    }
}
