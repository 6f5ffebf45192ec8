package com.imagingmanifest.kos;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Vr;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.dstu3.model.Extension;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.hl7.fhir.dstu3.model.PositiveIntType;

/**
 * The part of one selected instance a KOS selects: Referenced Frame Numbers (0008,1160) of a
 * multi-frame image, or Referenced Segment Numbers (0062,000B) of a segmentation (PS3.3 Table 10-3,
 * Image SOP Instance Reference Macro). Empty means the whole instance. STU3 has no element for
 * either, so each number is one extension on {@code ImagingManifest.study.series.instance}.
 */
public record InstanceSubset(List<Integer> frames, List<Integer> segments) {
    /** On ImagingManifest.study.series.instance: one Referenced Frame Number, valuePositiveInt; repeats. */
    public static final String FRAME_EXTENSION =
            "http://imagingmanifest.com/fhir/StructureDefinition/referenced-frame-number";
    /** On ImagingManifest.study.series.instance: one Referenced Segment Number, valuePositiveInt; repeats. */
    public static final String SEGMENT_EXTENSION =
            "http://imagingmanifest.com/fhir/StructureDefinition/referenced-segment-number";
    static final int ReferencedSegmentNumber = 0x0062000B;
    /** US holds at most 65535 (PS3.5 Table 6.2-1). */
    static final int MAX_SEGMENT = 0xFFFF;

    /** Segmentation SOP classes (PS3.4 B.5): their instance subset is segment numbers. */
    private static final Set<String> SEGMENTATION_CLASSES = Set.of(
            "1.2.840.10008.5.1.4.1.1.66.4", // Segmentation Storage
            "1.2.840.10008.5.1.4.1.1.66.5", // Surface Segmentation Storage
            "1.2.840.10008.5.1.4.1.1.66.7", // Label Map Segmentation Storage
            "1.2.840.10008.5.1.4.1.1.66.8"); // Height Map Segmentation Storage

    /**
     * Image SOP classes that are single-frame by definition (PS3.3 A.2, A.3, A.4, A.8, A.21, A.26,
     * A.27, A.28, A.59): dciodvfy, like PS3.3 Table 10-3, forbids frame numbers on their references.
     */
    private static final Set<String> SINGLE_FRAME_CLASSES = Set.of(
            "1.2.840.10008.5.1.4.1.1.1", // Computed Radiography
            "1.2.840.10008.5.1.4.1.1.1.1", "1.2.840.10008.5.1.4.1.1.1.1.1", // Digital X-Ray
            "1.2.840.10008.5.1.4.1.1.1.2", "1.2.840.10008.5.1.4.1.1.1.2.1", // Digital Mammography
            "1.2.840.10008.5.1.4.1.1.1.3", "1.2.840.10008.5.1.4.1.1.1.3.1", // Digital Intra-Oral X-Ray
            "1.2.840.10008.5.1.4.1.1.2", // CT Image
            "1.2.840.10008.5.1.4.1.1.4", // MR Image
            "1.2.840.10008.5.1.4.1.1.6.1", // Ultrasound Image
            "1.2.840.10008.5.1.4.1.1.7", // Secondary Capture Image
            "1.2.840.10008.5.1.4.1.1.128"); // Positron Emission Tomography Image

    public static final InstanceSubset WHOLE = new InstanceSubset(List.of(), List.of());

    public InstanceSubset {
        frames = List.copyOf(frames);
        segments = List.copyOf(segments);
    }

    public static boolean isSegmentation(String sopClassUid) {
        return SEGMENTATION_CLASSES.contains(sopClassUid);
    }

    /** True for a SOP class known to hold one frame, whose references cannot name frames. */
    public static boolean isSingleFrame(String sopClassUid) {
        return SINGLE_FRAME_CLASSES.contains(sopClassUid);
    }

    public boolean isWhole() {
        return frames.isEmpty() && segments.isEmpty();
    }

    /**
     * What one Referenced SOP Sequence item of a content item selects.
     *
     * @throws KosMappingException for a frame or segment number that is not a positive integer
     */
    static InstanceSubset fromReference(DataSet ref) {
        return new InstanceSubset(numbers(ref, Tag.ReferencedFrameNumber, "Referenced Frame Number"),
                numbers(ref, ReferencedSegmentNumber, "Referenced Segment Number"));
    }

    private static List<Integer> numbers(DataSet ref, int tag, String name) {
        int[] values;
        try {
            values = ref.getInts(tag);
        } catch (NumberFormatException e) {
            throw new KosMappingException(name + " " + Tag.toString(tag) + " is not a list of integers: "
                    + ref.getString(tag));
        }
        List<Integer> out = new ArrayList<>(values.length);
        for (int v : values) {
            if (v < 1) {
                throw new KosMappingException(name + " " + Tag.toString(tag) + " " + v + " is not positive");
            }
            out.add(v);
        }
        return out;
    }

    /**
     * Two content items selecting the same instance: the union of their parts, in first-seen order.
     * Either one selecting the whole instance selects it all.
     */
    InstanceSubset union(InstanceSubset other) {
        if (isWhole() || other.isWhole()) {
            return WHOLE;
        }
        return new InstanceSubset(union(frames, other.frames), union(segments, other.segments));
    }

    private static List<Integer> union(List<Integer> a, List<Integer> b) {
        Set<Integer> all = new LinkedHashSet<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }

    /** Writes the numbers into a Referenced SOP Sequence item (nothing for the whole instance). */
    void writeTo(DataSet ref) {
        if (!frames.isEmpty()) {
            ref.setInt(Tag.ReferencedFrameNumber, Vr.IS, frames.stream().mapToInt(Integer::intValue).toArray());
        }
        if (!segments.isEmpty()) {
            ref.setInt(ReferencedSegmentNumber, Vr.US, segments.stream().mapToInt(Integer::intValue).toArray());
        }
    }

    /** Adds the extensions of {@link #FRAME_EXTENSION} and {@link #SEGMENT_EXTENSION} to the instance. */
    void writeTo(ImagingManifest.InstanceComponent instance) {
        frames.forEach(f -> instance.addExtension(FRAME_EXTENSION, new PositiveIntType(f)));
        segments.forEach(s -> instance.addExtension(SEGMENT_EXTENSION, new PositiveIntType(s)));
    }

    /** The numbers of a valid instance (see {@link ManifestValidator}); values that are not are skipped. */
    public static InstanceSubset of(ImagingManifest.InstanceComponent instance) {
        return new InstanceSubset(values(instance, FRAME_EXTENSION), values(instance, SEGMENT_EXTENSION));
    }

    private static List<Integer> values(ImagingManifest.InstanceComponent instance, String url) {
        List<Integer> out = new ArrayList<>();
        for (Extension x : instance.getExtensionsByUrl(url)) {
            if (x.getValue() instanceof PositiveIntType p && p.getValue() != null) {
                out.add(p.getValue());
            }
        }
        return out;
    }
}
