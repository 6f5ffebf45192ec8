package com.imagingmanifest.dicom.json;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.io.DicomParseException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Fuzzes the DICOM JSON reader: it returns data sets or throws DicomParseException, and what it
 * returns is written and read back equal. Seeds in {@code DicomJsonFuzzTestInputs/readArray}.
 */
class DicomJsonFuzzTest {
    @FuzzTest(maxDuration = "2m")
    void readArray(byte[] data) {
        // bytes, not String, so that the seed files are plain UTF-8 JSON
        String json = new String(data, StandardCharsets.UTF_8);
        List<DataSet> read;
        try {
            read = DicomJson.readArray(json);
        } catch (DicomParseException expected) {
            return;
        }
        List<DataSet> again = DicomJson.readArray(DicomJson.writeArray(read));
        if (!again.equals(read)) {
            throw new IllegalStateException("JSON round trip changed the data sets: " + read + " vs " + again);
        }
    }
}
