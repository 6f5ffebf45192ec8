package com.imagingmanifest.dicom.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.imagingmanifest.dicom.data.Uid;

/**
 * Fuzzes the Part 10 reader: whatever the bytes, it returns a data set or throws DicomParseException,
 * and what it returns can be written again. In a normal {@code mvn test} only the seeds in
 * {@code Part10FuzzTestInputs/part10Read} run (regression mode); {@code JAZZER_FUZZ=1} fuzzes.
 */
class Part10FuzzTest {
    @FuzzTest(maxDuration = "2m")
    void part10Read(byte[] data) {
        DicomFile file;
        try {
            file = Part10.read(data);
        } catch (DicomParseException expected) {
            return;
        }
        DataSetWriter.write(file.dataSet(), Uid.ExplicitVRLittleEndian);
        DataSetWriter.write(file.dataSet(), Uid.ImplicitVRLittleEndian);
    }
}
