package com.imagingmanifest.dicom.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.testing.Dcmtk;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Interop with DCMTK: files dump2dcm writes are read; files we write are read by dcmdump. */
class Part10DcmtkTest {
    @TempDir
    Path dir;

    static List<Arguments> dumpsAndOptions() {
        List<Arguments> out = new java.util.ArrayList<>();
        for (String dump : List.of("kos-basic.dump", "all-vrs.dump")) {
            for (String[] options : List.of(new String[] {"+ti"}, new String[] {"+te"}, new String[] {"+td"},
                    new String[] {"+te", "-e"}, new String[] {"+ti", "-e"}, new String[] {"+td", "-e"})) {
                out.add(Arguments.of(dump, options));
            }
        }
        return out;
    }

    static Path resource(Path dir, String name) throws IOException {
        Path target = dir.resolve(name);
        try (InputStream in = Part10DcmtkTest.class.getResourceAsStream("/testdata/" + name)) {
            Files.copy(in, target);
        }
        return target;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dumpsAndOptions")
    void readsWhatDump2dcmWritesAndShowsWhatDcmdumpShows(String dump, String[] options) throws IOException {
        Path file = Dcmtk.dump2dcm(resource(dir, dump), dir.resolve("in.dcm"), options);

        DumpLines theirs = DumpLines.dcmdump(file);
        DumpLines ours = DumpLines.ours(file);

        assertEquals(theirs.toString(), ours.toString());
        assertTrue(theirs.lines().size() > 20, "compared too little: " + theirs);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("dumpsAndOptions")
    void writesWhatDcmdumpReadsAndIsByteStable(String dump, String[] options) throws IOException {
        Path in = Dcmtk.dump2dcm(resource(dir, dump), dir.resolve("in.dcm"), options);
        DicomFile read = Part10.read(Files.readAllBytes(in));
        String ts = read.transferSyntaxUid();

        for (boolean undefined : new boolean[] {false, true}) {
            byte[] written = write(read.dataSet(), ts, undefined);
            Path out = Files.write(dir.resolve("out-" + undefined + ".dcm"), written);

            // dcmdump reads it with no warning, and shows what it showed for DCMTK's own file
            DumpLines fromOurs = DumpLines.dcmdump(out);
            assertEquals(DumpLines.dcmdump(in).withoutMeta().toString(), fromOurs.withoutMeta().toString());

            // read -> write -> read gives an equal data set; write -> read -> write identical bytes
            DicomFile again = Part10.read(written);
            assertEquals(read.dataSet(), again.dataSet());
            assertEquals(ts, again.transferSyntaxUid());
            assertArrayEquals(written, write(again.dataSet(), ts, undefined));
        }
    }

    private static byte[] write(DataSet ds, String ts, boolean undefinedLengths) {
        DicomFile file = new DicomFile(Part10.fileMetaFor(ds, ts), ds);
        return undefinedLengths ? Part10.write(file, new DataSetWriter(TransferSyntax.forUid(ts)).undefinedLengths(true))
                : Part10.write(file);
    }

    @ParameterizedTest
    @MethodSource("transferSyntaxes")
    void dataSetWithoutMetaIsWrittenAndReadInEachTransferSyntax(String ts) {
        DataSet ds = new DataSet()
                .setString(Tag.SOPClassUID, com.imagingmanifest.dicom.data.Vr.UI, Uid.KeyObjectSelectionDocumentStorage)
                .setString(Tag.PatientName, com.imagingmanifest.dicom.data.Vr.PN, "Doe^Jane");
        byte[] bytes = DataSetWriter.write(ds, ts);
        assertEquals(ds, DataSetReader.read(bytes, 0, bytes.length, ts));
    }

    static List<String> transferSyntaxes() {
        return List.of(Uid.ImplicitVRLittleEndian, Uid.ExplicitVRLittleEndian, Uid.DeflatedExplicitVRLittleEndian);
    }
}
