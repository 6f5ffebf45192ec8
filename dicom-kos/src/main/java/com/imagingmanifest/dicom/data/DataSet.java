package com.imagingmanifest.dicom.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.IntConsumer;

/**
 * A DICOM data set: elements kept sorted by tag in parallel arrays (after dcm4che's Attributes).
 *
 * <p>Values are held decoded: strings and text as one Java {@code String} with backslashes between
 * values and trailing padding removed; numbers and other binary VRs as little-endian bytes; SQ as a
 * {@link Sequence}; encapsulated pixel data as {@link Fragments}. An element may be present with an
 * empty value (type 2 attributes). Not thread-safe.
 */
public final class DataSet {
    private static final int[] NO_TAGS = {};
    private static final Vr[] NO_VRS = {};
    private static final Object[] NO_VALUES = {};

    private int[] tags = NO_TAGS;
    private Vr[] vrs = NO_VRS;
    private Object[] values = NO_VALUES;
    private int size;
    private DataSet parent;

    public DataSet() {
    }

    /** A deep copy of {@code other}. */
    public DataSet(DataSet other) {
        this.tags = Arrays.copyOf(other.tags, other.size);
        this.vrs = Arrays.copyOf(other.vrs, other.size);
        this.values = new Object[other.size];
        this.size = other.size;
        for (int i = 0; i < size; i++) {
            Object v = other.values[i];
            if (v instanceof Sequence seq) {
                v = new Sequence(this, seq);
            } else if (v instanceof byte[] bytes) {
                v = bytes.clone();
            } else if (v instanceof Fragments frags) {
                v = new Fragments(frags);
            }
            values[i] = v;
        }
    }

    /** The data set whose sequence holds this one as an item, or null at the top level. */
    public DataSet parent() {
        return parent;
    }

