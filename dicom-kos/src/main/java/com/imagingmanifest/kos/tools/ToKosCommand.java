package com.imagingmanifest.kos.tools;

import com.imagingmanifest.kos.OfflineConverter;
import java.io.PrintStream;
import java.nio.file.Path;

/** {@code ./gateway to-kos MANIFEST.json OUT_DIR}: one KOS file per selected study. */
public final class ToKosCommand {
    static final int USAGE = 2;

    private ToKosCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** The command without {@code System.exit}, for tests: returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length != 2) {
            err.println("usage: gateway to-kos MANIFEST.json OUT_DIR");
            return USAGE;
        }
        return OfflineConverter.toKos(Path.of(args[0]), Path.of(args[1]), out, err);
    }
}
