package com.imagingmanifest.kos.tools;

import com.imagingmanifest.dicom.tools.Tool;
import com.imagingmanifest.kos.OfflineConverter;
import java.io.PrintStream;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code ./gateway to-kos MANIFEST OUT_DIR}: one KOS file per selected study. */
@Command(name = "gateway to-kos", mixinStandardHelpOptions = true,
        description = {"Translates an ImagingManifest (FHIR STU3) or an ImagingSelection or Bundle of them (R5),",
            "JSON or XML, into KOS files, one per study,",
            "named <SOP Instance UID>.dcm; prints each SOP Instance UID on its own line."})
public final class ToKosCommand extends Tool.Body {
    @Parameters(index = "0", paramLabel = "MANIFEST", description = "the ImagingManifest or ImagingSelection (or R5 Bundle), FHIR JSON or XML")
    Path manifest;

    @Parameters(index = "1", paramLabel = "OUT_DIR", description = "where the KOS files go (created when missing)")
    Path outDir;

    public static void main(String[] args) {
        Tool.main(new ToKosCommand(), args);
    }

    /** The command without {@code System.exit}, for tests: returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return Tool.run(new ToKosCommand(), args, out, err);
    }

    @Override
    public Integer call() {
        return OfflineConverter.toKos(manifest, outDir, out, err);
    }
}
