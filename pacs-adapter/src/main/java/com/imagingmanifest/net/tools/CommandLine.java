package com.imagingmanifest.net.tools;

import com.imagingmanifest.net.dimse.DimseClient;
import com.imagingmanifest.net.dimse.DimseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Shared parsing of the network commands' arguments: {@code AE@HOST:PORT}, --aet, --connect-timeout, --timeout. */
final class CommandLine {
    /** Bad input: printed as one line, exit status 2. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }

    final List<String> positional = new ArrayList<>();
    final List<String[]> options = new ArrayList<>();
    private String callingAe = "IMGW";
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration timeout = Duration.ofSeconds(30);

    /** Parses {@code args}; {@code extra} names the command's own options that take a value. */
    CommandLine(String[] args, List<String> extra) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.startsWith("-") && a.length() > 1) {
                if (i + 1 >= args.length) {
                    throw new UsageException("option " + a + " needs a value");
                }
                String v = args[++i];
                switch (a) {
                    case "--aet" -> callingAe = v;
                    case "--connect-timeout" -> connectTimeout = seconds(a, v);
                    case "--timeout" -> timeout = seconds(a, v);
                    default -> {
                        if (!extra.contains(a)) {
                            throw new UsageException("unknown option " + a);
                        }
                        options.add(new String[] {a, v});
                    }
                }
            } else {
                positional.add(a);
            }
        }
        if (callingAe.isEmpty() || callingAe.length() > 16) {
            throw new UsageException("--aet must be 1 to 16 characters");
        }
    }

    private static Duration seconds(String option, String value) {
        try {
            double s = Double.parseDouble(value);
            if (s <= 0 || s > 86400) {
                throw new NumberFormatException();
            }
            return Duration.ofMillis((long) (s * 1000));
        } catch (NumberFormatException e) {
            throw new UsageException(option + " takes a number of seconds, got " + value);
        }
    }

    /** A client for the first positional argument {@code AE@HOST:PORT}, with one pooled association. */
    DimseClient client() {
        if (positional.isEmpty()) {
            throw new UsageException("missing AE@HOST:PORT");
        }
        try {
            return DimseClient.Config.parse(positional.get(0)).callingAeTitle(callingAe).connectTimeout(connectTimeout)
                    .associationTimeout(timeout).dimseTimeout(timeout).poolSize(1).build();
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** Runs a command body: usage errors exit 2, DIMSE and other errors exit 1, each as one line. */
    static void run(String name, String usage, String[] args, Consumer<String[]> body) {
        int status;
        try {
            body.accept(args);
            status = 0;
        } catch (UsageException e) {
            System.err.println(name + ": " + e.getMessage() + "\nusage: " + usage);
            status = 2;
        } catch (DimseException e) {
            System.err.println(name + ": " + e.getMessage());
            status = 1;
        } catch (RuntimeException e) {
            System.err.println(name + ": " + e);
            status = 1;
        }
        System.out.flush();
        if (status != 0) {
            System.exit(status);
        }
    }
}
