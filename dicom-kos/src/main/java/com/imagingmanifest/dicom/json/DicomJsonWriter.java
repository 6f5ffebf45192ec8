package com.imagingmanifest.dicom.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.imagingmanifest.dicom.data.BulkDataUri;
import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Sequence;
import com.imagingmanifest.dicom.data.Vr;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/** Writes data sets in the DICOM JSON model (PS3.18 Annex F), as {@link DicomJson} describes it. */
final class DicomJsonWriter {
    private DicomJsonWriter() {
    }

    static String write(DataSet ds) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(ds, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    static String writeArray(List<DataSet> dataSets) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeArray(dataSets, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    static void write(DataSet ds, OutputStream out) {
        try (JsonGenerator g = DicomJson.FACTORY.createGenerator(out)) {
            writeDataSet(g, ds);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void writeArray(List<DataSet> dataSets, OutputStream out) {
        try (JsonGenerator g = DicomJson.FACTORY.createGenerator(out)) {
            g.writeStartArray();
            for (DataSet ds : dataSets) {
                writeDataSet(g, ds);
            }
            g.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeDataSet(JsonGenerator g, DataSet ds) throws IOException {
        g.writeStartObject();
        for (int i = 0; i < ds.size(); i++) {
            int tag = ds.tagAt(i);
            Vr vr = ds.vrAt(i);
            Object value = ds.valueAt(i);
            g.writeFieldName(String.format("%08X", tag));
            g.writeStartObject();
            g.writeStringField("vr", vr.name());
            if (value instanceof Sequence seq) {
                if (!seq.isEmpty()) {
                    g.writeArrayFieldStart("Value");
                    for (DataSet item : seq) {
                        writeDataSet(g, item);
                    }
                    g.writeEndArray();
                }
            } else if (value instanceof BulkDataUri uri) {
                g.writeStringField("BulkDataURI", uri.uri());
            } else if (value instanceof String s && !s.isEmpty()) {
                writeStrings(g, vr, s);
            } else if (value instanceof byte[] b && b.length > 0) {
                writeBinary(g, vr, b);
            }
            // Fragments (encapsulated pixel data) have no JSON form but a BulkDataURI: vr only
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private static void writeStrings(JsonGenerator g, Vr vr, String s) throws IOException {
        String[] parts = vr.singleValued() ? new String[] {s} : s.split("\\\\", -1);
        g.writeArrayFieldStart("Value");
        for (String part : parts) {
            if (part.isEmpty()) {
                g.writeNull();
            } else if (vr == Vr.PN) {
                // groups written as held (not normalised), so that the round trip is lossless
                String[] groups = part.split("=", -1);
                g.writeStartObject();
                for (int k = 0; k < Math.min(3, groups.length); k++) {
                    if (!groups[k].isEmpty()) {
                        g.writeStringField(DicomJson.PN_GROUPS[k], groups[k]);
                    }
                }
                g.writeEndObject();
            } else if ((vr == Vr.IS || vr == Vr.DS) && DicomJson.JSON_NUMBER.matcher(part).matches()) {
                g.writeNumber(part); // PS3.18 F.2.3: IS and DS as numbers; the text is kept as read
            } else {
                g.writeString(part);
            }
        }
        g.writeEndArray();
    }


    private static void writeBinary(JsonGenerator g, Vr vr, byte[] b) throws IOException {
        int n = vr.bytesPerValue();
        boolean numbers = switch (vr) {
            case US, SS, UL, SL, SV, UV, FL, FD, AT -> true;
            default -> false;
        };
        if (!numbers || b.length % n != 0) {
            g.writeStringField("InlineBinary", Base64.getEncoder().encodeToString(b));
            return;
        }
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        g.writeArrayFieldStart("Value");
        for (int k = 0; k < b.length; k += n) {
            switch (vr) {
                case US -> g.writeNumber(Short.toUnsignedInt(buf.getShort()));
                case SS -> g.writeNumber(buf.getShort());
                case UL -> g.writeNumber(Integer.toUnsignedLong(buf.getInt()));
                case SL -> g.writeNumber(buf.getInt());
                case SV -> g.writeNumber(buf.getLong());
                case UV -> g.writeNumber(new java.math.BigInteger(Long.toUnsignedString(buf.getLong())));
                case FL -> writeFloating(g, buf.getFloat());
                case FD -> writeFloating(g, buf.getDouble());
                case AT -> g.writeString(String.format("%04X%04X", Short.toUnsignedInt(buf.getShort()),
                        Short.toUnsignedInt(buf.getShort())));
                default -> throw new IllegalStateException(vr.name());
            }
        }
        g.writeEndArray();
    }

    private static void writeFloating(JsonGenerator g, double d) throws IOException {
        if (Double.isFinite(d)) {
            g.writeNumber(d);
        } else {
            g.writeString(Double.toString(d)); // JSON has no NaN or Infinity
        }
    }

    private static void writeFloating(JsonGenerator g, float f) throws IOException {
        if (Float.isFinite(f)) {
            g.writeNumber(f);
        } else {
            g.writeString(Float.toString(f));
        }
    }
}