    void parent(DataSet parent) {
        this.parent = parent;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public boolean contains(int tag) {
        return indexOf(tag) >= 0;
    }

    /** The VR of the element, or null when absent. */
    public Vr vr(int tag) {
        int i = indexOf(tag);
        return i < 0 ? null : vrs[i];
    }

    /** The held value (String, byte[], Sequence, Fragments) or null when absent or empty. */
    public Object value(int tag) {
        int i = indexOf(tag);
        return i < 0 ? null : values[i];
    }

    /** Tags in ascending order. */
    public int[] tags() {
        return Arrays.copyOf(tags, size);
    }

    /** Calls {@code action} for each tag in ascending order. */
    public void forEachTag(IntConsumer action) {
        for (int i = 0; i < size; i++) {
            action.accept(tags[i]);
        }
    }

    public int tagAt(int index) {
        return tags[index];
    }

    public Vr vrAt(int index) {
        return vrs[index];
    }

    public Object valueAt(int index) {
        return values[index];
    }

    // ---- strings

    /** The whole string value (all values, backslash-separated), or null when absent or empty. */
    public String getString(int tag) {
        Object v = value(tag);
        if (v instanceof String s) {
            return s.isEmpty() ? null : s;
        }
        if (v instanceof byte[] bytes && vr(tag) != null && vr(tag).bytesPerValue() > 0) {
            return binaryToString(vr(tag), bytes);
        }
        return null;
    }

    public String getString(int tag, String defaultValue) {
        String s = getString(tag);
        return s == null ? defaultValue : s;
    }

    /** The values of a multi-valued string element; empty when absent. */
    public String[] getStrings(int tag) {
        String s = getString(tag);
        if (s == null) {
            return new String[0];
        }
        Vr vr = vr(tag);
        if (vr != null && vr.singleValued()) {
            return new String[] {s};
        }
        return s.split("\\\\", -1);
    }

    /** Sets a string value; several values are joined with backslash. */
    public DataSet setString(int tag, Vr vr, String... values) {
        if (!vr.isString()) {
            throw new IllegalArgumentException(vr + " is not a string VR for " + Tag.toString(tag));
        }
        String joined = values.length == 0 || (values.length == 1 && values[0] == null)
                ? "" : String.join("\\", values);
        put(tag, vr, joined);
        return this;
    }

    /** Sets a type 2 element present with no value. */
    public DataSet setEmpty(int tag, Vr vr) {
        put(tag, vr, vr == Vr.SQ ? new Sequence(this) : (vr.isString() ? "" : new byte[0]));
        return this;
    }

    // ---- numbers

    /** The first value of an IS, DS or binary integer element, or {@code defaultValue}. */
    public int getInt(int tag, int defaultValue) {
        int[] ints = getInts(tag);
        return ints.length == 0 ? defaultValue : ints[0];
    }

    public int[] getInts(int tag) {
        int i = indexOf(tag);
        if (i < 0 || values[i] == null) {
            return new int[0];
        }
        Vr vr = vrs[i];
        Object v = values[i];
        if (v instanceof String s) {
            if (s.isEmpty()) {
                return new int[0];
            }
            String[] parts = s.split("\\\\");
            int[] out = new int[parts.length];
            for (int k = 0; k < parts.length; k++) {
                String p = parts[k].trim();
                out[k] = vr == Vr.DS ? (int) Double.parseDouble(p) : Integer.parseInt(p);
            }
            return out;
        }
        if (v instanceof byte[] bytes) {
            ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            int n = vr.bytesPerValue();
            if (n == 0) {
                return new int[0];
            }
            int[] out = new int[bytes.length / n];
            for (int k = 0; k < out.length; k++) {
                out[k] = switch (vr) {
                    case US, OW -> Short.toUnsignedInt(buf.getShort());
                    case SS -> buf.getShort();
                    case UL, SL, OL -> buf.getInt();
                    // PS3.5 6.2: AT is group then element, each a 16-bit little-endian number
                    case AT -> (Short.toUnsignedInt(buf.getShort()) << 16) | Short.toUnsignedInt(buf.getShort());
                    case FL, OF -> (int) buf.getFloat();
                    case FD, OD -> (int) buf.getDouble();
                    case SV, UV, OV -> (int) buf.getLong();
                    default -> 0;
                };
            }
            return out;
        }
        return new int[0];
    }

    /** Sets integers; IS is written as decimal text, US/SS/UL/SL/AT as little-endian binary. */
    public DataSet setInt(int tag, Vr vr, int... ints) {
        if (vr == Vr.IS || vr == Vr.DS) {
            String[] s = new String[ints.length];
            for (int k = 0; k < ints.length; k++) {
                s[k] = Integer.toString(ints[k]);
            }
            return setString(tag, vr, s);
        }
        int n = vr.bytesPerValue();
        if (n != 2 && n != 4) {
            throw new IllegalArgumentException(vr + " cannot hold int values");
        }
        ByteBuffer buf = ByteBuffer.allocate(ints.length * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int x : ints) {
            if (vr == Vr.AT) {
                buf.putShort((short) Tag.group(x)).putShort((short) Tag.element(x)); // PS3.5 6.2
            } else if (n == 2) {
                buf.putShort((short) x);
            } else {
                buf.putInt(x);
            }
        }
        put(tag, vr, buf.array());
        return this;
    }

    // ---- binary

    public byte[] getBytes(int tag) {
        Object v = value(tag);
        return v instanceof byte[] bytes ? bytes : null;
    }

    /** Sets a binary value, held as little-endian bytes; the array is not copied. */
    public DataSet setBytes(int tag, Vr vr, byte[] bytes) {
        if (vr.isString() || vr == Vr.SQ) {
            throw new IllegalArgumentException(vr + " is not a binary VR for " + Tag.toString(tag));
        }
        put(tag, vr, bytes);
        return this;
    }

    public Fragments getFragments(int tag) {
        Object v = value(tag);
        return v instanceof Fragments f ? f : null;
    }

    public DataSet setFragments(int tag, Vr vr, Fragments fragments) {
        put(tag, vr, fragments);
        return this;
    }

    // ---- sequences

    /** The sequence, or null when absent. */
    public Sequence getSequence(int tag) {
        Object v = value(tag);
        return v instanceof Sequence s ? s : null;
    }

    /** Item {@code index} of the sequence, or null. */
    public DataSet getItem(int tag, int index) {
        Sequence seq = getSequence(tag);
        return seq == null || index >= seq.size() ? null : seq.get(index);
    }

    /** Replaces the element with a new, empty sequence and returns it. */
    public Sequence newSequence(int tag) {
        Sequence seq = new Sequence(this);
        put(tag, Vr.SQ, seq);
        return seq;
    }

    /** The existing sequence, or a new empty one. */
    public Sequence ensureSequence(int tag) {
        Sequence seq = getSequence(tag);
        return seq != null ? seq : newSequence(tag);
    }

    // ---- generic

    /**
     * Puts a raw value: String for string VRs, byte[] for binary, Sequence for SQ, Fragments for
     * encapsulated data, or null for an empty value.
     */
    public DataSet put(int tag, Vr vr, Object value) {
        Objects.requireNonNull(vr, "vr");
        if (value instanceof Sequence seq && seq.owner() != this) {
            value = new Sequence(this, seq);
        }
        int i = indexOf(tag);
        if (i >= 0) {
            vrs[i] = vr;
            values[i] = value;
            return this;
        }
        int at = -i - 1;
        if (size == tags.length) {
            int cap = Math.max(8, size * 2);
            tags = Arrays.copyOf(tags, cap);
            vrs = Arrays.copyOf(vrs, cap);
            values = Arrays.copyOf(values, cap);
        }
        System.arraycopy(tags, at, tags, at + 1, size - at);
        System.arraycopy(vrs, at, vrs, at + 1, size - at);
        System.arraycopy(values, at, values, at + 1, size - at);
        tags[at] = tag;
        vrs[at] = vr;
        values[at] = value;
        size++;
        return this;
    }

    public boolean remove(int tag) {
        int i = indexOf(tag);
        if (i < 0) {
            return false;
        }
        System.arraycopy(tags, i + 1, tags, i, size - i - 1);
        System.arraycopy(vrs, i + 1, vrs, i, size - i - 1);
        System.arraycopy(values, i + 1, values, i, size - i - 1);
        size--;
        values[size] = null;
        return true;
    }

    /** Copies every element of {@code other} into this data set (deeply), replacing equal tags. */
    public DataSet addAll(DataSet other) {
        DataSet copy = new DataSet(other);
        for (int i = 0; i < copy.size; i++) {
            put(copy.tags[i], copy.vrs[i], copy.values[i]);
        }
        return this;
    }

    /** The elements of group {@code group} removed into a new data set (e.g. file meta, 0002). */
    public DataSet extractGroup(int group) {
        DataSet out = new DataSet();
        List<Integer> drop = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            if (Tag.group(tags[i]) == group) {
                out.put(tags[i], vrs[i], values[i]);
                drop.add(tags[i]);
            }
        }
        drop.forEach(this::remove);
        return out;
    }

