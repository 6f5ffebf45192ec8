package com.imagingmanifest.dicom.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.imagingmanifest.dicom.data.BulkDataUri;
import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.io.DicomParseException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The DICOM JSON model (PS3.18 Annex F): an object per data set whose keys are tags as 8 hex digits,
 * each holding {@code vr} and one of {@code Value}, {@code InlineBinary} (base64) or
 * {@code BulkDataURI} (kept as a {@link BulkDataUri} reference). PN values are objects with
 * Alphabetic/Ideographic/Phonetic groups; IS, DS and the binary numbers are JSON numbers (IS and DS
 * keep their text, so a round trip is lossless); AT values are 8-hex-digit strings.
 *
 * <p>Bad input raises {@link DicomParseException} with the character (stream: byte) offset and the
 * line and column; nesting of sequences is bounded by {@link #MAX_DEPTH}.
 *
 * <p>This class is the model's entry point and holds what both directions share; reading is
 * {@link DicomJsonReader}'s, writing {@link DicomJsonWriter}'s.
 */
public final class DicomJson {
    public static final int MAX_DEPTH = 64;

    static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(4 * MAX_DEPTH + 8).maxStringLength(64 * 1024 * 1024).build())
            .build();
    static final Pattern JSON_NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
    static final String[] PN_GROUPS = {"Alphabetic", "Ideographic", "Phonetic"};

    private DicomJson() {
    }

    /** A JSON array of data sets (the body of a QIDO-RS response, PS3.18 F.2). */
    public static List<DataSet> readArray(String json) {
        return DicomJsonReader.readArray(json);
    }

    public static List<DataSet> readArray(InputStream in) {
        return DicomJsonReader.readArray(in);
    }

    /** A single data set object. */
    public static DataSet readObject(String json) {
        return DicomJsonReader.readObject(json);
    }

    public static DataSet readObject(InputStream in) {
        return DicomJsonReader.readObject(in);
    }

    public static String write(DataSet ds) {
        return DicomJsonWriter.write(ds);
    }

    public static String writeArray(List<DataSet> dataSets) {
        return DicomJsonWriter.writeArray(dataSets);
    }

    public static void write(DataSet ds, OutputStream out) {
        DicomJsonWriter.write(ds, out);
    }

    public static void writeArray(List<DataSet> dataSets, OutputStream out) {
        DicomJsonWriter.writeArray(dataSets, out);
    }
}
