package com.imagingmanifest.kos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.io.Part10;
import com.imagingmanifest.testing.Dcmtk;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.hl7.fhir.dstu3.model.PositiveIntType;
import org.hl7.fhir.dstu3.model.StringType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Referenced Frame Number (0008,1160) and Referenced Segment Number (0062,000B) kept both ways. */
class FramesTest {
    static final String SEG = "1.2.840.10008.5.1.4.1.1.66.4";
    static final String ENHANCED_CT = "1.2.840.10008.5.1.4.1.1.2.1";
    private static final String INSTANCE_1 = "2.25.444444444444444444444444444444444441";
    private static final KosToManifest READER = new KosToManifest(ZoneId.of("UTC"));

    @TempDir
    Path dir;

    /** The shared basic KOS, its first IMAGE item selecting frames 1, 3 and 5 (as a PACS-side producer would). */
    static Path kosWithFrames(Path dir) throws IOException {
        String dump = Manifests.resource("kos-basic.dump").replace(
                "(0008,1150) UI =CTImageStorage\n            (0008,1155) UI [" + INSTANCE_1,
                "(0008,1150) UI [" + ENHANCED_CT + "]\n            (0008,1155) UI [" + INSTANCE_1).replace(
                "(0008,1150) UI =CTImageStorage\n        (0008,1155) UI [" + INSTANCE_1,
                "(0008,1150) UI [" + ENHANCED_CT + "]\n        (0008,1155) UI [" + INSTANCE_1);
        assertEquals(2, dump.split(ENHANCED_CT, -1).length - 1, "both references of the instance are multi-frame");
        String ref = "(0008,1155) UI [" + INSTANCE_1 + "]";
        int content = dump.indexOf(ref, dump.indexOf("(0040,a730)"));
        String withFrames = dump.substring(0, content + ref.length()) + "\n        (0008,1160) IS [1\\3\\5]"
                + dump.substring(content + ref.length());
        Path text = dir.resolve("frames.dump");
        Files.writeString(text, withFrames);
        return Dcmtk.dump2dcm(text, dir.resolve("frames.dcm"));
    }

    private static List<Integer> frames(ImagingManifest.InstanceComponent instance) {
        return instance.getExtensionsByUrl(InstanceSubset.FRAME_EXTENSION).stream()
                .map(x -> ((PositiveIntType) x.getValue()).getValue()).toList();
    }

    private static List<Integer> segments(ImagingManifest.InstanceComponent instance) {
        return instance.getExtensionsByUrl(InstanceSubset.SEGMENT_EXTENSION).stream()
                .map(x -> ((PositiveIntType) x.getValue()).getValue()).toList();
    }

    @Test
    void framesOfAPacsSideKosBecomeExtensionsAndComeBackOut() throws IOException {
        DataSet kos = Part10.read(Files.readAllBytes(kosWithFrames(dir))).dataSet();
        ImagingManifest m = READER.translate(kos);
        List<ImagingManifest.InstanceComponent> instances = m.getStudyFirstRep().getSeriesFirstRep().getInstance();
        assertEquals(List.of(1, 3, 5), frames(instances.get(0)));
        assertEquals(List.of(), frames(instances.get(1)), "the second instance is selected whole");

        KosDocument back = new ManifestToKos(null).translate(ManifestJson.parse(ManifestJson.encode(m)), Map.of()).get(0);
        Dciodvfy.verify(back.toPart10(), dir, "frames-back");
        String tree = Dcmtk.dsrdump(dir.resolve("frames-back.dcm"));
        assertTrue(tree.contains("<contains IMAGE:=(CTe image,,1,...)>"), "dsrdump sees the frames\n" + tree);
        DataSet ref = back.dataSet().getSequence(Tag.ContentSequence).stream()
                .filter(item -> "IMAGE".equals(item.getString(Tag.ValueType)))
                .map(item -> item.getItem(Tag.ReferencedSOPSequence, 0))
                .filter(r -> INSTANCE_1.equals(r.getString(Tag.ReferencedSOPInstanceUID)))
                .findFirst().orElseThrow();
        assertEquals("1\\3\\5", ref.getString(Tag.ReferencedFrameNumber));
    }

    @Test
    void twoItemsSelectingFramesOfOneInstanceAreJoined() {
        ImagingManifest m = Manifests.of(1, 1, 1);
        ImagingManifest.InstanceComponent inst = m.getStudyFirstRep().getSeriesFirstRep().getInstanceFirstRep();
        inst.setSopClass("urn:oid:" + ENHANCED_CT).addExtension(InstanceSubset.FRAME_EXTENSION, new PositiveIntType(2));
        DataSet kos = new ManifestToKos(null).translate(m, Map.of()).get(0).dataSet();
        DataSet second = new DataSet(kos.getSequence(Tag.ContentSequence).get(kos.getSequence(Tag.ContentSequence).size() - 1));
        second.getItem(Tag.ReferencedSOPSequence, 0).setString(Tag.ReferencedFrameNumber,
                com.imagingmanifest.dicom.data.Vr.IS, "7", "2");
        kos.getSequence(Tag.ContentSequence).add(second);
        assertEquals(List.of(2, 7), frames(READER.translate(kos).getStudyFirstRep().getSeriesFirstRep().getInstanceFirstRep()));
    }

