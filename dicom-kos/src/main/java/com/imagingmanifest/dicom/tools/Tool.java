package com.imagingmanifest.dicom.tools;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * How every {@code ./gateway} tool runs: picocli parses the arguments (so each tool answers
 * {@code --help}); a bad argument is one line on standard error and exit status 2, a failure one
 * line and status 1; results alone go to standard output and log lines to standard error.
 */
public final class Tool {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    /** Logback reads this (a classpath resource) when no other configuration is named. */
    static final String LOGGING_CONFIGURATION = "gateway-tools-logback.xml";

    private Tool() {
    }

    /** A tool's body: picocli fills the subclass's fields, then {@link #call} writes to {@link #out} and {@link #err}. */
    public abstract static class Body implements Callable<Integer> {
        /** Results only: what a pipe reads. */
        protected PrintStream out = System.out;
        /** Problems and progress, one line each. */
        protected PrintStream err = System.err;
    }

    /** A bad argument found after parsing (a malformed address, an unknown keyword): exit status 2. */
    public static final class BadArgument extends RuntimeException {
        public BadArgument(String message) {
            super(message);
        }
    }

    /** Runs {@code command} as a process's main: logging to stderr, then {@link System#exit} with its status. */
    public static void main(Body command, String[] args) {
        logToStandardError();
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
        int status = run(command, args, out, System.err);
        out.flush();
        System.exit(status);
    }

    /** Sends log lines (HAPI's, ours) to standard error; call before anything logs. */
    public static void logToStandardError() {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", LOGGING_CONFIGURATION);
        }
    }

    /** Parses {@code args} into {@code command} (a picocli {@code @Command}) and runs it; returns the exit status. */
    public static int run(Body command, String[] args, PrintStream out, PrintStream err) {
        command.out = out;
        command.err = err;
        CommandLine line = new CommandLine(command);
        String name = shortName(line.getCommandName());
        line.setOut(new PrintWriter(out, true));
        line.setErr(new PrintWriter(err, true));
        line.setParameterExceptionHandler((e, ignored) -> badArgument(err, name, e.getMessage()));
        line.setExecutionExceptionHandler((e, ignored, parsed) -> {
            if (e instanceof BadArgument) {
                return badArgument(err, name, e.getMessage());
            }
            err.println(name + ": " + describe(e));
            return FAILED;
        });
        int status = line.execute(args);
        out.flush();
        return status;
    }

    private static int badArgument(PrintStream err, String name, String message) {
        err.println(name + ": " + oneLine(message) + " (see ./gateway " + name + " --help)");
        return USAGE;
    }

    /** An exception as one line: its message, or its type when it has none. */
    public static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : oneLine(message);
    }

    static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    }

    private static String shortName(String commandName) {
        return commandName.startsWith("gateway ") ? commandName.substring("gateway ".length()) : commandName;
    }
}
