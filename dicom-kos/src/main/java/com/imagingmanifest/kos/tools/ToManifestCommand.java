package com.imagingmanifest.kos.tools;

import com.imagingmanifest.dicom.tools.Tool;
import com.imagingmanifest.kos.OfflineConverter;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./gateway to-manifest KOS.dcm...}: the ImagingManifest (a Bundle for several files) on standard output. */
@Command(name = "gateway to-manifest", mixinStandardHelpOptions = true,
        description = {"Translates KOS files into an ImagingManifest (FHIR STU3) or, with --fhir 5, an R5",
            "ImagingSelection; a collection Bundle of",
            "them for several files, printed on standard output alone (pipe it, e.g. into jq)."})
public final class ToManifestCommand extends Tool.Body {
    /** The FHIR formats the command writes. */
    enum Format { json, xml }

    @Option(names = {"-f", "--format"}, paramLabel = "json|xml", defaultValue = "json",
            description = "FHIR JSON (default) or FHIR XML")
    Format format;

    @Option(names = "--fhir", paramLabel = "3|5", defaultValue = "3",
            description = "FHIR version: 3 (STU3 ImagingManifest, default) or 5 (R5 ImagingSelection)")
    int fhirVersion;

    @Parameters(paramLabel = "KOS", arity = "1..*", description = "KOS files (DICOM Part 10)")
    List<Path> files;

    public static void main(String[] args) {
        Tool.main(new ToManifestCommand(), args);
    }

    /** The command without {@code System.exit}, for tests: returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return Tool.run(new ToManifestCommand(), args, out, err);
    }

    @Override
    public Integer call() {
        if (fhirVersion != 3 && fhirVersion != 5) {
            err.println("--fhir must be 3 or 5, not " + fhirVersion);
            return OfflineConverter.INVALID_INPUT;
        }
        return OfflineConverter.toManifest(files, format == Format.xml, fhirVersion == 5, out, err);
    }
}