    private int indexOf(int tag) {
        // unsigned comparison: groups above 7FFF (e.g. FFFE) sort last, as on the wire
        int lo = 0;
        int hi = size - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = Integer.compareUnsigned(tags[mid], tag);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -(lo + 1);
    }

    private static String binaryToString(Vr vr, byte[] bytes) {
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int n = vr.bytesPerValue();
        StringBuilder sb = new StringBuilder();
        for (int k = 0; k + n <= bytes.length; k += n) {
            if (sb.length() > 0) {
                sb.append('\\');
            }
            switch (vr) {
                case US, OW -> sb.append(Short.toUnsignedInt(buf.getShort()));
                case SS -> sb.append(buf.getShort());
                case UL, OL -> sb.append(Integer.toUnsignedString(buf.getInt()));
                case SL -> sb.append(buf.getInt());
                case AT -> sb.append(String.format("%04X%04X", Short.toUnsignedInt(buf.getShort()),
                        Short.toUnsignedInt(buf.getShort())));
                case FL, OF -> sb.append(buf.getFloat());
                case FD, OD -> sb.append(buf.getDouble());
                case SV, OV -> sb.append(buf.getLong());
                case UV -> sb.append(Long.toUnsignedString(buf.getLong()));
                default -> { }
            }
        }
        return sb.toString();
    }

    /** Deep equality of tags, VRs and values. */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof DataSet other) || other.size != size) {
            return false;
        }
        for (int i = 0; i < size; i++) {
            if (tags[i] != other.tags[i] || vrs[i] != other.vrs[i]
                    || !valueEquals(values[i], other.values[i])) {
                return false;
            }
        }
        return true;
    }

    private static boolean valueEquals(Object a, Object b) {
        if (a instanceof byte[] x && b instanceof byte[] y) {
            return Arrays.equals(x, y);
        }
        if (isEmptyValue(a) && isEmptyValue(b)) {
            return true;
        }
        return Objects.equals(a, b);
    }

    private static boolean isEmptyValue(Object v) {
        return v == null || (v instanceof String s && s.isEmpty())
                || (v instanceof byte[] b && b.length == 0);
    }

    @Override
    public int hashCode() {
        int h = size;
        for (int i = 0; i < size; i++) {
            h = 31 * h + tags[i];
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < size; i++) {
            sb.append(Tag.toString(tags[i])).append(' ').append(vrs[i]).append(' ');
            Object v = values[i];
            if (v instanceof byte[] b && vrs[i].bytesPerValue() == 0) {
                sb.append('(').append(b.length).append(" bytes)");
            } else if (v instanceof byte[]) {
                sb.append('[').append(binaryToString(vrs[i], (byte[]) v)).append(']');
            } else if (v instanceof Sequence s) {
                sb.append("(").append(s.size()).append(" items)");
            } else {
                sb.append('[').append(v).append(']');
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
