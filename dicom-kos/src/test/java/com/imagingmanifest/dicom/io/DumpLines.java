package com.imagingmanifest.dicom.io;

import com.imagingmanifest.dicom.tools.DumpCommand;
import com.imagingmanifest.testing.Dcmtk;
import com.imagingmanifest.testing.ToolResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The element lines of a dcmdump-style listing, for comparing our dump with DCMTK's. */
public record DumpLines(List<Line> lines) {
    /** One element: nesting depth, tag, VR and the printed value (sequences as "#=items"). */
    public record Line(int depth, String tag, String vr, String value) {
        @Override
        public String toString() {
            return "  ".repeat(depth) + tag + " " + vr + " " + value;
        }
    }

    private static final Pattern LINE = Pattern.compile(
            "^( *)\\(([0-9a-f]{4},[0-9a-f]{4})\\) (\\S\\S) (.*?) +# +(u/l|\\d+), \\d+ .*$");
    private static final Pattern ITEMS = Pattern.compile("#=(\\d+)\\)$");

    public static DumpLines parse(String dump) {
        List<Line> out = new ArrayList<>();
        for (String raw : dump.split("\n")) {
            Matcher m = LINE.matcher(raw);
            // (0008,0005) is left out: dcmdump +U8 shows ISO_IR 192 after converting the text
            if (!m.matches() || m.group(2).startsWith("fffe") || m.group(2).equals("0008,0005")) {
                continue;
            }
            String value = m.group(4);
            if (m.group(3).equals("SQ")) {
                Matcher items = ITEMS.matcher(value);
                value = items.find() ? "#=" + items.group(1) : value;
            }
            // implicit VR: dcmdump names an unknown VR "??" and US-or-SS "xs"; our reader takes UN and US
            String vr = switch (m.group(3)) {
                case "??" -> "UN";
                case "xs" -> "US";
                default -> m.group(3);
            };
            out.add(new Line(m.group(1).length() / 2, m.group(2), vr, value));
        }
        return new DumpLines(out);
    }

    /** dcmdump's listing (UIDs as numbers, long values in full, text as UTF-8); fails on warnings. */
    public static DumpLines dcmdump(Path file) {
        ToolResult r = Dcmtk.run(Dcmtk.DEFAULT_TIMEOUT, "dcmdump", "-Un", "+L", "+U8", file.toString());
        if (r.exitCode() != 0 || !r.stderr().isBlank()) {
            throw new AssertionError("dcmdump " + file + " exit " + r.exitCode() + ": " + r.stderr());
        }
        return parse(r.stdout());
    }

    /** dcmdump's listing with text values as raw bytes (no conversion); fails on warnings. */
    public static DumpLines dcmdumpRaw(Path file) {
        ToolResult r = Dcmtk.run(Dcmtk.DEFAULT_TIMEOUT, "dcmdump", "-Un", "+L", file.toString());
        if (r.exitCode() != 0 || !r.stderr().isBlank()) {
            throw new AssertionError("dcmdump " + file + " exit " + r.exitCode() + ": " + r.stderr());
        }
        return parse(r.stdout());
    }

    /** Our {@code gateway dump +L}. */
    public static DumpLines ours(Path file) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = DumpCommand.run(new String[] {"+L", file.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        if (status != 0) {
            throw new AssertionError("dump " + file + " exit " + status + ": " + err.toString(StandardCharsets.UTF_8));
        }
        return parse(out.toString(StandardCharsets.UTF_8));
    }

    /** The data set's lines: the meta differs between writers (implementation UID and name). */
    public DumpLines withoutMeta() {
        return new DumpLines(lines.stream().filter(l -> !l.tag().startsWith("0002")).toList());
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        lines.forEach(l -> sb.append(l).append('\n'));
        return sb.toString();
    }
}
