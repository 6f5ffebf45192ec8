package com.imagingmanifest.dicom.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.imagingmanifest.dicom.data.BulkDataUri;
import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Vr;
import com.imagingmanifest.dicom.io.DicomParseException;
import com.imagingmanifest.dicom.io.Part10;
import com.imagingmanifest.testing.Dcmtk;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DicomJsonTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"kos-basic.dump", "all-vrs.dump"})
    void roundTripOfDcmtkFilesIsLossless(String dump) throws Exception {
        Path dumpFile = dir.resolve(dump);
        try (InputStream in = getClass().getResourceAsStream("/testdata/" + dump)) {
            Files.copy(in, dumpFile);
        }
        DataSet ds = Part10.read(Files.readAllBytes(Dcmtk.dump2dcm(dumpFile, dir.resolve("f.dcm"), "+te"))).dataSet();

        String json = DicomJson.write(ds);
        assertEquals(ds, DicomJson.readObject(json));
        assertEquals(json, DicomJson.write(DicomJson.readObject(json)));
        assertEquals(List.of(ds, ds), DicomJson.readArray(DicomJson.writeArray(List.of(ds, ds))));
    }

    /** Shapes of PS3.18 Annex F (F.2 examples): PN objects, numbers, AT, InlineBinary, BulkDataURI, sequences. */
    static final String ANNEX_F = """
            [{
              "00080005": {"vr": "CS", "Value": ["ISO_IR 192"]},
              "00080020": {"vr": "DA", "Value": ["20130409"]},
              "00080061": {"vr": "CS", "Value": ["CT", "PET"]},
              "00080090": {"vr": "PN"},
              "00081190": {"vr": "UR", "Value": ["http://wado.nema.org/studies/1.2.392.200036.9116.2.2.2.1762893313.1029997326.945873"]},
              "00090010": {"vr": "LO", "Value": ["Vendor A"]},
              "00091002": {"vr": "UN", "InlineBinary": "z0x9c8v7"},
              "00100010": {"vr": "PN", "Value": [{"Alphabetic": "Wang^XiaoDong", "Ideographic": "王^小東"}]},
              "00100020": {"vr": "LO", "Value": ["12345"]},
              "00101010": {"vr": "AS", "Value": ["042Y"]},
              "00101020": {"vr": "DS", "Value": [1.75]},
              "00200013": {"vr": "IS", "Value": [7]},
              "00209165": {"vr": "AT", "Value": ["00100020", "0020000D"]},
              "00280010": {"vr": "US", "Value": [512]},
              "00189219": {"vr": "SS", "Value": [-3]},
              "00720074": {"vr": "FD", "Value": [1.25, -2.5]},
              "00420011": {"vr": "OB", "BulkDataURI": "http://example.com/bulk/1"},
              "0040A730": {"vr": "SQ", "Value": [
                {"0040A010": {"vr": "CS", "Value": ["CONTAINS"]},
                 "0040A043": {"vr": "SQ", "Value": [{"00080100": {"vr": "SH", "Value": ["113012"]}}]}},
                {}
              ]}
            }]
            """;

    @Test
    void readsAnnexFShapes() {
        DataSet ds = DicomJson.readArray(ANNEX_F).get(0);
        assertEquals("Wang^XiaoDong=王^小東", ds.getString(Tag.PatientName));
        assertEquals("CT\\PET", ds.getString(Tag.ModalitiesInStudy));
        assertEquals(Vr.PN, ds.vr(Tag.ReferringPhysicianName));
        assertEquals(null, ds.getString(Tag.ReferringPhysicianName));
        assertEquals("1.75", ds.getString(0x00101020));
        assertEquals(7, ds.getInt(Tag.InstanceNumber, 0));
        assertEquals(512, ds.getInt(0x00280010, 0));
        assertEquals(-3, ds.getInt(0x00189219, 0));
        assertArrayEquals(new int[] {0x00100020, 0x0020000D}, ds.getInts(0x00209165));
        assertEquals("1.25\\-2.5", ds.getString(0x00720074));
        assertEquals(new BulkDataUri("http://example.com/bulk/1"), ds.value(0x00420011));
        assertArrayEquals(java.util.Base64.getDecoder().decode("z0x9c8v7"), ds.getBytes(0x00091002));
        assertEquals(2, ds.getSequence(Tag.ContentSequence).size());
        assertEquals("113012", ds.getItem(Tag.ContentSequence, 0).getItem(Tag.ConceptNameCodeSequence, 0).getString(Tag.CodeValue));
        assertTrue(ds.getItem(Tag.ContentSequence, 1).isEmpty());

        String written = DicomJson.writeArray(List.of(ds));
        assertTrue(written.contains("\"00100010\":{\"vr\":\"PN\",\"Value\":[{\"Alphabetic\":\"Wang^XiaoDong\",\"Ideographic\":\"王^小東\"}]}"), written);
        assertTrue(written.contains("\"00101020\":{\"vr\":\"DS\",\"Value\":[1.75]}"), written);
        assertTrue(written.contains("\"00209165\":{\"vr\":\"AT\",\"Value\":[\"00100020\",\"0020000D\"]}"), written);
        assertTrue(written.contains("\"00420011\":{\"vr\":\"OB\",\"BulkDataURI\":\"http://example.com/bulk/1\"}"), written);
        assertTrue(written.contains("\"00091002\":{\"vr\":\"UN\",\"InlineBinary\":\"z0x9c8v7\"}"), written);
        assertEquals(ds, DicomJson.readArray(written).get(0));
    }

    @Test
    void badJsonGivesParseExceptionWithLocation() {
        DicomParseException e = assertThrows(DicomParseException.class,
                () -> DicomJson.readArray("[{\"00100010\": {\"vr\": \"XX\"}}]"));
        assertTrue(e.getMessage().contains("line 1") && e.getMessage().contains("unknown VR"), e.getMessage());
        assertThrows(DicomParseException.class, () -> DicomJson.readArray("[{\"0010001\": {}}]"));
        assertThrows(DicomParseException.class, () -> DicomJson.readArray("[{\"00100010\": {\"vr\": \"PN\", \"Value\": [1]}}]"));
        assertThrows(DicomParseException.class, () -> DicomJson.readArray("[{\"00280010\": {\"vr\": \"US\", \"Value\": [70000]}}]"));
        assertThrows(DicomParseException.class, () -> DicomJson.readArray("[{\"00280010\": {\"vr\": \"US\", \"Value\": [1]}"));
        assertThrows(DicomParseException.class, () -> DicomJson.readArray("{}"));
        assertThrows(DicomParseException.class, () -> DicomJson.readArray("[] trailing"));
        assertThrows(DicomParseException.class, () -> DicomJson.readObject("{\"00100010\": {\"vr\": \"PN\", \"InlineBinary\": \"AA==\"}}"));
    }

    @Test
    void deepNestingIsRefused() {
        String item = "{\"0040A730\": {\"vr\": \"SQ\", \"Value\": [";
        String json = item.repeat(100) + "{}" + "]}}".repeat(100);
        DicomParseException e = assertThrows(DicomParseException.class, () -> DicomJson.readObject(json));
        assertTrue(e.getMessage().contains("nested deeper"), e.getMessage());
        // 60 levels are fine
        String ok = item.repeat(60) + "{}" + "]}}".repeat(60);
        assertEquals(1, DicomJson.readObject(ok).size());
    }

    @Test
    void streamFormsMatchStringForms() {
        byte[] bytes = ANNEX_F.getBytes(StandardCharsets.UTF_8);
        assertEquals(DicomJson.readArray(ANNEX_F), DicomJson.readArray(new java.io.ByteArrayInputStream(bytes)));
    }
}
