package com.imagingmanifest.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Test data shipped in this module under {@code testdata/} (see its README.md). */
public final class TestData {

    /** The placeholders of {@code kos-template.dump}, without their surrounding {@code @}. */
    public static final List<String> KOS_TEMPLATE_PLACEHOLDERS = List.of(
            "SOP_UID", "STUDY_UID", "KOS_SERIES_UID", "IMG_SERIES_UID", "IMG1_UID", "IMG2_UID");

    private static final Pattern PLACEHOLDER = Pattern.compile("@([A-Z0-9_]+)@");

    private TestData() {
    }

    /** A classpath resource as bytes, e.g. {@code bytes("testdata/kos-basic.dump")}. */
    public static byte[] bytes(String resource) {
        try (InputStream in = TestData.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no classpath resource " + resource);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    /** A classpath resource as UTF-8 text. */
    public static String text(String resource) {
        return new String(bytes(resource), StandardCharsets.UTF_8);
    }

    /** DCMTK dump of a KOS (TID 2010, "Of Interest") selecting two CT instances of one series. */
    public static String kosBasicDump() {
        return text("testdata/kos-basic.dump");
    }

    /** The same ImagingManifest as {@link #kosBasicDump()}, as FHIR STU3 JSON. */
    public static String manifestBasicJson() {
        return text("testdata/manifest-basic.json");
    }

    /**
     * {@code kos-template.dump} with every placeholder replaced; keys are the names of
     * {@link #KOS_TEMPLATE_PLACEHOLDERS} with or without {@code @}. Fails if one is left unfilled.
     */
    public static String kosTemplate(Map<String, String> placeholders) {
        Map<String, String> values = new LinkedHashMap<>();
        placeholders.forEach((key, value) -> values.put(key.replace("@", ""), value));
        Matcher matcher = PLACEHOLDER.matcher(text("testdata/kos-template.dump"));
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String value = values.get(matcher.group(1));
            if (value == null) {
                throw new IllegalArgumentException("no value for placeholder @" + matcher.group(1) + "@");
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    /** Fresh UIDs for every placeholder of the KOS template, so each test stores a KOS of its own. */
    public static Map<String, String> freshKosUids() {
        Map<String, String> uids = new LinkedHashMap<>();
        KOS_TEMPLATE_PLACEHOLDERS.forEach(name -> uids.put(name, newUid()));
        return uids;
    }

    /** A new UID of the form 2.25.&lt;UUID as decimal&gt; (PS3.5 B.2). */
    public static String newUid() {
        UUID uuid = UUID.randomUUID();
        BigInteger value = new BigInteger(1, toBytes(uuid));
        return "2.25." + value;
    }

    private static byte[] toBytes(UUID uuid) {
        byte[] bytes = new byte[16];
        long high = uuid.getMostSignificantBits();
        long low = uuid.getLeastSignificantBits();
        for (int i = 0; i < 8; i++) {
            bytes[i] = (byte) (high >>> (56 - 8 * i));
            bytes[8 + i] = (byte) (low >>> (56 - 8 * i));
        }
        return bytes;
    }

    /** Writes {@code dump} to {@code dir} and turns it into a DICOM Part 10 file with DCMTK dump2dcm. */
    public static Path dicomFromDump(String dump, Path dir, String fileName) {
        try {
            Files.createDirectories(dir);
            Path dumpFile = dir.resolve(fileName + ".dump");
            Files.writeString(dumpFile, dump, StandardCharsets.UTF_8);
            return Dcmtk.dump2dcm(dumpFile, dir.resolve(fileName));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + fileName, e);
        }
    }

    /** kos-basic as a DICOM file in {@code dir}. */
    public static Path kosBasicFile(Path dir) {
        return dicomFromDump(kosBasicDump(), dir, "kos-basic.dcm");
    }
}
