package com.imagingmanifest.testing;

/** What an external program did: its exit code and everything it printed. */
public record ToolResult(int exitCode, String stdout, String stderr) {

    /** stdout followed by stderr, for tools (dciodvfy) that report on either. */
    public String output() {
        return stdout + stderr;
    }

    public boolean succeeded() {
        return exitCode == 0;
    }
}