    @Test
    void segmentsOfASegmentationSurviveTheRoundTripAndDciodvfy() {
        ImagingManifest m = Manifests.of(1, 1, 1);
        ImagingManifest.InstanceComponent inst = m.getStudyFirstRep().getSeriesFirstRep().getInstanceFirstRep();
        inst.setSopClass("urn:oid:" + SEG);
        inst.addExtension(InstanceSubset.SEGMENT_EXTENSION, new PositiveIntType(4));
        inst.addExtension(InstanceSubset.SEGMENT_EXTENSION, new PositiveIntType(2));
        KosDocument kos = new ManifestToKos(null).translate(m, Map.of()).get(0);
        Dciodvfy.verify(kos.toPart10(), dir, "segments");
        DataSet read = Part10.read(kos.toPart10()).dataSet();
        assertEquals(List.of(4, 2), segments(READER.translate(read).getStudyFirstRep().getSeriesFirstRep().getInstanceFirstRep()));
    }

    @Test
    void badSubsetsAreRefusedNamingTheElement() {
        ImagingManifest m = Manifests.of(1, 1, 1);
        ImagingManifest.InstanceComponent inst = m.getStudyFirstRep().getSeriesFirstRep().getInstanceFirstRep();
        inst.addExtension(InstanceSubset.SEGMENT_EXTENSION, new PositiveIntType(1)); // CT: no segments
        inst.addExtension(InstanceSubset.FRAME_EXTENSION, new StringType("1"));
        inst.addExtension(InstanceSubset.FRAME_EXTENSION, new PositiveIntType(3));
        inst.addExtension(InstanceSubset.FRAME_EXTENSION, new PositiveIntType(3));
        String where = "ImagingManifest.study[0].series[0].instance[0]";
        List<String> problems = ManifestValidator.validate(m).stream().map(p -> p.location() + ": " + p.message()).toList();
        assertEquals(List.of(
                where + ".extension[1]: referenced-frame-number needs a valuePositiveInt",
                where + ".extension[3]: referenced-frame-number 3 appears twice",
                where + ".extension: an instance selects frames or segments, not both (Referenced Frame Number and"
                        + " Referenced Segment Number exclude each other)",
                where + ".extension: referenced-frame-number needs a multi-frame SOP class, not urn:oid:"
                        + Manifests.CT + " (single-frame)",
                where + ".extension: referenced-segment-number needs a segmentation SOP class, not urn:oid:"
                        + Manifests.CT), problems);
        ImagingManifest seg = Manifests.of(1, 1, 1);
        ImagingManifest.InstanceComponent s = seg.getStudyFirstRep().getSeriesFirstRep().getInstanceFirstRep();
        s.setSopClass("urn:oid:" + SEG).addExtension(InstanceSubset.SEGMENT_EXTENSION, new PositiveIntType(70000));
        assertEquals(List.of(where + ".extension[0]: referenced-segment-number 70000 is larger than 65535"),
                ManifestValidator.validate(seg).stream().map(p -> p.location() + ": " + p.message()).toList());
    }

    @Test
    void aKosWithAFrameNumberThatIsNotPositiveIsRefused() {
        ImagingManifest m = Manifests.of(1, 1, 1);
        DataSet kos = new ManifestToKos(null).translate(m, Map.of()).get(0).dataSet();
        DataSet item = kos.getSequence(Tag.ContentSequence).get(kos.getSequence(Tag.ContentSequence).size() - 1);
        item.getItem(Tag.ReferencedSOPSequence, 0).setString(Tag.ReferencedFrameNumber,
                com.imagingmanifest.dicom.data.Vr.IS, "0");
        KosMappingException e = assertThrows(KosMappingException.class, () -> READER.translate(kos));
        assertEquals("Referenced Frame Number (0008,1160) 0 is not positive", e.getMessage());
        item.getItem(Tag.ReferencedSOPSequence, 0).setString(Tag.ReferencedFrameNumber,
                com.imagingmanifest.dicom.data.Vr.IS, "x1");
        e = assertThrows(KosMappingException.class, () -> READER.translate(kos));
        assertEquals("Referenced Frame Number (0008,1160) is not a list of integers: x1", e.getMessage());
    }

    @Test
    void offlineConvertersKeepTheFrames() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        assertEquals(0, OfflineConverter.toManifest(List.of(kosWithFrames(dir)), o, e), err.toString(StandardCharsets.UTF_8));
        Path json = dir.resolve("manifest.json");
        Files.write(json, out.toByteArray());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains(InstanceSubset.FRAME_EXTENSION));
        out.reset();
        Path outDir = dir.resolve("kos");
        assertEquals(0, OfflineConverter.toKos(json, outDir, o, e), err.toString(StandardCharsets.UTF_8));
        Path written = outDir.resolve(out.toString(StandardCharsets.UTF_8).strip() + ".dcm");
        DataSet kos = Part10.read(Files.readAllBytes(written)).dataSet();
        assertEquals(List.of(1, 3, 5), frames(READER.translate(kos).getStudyFirstRep().getSeriesFirstRep().getInstanceFirstRep()));
    }
}
