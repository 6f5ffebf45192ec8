package com.imagingmanifest.kos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.io.Part10;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.hl7.fhir.r5.model.ImagingSelection;
import org.hl7.fhir.r5.model.StringType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The R5 ImagingSelection view of a manifest and back (docs/mapping.md, "R5 ImagingSelection"). */
class ImagingSelectionsTest {
    private static final FhirContext R5 = FhirContext.forR5Cached();

    @TempDir
    Path dir;

    private static String stu3(ImagingManifest m) {
        return ManifestJson.context().newJsonParser().encodeResourceToString(m);
    }

    /** Through R5 JSON, as a client would send it back. */
    private static ImagingManifest throughR5(ImagingManifest m) {
        String json = R5.newJsonParser().encodeResourceToString(ImagingSelections.toSelection(m));
        return ImagingSelections.toManifest(R5.newJsonParser().parseResource(ImagingSelection.class, json));
    }

    @Test
    void oneSeriesIsOneFlatSelectionAndComesBackUnchanged() {
        ImagingManifest m = Manifests.of(1, 1, 3);
        m.setId("abc");
        m.addExtension(KosTitle.EXTENSION_URL, Manifests.title("113030"));
        ImagingSelection s = ImagingSelections.toSelection(m);
        assertEquals("abc", s.getIdElement().getIdPart());
        assertEquals(ImagingSelection.ImagingSelectionStatus.AVAILABLE, s.getStatus());
        assertEquals("113030", s.getCode().getCodingFirstRep().getCode());
        assertEquals(ImagingSelections.bareUid(m.getStudyFirstRep().getUid()), s.getStudyUid());
        assertEquals(ImagingSelections.bareUid(m.getStudyFirstRep().getSeriesFirstRep().getUid()), s.getSeriesUid());
        assertEquals(3, s.getInstance().size());
        assertEquals("urn:oid:" + Manifests.CT, s.getInstanceFirstRep().getSopClass().getCode());
        assertEquals("Welby^Marcus", s.getPerformerFirstRep().getActor().getDisplay());
        assertEquals("2024-03-01T08:30:15+01:00", s.getIssuedElement().getValueAsString());
        assertFalse(s.hasFocus());
        assertEquals(stu3(m), stu3(throughR5(m)));
    }

    @Test
    void severalSeriesAreContainedSelectionsUnderAFocus() {
        ImagingManifest m = Manifests.of(2, 2, 2);
        ImagingSelection s = ImagingSelections.toSelection(m);
        assertEquals(4, s.getFocus().size());
        assertEquals(4, s.getContained().size());
        assertFalse(s.hasStudyUid(), "two studies: the studyUid is on each per-series selection");
        assertFalse(s.hasInstance());
        ImagingSelection second = (ImagingSelection) s.getContained().get(1);
        assertEquals("#" + second.getIdPart(), s.getFocus().get(1).getReference());
        assertEquals(ImagingSelections.bareUid(m.getStudy().get(0).getSeries().get(1).getUid()), second.getSeriesUid());
        assertEquals(stu3(m), stu3(throughR5(m)));

        ImagingSelection oneStudy = ImagingSelections.toSelection(Manifests.of(1, 3, 1));
        assertTrue(oneStudy.hasStudyUid(), "one study: its UID is on the selection with the focus too");
    }

    @Test
    void theSharedManifestWithEndpointsComesBack() {
        ImagingManifest m = Manifests.basic();
        assertEquals(stu3(m), stu3(throughR5(m)));
    }

    @Test
    void framesOfAPacsSideKosAreTheSubsetAndGoBackIntoTheKos() throws IOException {
        DataSet kos = Part10.read(Files.readAllBytes(FramesTest.kosWithFrames(dir))).dataSet();
        ImagingManifest m = new KosToManifest(ZoneId.of("UTC")).translate(kos);
        ImagingSelection s = ImagingSelections.toSelection(m);
        assertEquals(List.of("1", "3", "5"), s.getInstanceFirstRep().getSubset().stream().map(StringType::getValue)
                .toList());
        KosDocument back = new ManifestToKos(null).translate(throughR5(m), Map.of()).get(0);
        DataSet ref = back.dataSet().getSequence(Tag.ContentSequence).stream()
                .filter(item -> "IMAGE".equals(item.getString(Tag.ValueType)))
                .map(item -> item.getItem(Tag.ReferencedSOPSequence, 0))
                .filter(r -> r.getString(Tag.ReferencedFrameNumber) != null).findFirst().orElseThrow();
        assertEquals("1\\3\\5", ref.getString(Tag.ReferencedFrameNumber));
    }

