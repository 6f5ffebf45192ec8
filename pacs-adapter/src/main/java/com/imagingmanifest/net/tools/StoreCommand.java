package com.imagingmanifest.net.tools;

import com.imagingmanifest.net.dimse.DimseClient;
import com.imagingmanifest.net.dimse.DimseException;
import com.imagingmanifest.net.dimse.DimseStatus;
import com.imagingmanifest.net.dimse.Part10Object;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code gateway store AE@HOST:PORT FILE... [--aet CALLING] [--connect-timeout S] [--timeout S]}:
 * C-STORE of each DICOM file over one association, one line per file with its status. Exits 1 when
 * any file failed.
 */
public final class StoreCommand {
    static final String USAGE = "gateway store AE@HOST:PORT FILE... [--aet CALLING] [--connect-timeout SECONDS]"
            + " [--timeout SECONDS]";

    private StoreCommand() {
    }

    public static void main(String[] args) {
        CommandLine.run("store", USAGE, args, a -> {
            CommandLine cl = new CommandLine(a, List.of());
            if (cl.positional.size() < 2) {
                throw new CommandLine.UsageException("expected AE@HOST:PORT and at least one file");
            }
            int failed = 0;
            try (DimseClient client = cl.client()) {
                for (String name : cl.positional.subList(1, cl.positional.size())) {
                    if (!storeOne(client, Path.of(name))) {
                        failed++;
                    }
                }
            }
            if (failed > 0) {
                throw new IllegalStateException(failed + " of " + (cl.positional.size() - 1) + " files not stored");
            }
        });
    }

    private static boolean storeOne(DimseClient client, Path file) {
        Part10Object o;
        try {
            o = Part10Object.parse(Files.readAllBytes(file));
        } catch (IOException | IllegalArgumentException e) {
            System.out.println(file + ": not stored: " + e.getMessage());
            return false;
        }
        try {
            DimseStatus status = client.store(o.sopClassUid(), o.sopInstanceUid(), o.dataSet(), o.transferSyntaxUid());
            System.out.println(file + ": " + status + " " + o.sopInstanceUid());
            return true;
        } catch (DimseException e) {
            if (e.kind() == DimseException.Kind.FAILURE_STATUS
                    || e.kind() == DimseException.Kind.NO_PRESENTATION_CONTEXT) {
                System.out.println(file + ": " + (e.status() != null ? e.status() : e.getMessage()));
                return false;
            }
            throw e; // the peer is gone: the remaining files cannot be stored either
        }
    }
}
