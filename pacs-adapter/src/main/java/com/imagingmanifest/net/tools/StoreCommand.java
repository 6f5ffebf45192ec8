package com.imagingmanifest.net.tools;

import com.imagingmanifest.dicom.io.Part10Object;
import com.imagingmanifest.dicom.tools.Tool;
import com.imagingmanifest.net.dimse.DimseClient;
import com.imagingmanifest.net.dimse.DimseException;
import com.imagingmanifest.net.dimse.DimseStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gateway store AE@HOST:PORT FILE|DIR...}: C-STORE of each DICOM file over one association, as
 * DCMTK's storescu; one line per file with its status on standard output. Exits 1 when any file failed.
 */
@Command(name = "gateway store", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Sends DICOM files to a peer with C-STORE over one association; one line per file.",
            "Exit status 1 when any file was not stored."})
public final class StoreCommand extends Tool.Body {
    @Parameters(index = "0", paramLabel = "AE@HOST:PORT", description = "the peer: its AE title, host and port")
    String peer;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "FILE", description = "DICOM files, or directories with -r")
    List<Path> files;

    @Option(names = {"-r", "--recurse"}, description = "store every file under each directory given (as storescu +sd +r)")
    boolean recurse;

    @Mixin
    PeerOptions options;

    public static void main(String[] args) {
        Tool.main(new StoreCommand(), args);
    }

    @Override
    public Integer call() {
        List<Path> all = expand();
        int failed = 0;
        try (DimseClient client = options.client(peer)) {
            for (Path file : all) {
                if (!storeOne(client, file)) {
                    failed++;
                }
            }
        }
        if (failed > 0) {
            err.println("store: " + failed + " of " + all.size() + " files not stored");
            return Tool.FAILED;
        }
        return Tool.OK;
    }

    /** The files given, each directory replaced by the regular files under it, in name order. */
    private List<Path> expand() {
        List<Path> all = new ArrayList<>();
        for (Path p : files) {
            if (!Files.isDirectory(p)) {
                all.add(p);
            } else if (!recurse) {
                throw new Tool.BadArgument(p + " is a directory (-r stores the files under it)");
            } else {
                try (Stream<Path> walk = Files.walk(p)) {
                    walk.filter(Files::isRegularFile).sorted().forEach(all::add);
                } catch (IOException | UncheckedIOException e) {
                    throw new IllegalStateException(p + ": cannot list: " + e.getMessage(), e);
                }
            }
        }
        return all;
    }

    private boolean storeOne(DimseClient client, Path file) {
        Part10Object o;
        try {
            o = Part10Object.parse(Files.readAllBytes(file));
        } catch (IOException | IllegalArgumentException e) {
            out.println(file + ": not stored: " + e.getMessage());
            return false;
        }
        try {
            DimseStatus status = client.store(o.sopClassUid(), o.sopInstanceUid(), o.dataSet(), o.transferSyntaxUid());
            out.println(file + ": " + status + " " + o.sopInstanceUid());
            return true;
        } catch (DimseException e) {
            if (e.kind() == DimseException.Kind.FAILURE_STATUS
                    || e.kind() == DimseException.Kind.NO_PRESENTATION_CONTEXT) {
                out.println(file + ": " + (e.status() != null ? e.status() : e.getMessage()));
                return false;
            }
            throw e; // the peer is gone: the remaining files cannot be stored either
        }
    }
}
