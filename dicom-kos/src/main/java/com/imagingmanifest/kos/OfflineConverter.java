package com.imagingmanifest.kos;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.io.DicomParseException;
import com.imagingmanifest.dicom.io.Part10;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.dstu3.model.ImagingManifest;

/**
 * The offline converter behind {@code ./gateway to-kos} and {@code ./gateway to-manifest}: files in,
 * files or FHIR JSON/XML out, one line per problem and a non-zero exit code on bad input.
 */
public final class OfflineConverter {
    public static final int OK = 0;
    public static final int INVALID_INPUT = 1;

    /** Largest file either direction reads; a manifest or KOS is far smaller. */
    static final long MAX_INPUT_BYTES = 64L * 1024 * 1024;

    private OfflineConverter() {
    }

    /**
     * Writes one {@code <SOP Instance UID>.dcm} per study into {@code outDir}; prints their UIDs. The
     * input is an STU3 ImagingManifest, an R5 ImagingSelection, or an R5 Bundle of ImagingSelections
     * (each its own KOS set), FHIR JSON or XML.
     */
    public static int toKos(Path manifestJson, Path outDir, PrintStream out, PrintStream err) {
        List<ImagingManifest> manifests = new ArrayList<>();
        try {
            String text = readText(manifestJson);
            if (SelectionJson.isR5(text)) {
                for (org.hl7.fhir.r5.model.ImagingSelection s : SelectionJson.parseJsonOrXml(text)) {
                    manifests.add(ImagingSelections.toManifest(s));
                }
            } else {
                manifests.add(ManifestJson.parseJsonOrXml(text));
            }
        } catch (IOException | IllegalArgumentException e) {
            err.println(manifestJson + ": " + e.getMessage());
            return INVALID_INPUT;
        } catch (ManifestValidationException e) {
            e.problems().forEach(p -> err.println(manifestJson + ": " + p.location() + ": " + p.message()));
            return INVALID_INPUT;
        }
        List<KosDocument> documents = new ArrayList<>();
        try {
            for (ImagingManifest manifest : manifests) {
                documents.addAll(new ManifestToKos(null).translate(manifest, Map.of()));
            }
        } catch (ManifestValidationException e) {
            e.problems().forEach(p -> err.println(manifestJson + ": " + p.location() + ": " + p.message()));
            return INVALID_INPUT;
        }
        try {
            Files.createDirectories(outDir);
            for (KosDocument kos : documents) {
                Files.write(outDir.resolve(kos.sopInstanceUid() + ".dcm"), kos.toPart10());
            }
        } catch (IOException e) {
            err.println(outDir + ": cannot write: " + e.getMessage());
            return INVALID_INPUT;
        }
        documents.forEach(kos -> out.println(kos.sopInstanceUid()));
        return OK;
    }

    /** Prints the ImagingManifest of one KOS file, or a collection Bundle for several, as FHIR JSON. */
    public static int toManifest(List<Path> kosFiles, PrintStream out, PrintStream err) {
        return toManifest(kosFiles, false, out, err);
    }

    /** Prints the ImagingManifest of one KOS file, or a collection Bundle for several, as FHIR XML or JSON. */
    public static int toManifest(List<Path> kosFiles, boolean xml, PrintStream out, PrintStream err) {
        return toManifest(kosFiles, xml, false, out, err);
    }

    /**
     * As {@link #toManifest(List, boolean, PrintStream, PrintStream)}; with {@code r5}, ImagingSelection
     * resources (docs/mapping.md, "R5 ImagingSelection") instead of STU3 ImagingManifest.
     */
    public static int toManifest(List<Path> kosFiles, boolean xml, boolean r5, PrintStream out, PrintStream err) {
        KosToManifest reader = new KosToManifest();
        List<ImagingManifest> manifests = new ArrayList<>();
        boolean failed = false;
        for (Path file : kosFiles) {
            try {
                DataSet ds = Part10.read(readBytes(file)).dataSet();
                manifests.add(reader.translate(ds));
            } catch (IOException e) {
                err.println(file + ": cannot read: " + e.getMessage());
                failed = true;
            } catch (DicomParseException | KosMappingException | IllegalArgumentException e) {
                err.println(file + ": " + e.getMessage());
                failed = true;
            }
        }
        if (failed) {
            return INVALID_INPUT;
        }
        out.println(r5 ? SelectionJson.encodeAll(manifests.stream().map(ImagingSelections::toSelection).toList(), xml)
                : ManifestJson.encodeAll(manifests, xml));
        return OK;
    }

    private static byte[] readBytes(Path file) throws IOException {
        if (Files.size(file) > MAX_INPUT_BYTES) {
            throw new IOException("larger than " + MAX_INPUT_BYTES + " bytes");
        }
        return Files.readAllBytes(file);
    }

    private static String readText(Path file) throws IOException {
        return new String(readBytes(file), StandardCharsets.UTF_8);
    }
}
