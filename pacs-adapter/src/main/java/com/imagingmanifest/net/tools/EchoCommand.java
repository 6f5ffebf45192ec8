package com.imagingmanifest.net.tools;

import com.imagingmanifest.dicom.tools.Tool;
import com.imagingmanifest.net.dimse.DimseClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code gateway echo AE@HOST:PORT}: C-ECHO, as DCMTK's echoscu. */
@Command(name = "gateway echo", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Verifies a DICOM peer with C-ECHO; prints one line with the round trip.")
public final class EchoCommand extends Tool.Body {
    @Parameters(index = "0", paramLabel = "AE@HOST:PORT", description = "the peer: its AE title, host and port")
    String peer;

    @Mixin
    PeerOptions options;

    public static void main(String[] args) {
        Tool.main(new EchoCommand(), args);
    }

    @Override
    public Integer call() {
        long start = System.nanoTime();
        try (DimseClient client = options.client(peer)) {
            client.echo();
        }
        out.printf("%s: C-ECHO success (%.1f ms)%n", peer, (System.nanoTime() - start) / 1e6);
        return Tool.OK;
    }
}
