package com.imagingmanifest.kos.tools;

import com.imagingmanifest.kos.OfflineConverter;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;

/** {@code ./gateway to-manifest KOS.dcm...}: the ImagingManifest JSON (a Bundle for several files). */
public final class ToManifestCommand {
    static final int USAGE = 2;

    private ToManifestCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** The command without {@code System.exit}, for tests: returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.println("usage: gateway to-manifest KOS.dcm...");
            return USAGE;
        }
        return OfflineConverter.toManifest(Arrays.stream(args).map(Path::of).toList(), out, err);
    }
}
