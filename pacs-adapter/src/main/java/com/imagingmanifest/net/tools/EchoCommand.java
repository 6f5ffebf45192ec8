package com.imagingmanifest.net.tools;

import com.imagingmanifest.net.dimse.DimseClient;
import java.util.List;

/** {@code gateway echo AE@HOST:PORT [--aet CALLING] [--connect-timeout S] [--timeout S]}: C-ECHO. */
public final class EchoCommand {
    static final String USAGE = "gateway echo AE@HOST:PORT [--aet CALLING] [--connect-timeout SECONDS] [--timeout SECONDS]";

    private EchoCommand() {
    }

    public static void main(String[] args) {
        CommandLine.run("echo", USAGE, args, a -> {
            CommandLine cl = new CommandLine(a, List.of());
            if (cl.positional.size() != 1) {
                throw new CommandLine.UsageException("expected exactly one AE@HOST:PORT");
            }
            long start = System.nanoTime();
            try (DimseClient client = cl.client()) {
                client.echo();
            }
            System.out.printf("%s: C-ECHO success (%.1f ms)%n", cl.positional.get(0), (System.nanoTime() - start) / 1e6);
        });
    }
}
