package com.imagingmanifest.dicom.json;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.imagingmanifest.dicom.data.BulkDataUri;
import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.ElementDictionary;
import com.imagingmanifest.dicom.data.Sequence;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Vr;
import com.imagingmanifest.dicom.io.DicomParseException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads the DICOM JSON model (PS3.18 Annex F) into data sets, as {@link DicomJson} describes it:
 * streaming with Jackson's parser, every value checked against its VR, offsets in each error.
 */
final class DicomJsonReader {
    private static final Pattern TAG = Pattern.compile("[0-9A-Fa-f]{8}");

    private DicomJsonReader() {
    }

    /** A JSON array of data sets (the body of a QIDO-RS response, PS3.18 F.2). */
    static List<DataSet> readArray(String json) {
        try (JsonParser p = DicomJson.FACTORY.createParser(json)) {
            return readArray(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<DataSet> readArray(InputStream in) {
        try (JsonParser p = DicomJson.FACTORY.createParser(in)) {
            return readArray(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A single data set object. */
    static DataSet readObject(String json) {
        try (JsonParser p = DicomJson.FACTORY.createParser(json)) {
            return readObject(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static DataSet readObject(InputStream in) {
        try (JsonParser p = DicomJson.FACTORY.createParser(in)) {
            return readObject(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<DataSet> readArray(JsonParser p) throws IOException {
        try {
            expect(p, p.nextToken(), JsonToken.START_ARRAY, "a JSON array of data sets");
            List<DataSet> out = new ArrayList<>();
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                expect(p, t, JsonToken.START_OBJECT, "a data set object");
                out.add(readDataSet(p, 0));
            }
            expectEnd(p);
            return out;
        } catch (JsonProcessingException e) {
            throw error(e.getLocation(), e.getOriginalMessage(), e);
        }
    }

    private static DataSet readObject(JsonParser p) throws IOException {
        try {
            expect(p, p.nextToken(), JsonToken.START_OBJECT, "a data set object");
            DataSet ds = readDataSet(p, 0);
            expectEnd(p);
            return ds;
        } catch (JsonProcessingException e) {
            throw error(e.getLocation(), e.getOriginalMessage(), e);
        }
    }

    private static void expectEnd(JsonParser p) throws IOException {
        if (p.nextToken() != null) {
            throw error(p, "unexpected content after the end");
        }
    }

    /** Reads the fields of a data set object; the START_OBJECT is consumed. */
    private static DataSet readDataSet(JsonParser p, int depth) throws IOException {
        if (depth > DicomJson.MAX_DEPTH) {
            throw error(p, "sequences nested deeper than " + DicomJson.MAX_DEPTH);
        }
        DataSet ds = new DataSet();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            expect(p, t, JsonToken.FIELD_NAME, "a tag");
            String key = p.currentName();
            if (!TAG.matcher(key).matches()) {
                throw error(p, "\"" + key + "\" is not a tag (8 hex digits)");
            }
            int tag = (int) Long.parseLong(key, 16);
            expect(p, p.nextToken(), JsonToken.START_OBJECT, "an attribute object");
            readAttribute(p, ds, tag, depth);
        }
        return ds;
    }

    /** A parsed entry of a Value array before the VR is known. */
    private record Number(String text) {
    }

    private static final Object EMPTY_OBJECT = new Object();

    private static void readAttribute(JsonParser p, DataSet ds, int tag, int depth) throws IOException {
        Vr vr = null;
        List<Object> values = null;
        String inline = null;
        String bulk = null;
        JsonLocation start = p.currentTokenLocation();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
            expect(p, t, JsonToken.FIELD_NAME, "vr, Value, InlineBinary or BulkDataURI");
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "vr" -> {
                    expect(p, v, JsonToken.VALUE_STRING, "a VR");
                    String s = p.getText();
                    vr = s.length() == 2 ? Vr.fromCode((s.charAt(0) << 8) | s.charAt(1)) : null;
                    if (vr == null) {
                        throw error(p, "unknown VR \"" + s + "\"");
                    }
                }
                case "Value" -> {
                    expect(p, v, JsonToken.START_ARRAY, "a Value array");
                    values = readValues(p, depth);
                }
                case "InlineBinary" -> {
                    expect(p, v, JsonToken.VALUE_STRING, "base64 text");
                    inline = p.getText();
                }
                case "BulkDataURI" -> {
                    expect(p, v, JsonToken.VALUE_STRING, "a URI");
                    bulk = p.getText();
                }
                default -> throw error(p, "unknown attribute field \"" + field + "\" in " + Tag.toString(tag));
            }
        }
        if (vr == null) {
            vr = ElementDictionary.vrOf(tag); // PS3.18 F.2.3: vr is required, but be kind to old producers
        }
        int present = (values != null ? 1 : 0) + (inline != null ? 1 : 0) + (bulk != null ? 1 : 0);
        if (present > 1) {
            throw error(start, "more than one of Value, InlineBinary, BulkDataURI in " + Tag.toString(tag), null);
        }
        try {
            if (bulk != null) {
                ds.put(tag, vr, new BulkDataUri(bulk));
            } else if (inline != null) {
                if (vr.isString() || vr == Vr.SQ) {
                    throw new IllegalArgumentException("InlineBinary for VR " + vr);
                }
                ds.put(tag, vr, Base64.getMimeDecoder().decode(inline));
            } else {
                ds.put(tag, vr, convert(vr, values == null ? List.of() : values, ds, tag));
            }
        } catch (IllegalArgumentException e) {
            throw error(start, Tag.toString(tag) + " " + vr + ": " + e.getMessage(), e);
        }
    }

    private static List<Object> readValues(JsonParser p, int depth) throws IOException {
        List<Object> out = new ArrayList<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            switch (t) {
                case VALUE_NULL -> out.add(null);
                case VALUE_STRING -> out.add(p.getText());
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> out.add(new Number(p.getText()));
                case START_OBJECT -> out.add(readObjectValue(p, depth));
                default -> throw error(p, "unexpected " + t + " in a Value array");
            }
        }
        return out;
    }

    /** A PN object (Alphabetic/Ideographic/Phonetic) or a sequence item. */
    private static Object readObjectValue(JsonParser p, int depth) throws IOException {
        JsonToken t = p.nextToken();
        if (t == JsonToken.END_OBJECT) {
            return EMPTY_OBJECT;
        }
        expect(p, t, JsonToken.FIELD_NAME, "a field");
        String first = p.currentName();
        if (TAG.matcher(first).matches()) {
            // an item: re-enter readDataSet positioned on the first field
            DataSet item = new DataSet();
            int tag = (int) Long.parseLong(first, 16);
            expect(p, p.nextToken(), JsonToken.START_OBJECT, "an attribute object");
            if (depth + 1 > DicomJson.MAX_DEPTH) {
                throw error(p, "sequences nested deeper than " + DicomJson.MAX_DEPTH);
            }
            readAttribute(p, item, tag, depth + 1);
            DataSet rest = readDataSet(p, depth + 1);
            item.addAll(rest);
            return item;
        }
        Map<String, String> groups = new LinkedHashMap<>();
        for (; t != JsonToken.END_OBJECT; t = p.nextToken()) {
            expect(p, t, JsonToken.FIELD_NAME, "a person name group");
            String name = p.currentName();
            if (!name.equals("Alphabetic") && !name.equals("Ideographic") && !name.equals("Phonetic")) {
                throw error(p, "\"" + name + "\" is neither a tag nor a person name group");
            }
            JsonToken v = p.nextToken();
            if (v != JsonToken.VALUE_NULL) {
                expect(p, v, JsonToken.VALUE_STRING, "a person name string");
                groups.put(name, p.getText());
            }
        }
        return groups;
    }

    private static Object convert(Vr vr, List<Object> values, DataSet owner, int tag) {
        if (vr == Vr.SQ) {
            Sequence seq = owner.newSequence(tag);
            for (Object v : values) {
                if (v instanceof DataSet item) {
                    seq.add(item);
                } else if (v == EMPTY_OBJECT || v == null) {
                    seq.addItem();
                } else {
                    throw new IllegalArgumentException("a sequence holds objects (items)");
                }
            }
            return seq;
        }
        if (vr.isString()) {
            List<String> parts = new ArrayList<>(values.size());
            for (Object v : values) {
                parts.add(stringValue(vr, v));
            }
            if (vr.singleValued() && parts.size() > 1) {
                throw new IllegalArgumentException("more than one value");
            }
            return String.join("\\", parts);
        }
        if (values.isEmpty()) {
            return new byte[0];
        }
        int n = vr.bytesPerValue();
        if (n == 0 || vr == Vr.OW || vr == Vr.OF || vr == Vr.OD || vr == Vr.OL || vr == Vr.OV) {
            throw new IllegalArgumentException("binary values need InlineBinary or BulkDataURI");
        }
        ByteBuffer buf = ByteBuffer.allocate(values.size() * n).order(ByteOrder.LITTLE_ENDIAN);
        for (Object v : values) {
            String text = v instanceof Number num ? num.text() : v instanceof String s ? s : null;
            if (text == null) {
                throw new IllegalArgumentException("a " + vr + " value must be a number");
            }
            putBinary(buf, vr, text.trim());
        }
        return buf.array();
    }

    private static String stringValue(Vr vr, Object v) {
        if (v == null) {
            return "";
        }
        if (vr == Vr.PN) {
            if (v instanceof String s) {
                // lenient: a PN written as a plain string, still at most three groups, one value
                if (s.indexOf('\\') >= 0 || s.split("=", -1).length > 3) {
                    throw new IllegalArgumentException("\"" + s + "\" is not one person name");
                }
                return s;
            }
            if (v == EMPTY_OBJECT) {
                return "";
            }
            if (v instanceof Map<?, ?> m) {
                String a = group(m, "Alphabetic");
                String i = group(m, "Ideographic");
                String ph = group(m, "Phonetic");
                String pn = nz(a) + "=" + nz(i) + "=" + nz(ph);
                int end = pn.length();
                while (end > 0 && pn.charAt(end - 1) == '=') {
                    end--; // PS3.5 6.2.1: trailing empty groups are left out
                }
                return pn.substring(0, end);
            }
            throw new IllegalArgumentException("a PN value is an object with Alphabetic, Ideographic, Phonetic");
        }
        if (v instanceof String s) {
            if (!vr.singleValued() && s.indexOf('\\') >= 0) {
                // PS3.5 6.2: backslash separates values; inside one value it would change the VM
                throw new IllegalArgumentException("a " + vr + " value may not contain a backslash");
            }
            return s;
        }
        if (v instanceof Number num && (vr == Vr.IS || vr == Vr.DS)) {
            return num.text();
        }
        throw new IllegalArgumentException("a " + vr + " value must be a string");
    }

    /** One component group; '=' and backslash are delimiters of the PN value (PS3.5 6.2.1). */
    private static String group(Map<?, ?> m, String name) {
        String g = (String) m.get(name);
        if (g != null && (g.indexOf('=') >= 0 || g.indexOf('\\') >= 0)) {
            throw new IllegalArgumentException("the " + name + " group may not contain '=' or a backslash");
        }
        return g;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static void putBinary(ByteBuffer buf, Vr vr, String text) {
        try {
            switch (vr) {
                case US -> buf.putShort((short) range(Long.parseLong(text), 0, 0xFFFF));
                case SS -> buf.putShort((short) range(Long.parseLong(text), Short.MIN_VALUE, Short.MAX_VALUE));
                case UL -> buf.putInt((int) range(Long.parseLong(text), 0, 0xFFFFFFFFL));
                case SL -> buf.putInt((int) range(Long.parseLong(text), Integer.MIN_VALUE, Integer.MAX_VALUE));
                case SV -> buf.putLong(Long.parseLong(text));
                case UV -> buf.putLong(Long.parseUnsignedLong(text));
                case FL -> buf.putFloat(Float.parseFloat(text));
                case FD -> buf.putDouble(Double.parseDouble(text));
                case AT -> {
                    if (!TAG.matcher(text).matches()) {
                        throw new IllegalArgumentException("\"" + text + "\" is not a tag");
                    }
                    int tag = (int) Long.parseLong(text, 16);
                    buf.putShort((short) Tag.group(tag)).putShort((short) Tag.element(tag));
                }
                default -> throw new IllegalArgumentException("no numbers for " + vr);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("\"" + text + "\" is not a " + vr + " number");
        }
    }

    private static long range(long v, long min, long max) {
        if (v < min || v > max) {
            throw new IllegalArgumentException(v + " is out of range");
        }
        return v;
    }

    private static void expect(JsonParser p, JsonToken actual, JsonToken expected, String what) {
        if (actual != expected) {
            throw error(p, "expected " + what + ", found " + (actual == null ? "end of input" : actual.asString() == null ? actual.name() : actual.asString()));
        }
    }

    private static DicomParseException error(JsonParser p, String problem) {
        return error(p.currentTokenLocation(), problem, null);
    }

    private static DicomParseException error(JsonLocation loc, String problem, Throwable cause) {
        if (loc == null) {
            return new DicomParseException(0, problem, cause);
        }
        long offset = loc.getCharOffset() >= 0 ? loc.getCharOffset() : Math.max(0, loc.getByteOffset());
        return new DicomParseException(offset, "line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ": " + problem, cause);
    }
}