    @Test
    void theOfflineConverterWritesAndReadsSelectionsWithTheirFrames() throws IOException {
        Path kos = FramesTest.kosWithFrames(dir);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        assertEquals(0, com.imagingmanifest.kos.tools.ToManifestCommand.run(new String[] {"--fhir", "5",
                kos.toString()}, new java.io.PrintStream(out, true), new java.io.PrintStream(err, true)), err.toString());
        String json = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        ImagingSelection s = R5.newJsonParser().parseResource(ImagingSelection.class, json);
        assertEquals(List.of("1", "3", "5"), s.getInstanceFirstRep().getSubset().stream().map(StringType::getValue)
                .toList());

        // a Bundle of two, back through to-kos: one KOS each, the frames as the PACS-side KOS had them
        org.hl7.fhir.r5.model.Bundle bundle = new org.hl7.fhir.r5.model.Bundle()
                .setType(org.hl7.fhir.r5.model.Bundle.BundleType.COLLECTION);
        bundle.addEntry().setResource(s);
        bundle.addEntry().setResource(ImagingSelections.toSelection(Manifests.of(1, 1, 1)));
        Path input = dir.resolve("selections.json");
        Files.writeString(input, R5.newJsonParser().encodeResourceToString(bundle));
        Path outDir = dir.resolve("kos-out");
        out.reset();
        assertEquals(0, com.imagingmanifest.kos.tools.ToKosCommand.run(new String[] {input.toString(),
                outDir.toString()}, new java.io.PrintStream(out, true), new java.io.PrintStream(err, true)), err.toString());
        List<String> written = out.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList();
        assertEquals(2, written.size());
        DataSet first = Part10.read(Files.readAllBytes(outDir.resolve(written.get(0) + ".dcm"))).dataSet();
        String frames = first.getSequence(Tag.ContentSequence).stream()
                .filter(item -> "IMAGE".equals(item.getString(Tag.ValueType)))
                .map(item -> item.getItem(Tag.ReferencedSOPSequence, 0).getString(Tag.ReferencedFrameNumber))
                .filter(java.util.Objects::nonNull).findFirst().orElseThrow();
        assertEquals("1\\3\\5", frames);

        // a bad subset is one line naming the element and exit code 1
        Path bad = dir.resolve("bad.json");
        s.getInstanceFirstRep().getSubset().get(0).setValue("0");
        Files.writeString(bad, R5.newJsonParser().encodeResourceToString(s));
        err.reset();
        assertEquals(1, com.imagingmanifest.kos.tools.ToKosCommand.run(new String[] {bad.toString(),
                outDir.toString()}, new java.io.PrintStream(out, true), new java.io.PrintStream(err, true)));
        assertTrue(err.toString().contains("ImagingSelection.instance[0].subset[0]"), err.toString());
    }

    @Test
    void segmentsOfASegmentationAreTheSubsetToo() {
        ImagingManifest m = Manifests.of(1, 1, 1);
        ImagingManifest.InstanceComponent seg = m.getStudyFirstRep().getSeriesFirstRep().getInstanceFirstRep()
                .setSopClass("urn:oid:" + FramesTest.SEG);
        seg.addExtension(InstanceSubset.SEGMENT_EXTENSION, new org.hl7.fhir.dstu3.model.PositiveIntType(2));
        ImagingSelection s = ImagingSelections.toSelection(m);
        assertEquals("2", s.getInstanceFirstRep().getSubset().get(0).getValue());
        ImagingManifest back = throughR5(m);
        assertEquals(List.of(2), InstanceSubset.of(back.getStudyFirstRep().getSeriesFirstRep().getInstanceFirstRep())
                .segments());
    }

    @Test
    void whatAKosCannotSayIsRefusedByElement() {
        ImagingSelection s = ImagingSelections.toSelection(Manifests.of(1, 1, 2));
        s.getInstanceFirstRep().addImageRegion2D().setRegionType(ImagingSelection.ImagingSelection2DGraphicType.POINT)
                .addCoordinate(java.math.BigDecimal.TEN).addCoordinate(java.math.BigDecimal.ONE);
        s.getInstance().get(1).addImageRegion3D().setRegionType(ImagingSelection.ImagingSelection3DGraphicType.POINT)
                .addCoordinate(java.math.BigDecimal.ONE).addCoordinate(java.math.BigDecimal.ONE).addCoordinate(java.math.BigDecimal.TEN);
        s.getBodySite().setConcept(new org.hl7.fhir.r5.model.CodeableConcept().setText("chest"));
        s.getInstanceFirstRep().addSubset("two");
        ManifestValidationException e = assertThrows(ManifestValidationException.class,
                () -> ImagingSelections.toManifest(s));
        List<String> locations = e.problems().stream().map(ManifestProblem::location).toList();
        assertTrue(locations.containsAll(List.of("ImagingSelection.bodySite", "ImagingSelection.instance[0].imageRegion2D",
                "ImagingSelection.instance[1].imageRegion3D", "ImagingSelection.instance[0].subset[0]")), locations.toString());

        ImagingSelection multi = ImagingSelections.toSelection(Manifests.of(1, 2, 1));
        multi.getFocus().get(1).setReference("ImagingSelection/elsewhere");
        ManifestValidationException f = assertThrows(ManifestValidationException.class,
                () -> ImagingSelections.toManifest(multi));
        assertTrue(f.getMessage().contains("ImagingSelection.focus[1]"), f.getMessage());
    }
}
