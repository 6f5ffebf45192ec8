package com.imagingmanifest.gateway.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The figures of one bench run: one row per scenario with its baseline from the same run, printed
 * as a plain table and written as Markdown.
 */
final class BenchReport {

    /**
     * One measured scenario. {@code baseline} may be null (nothing to compare with); {@code met} is
     * null when the scenario has no target.
     */
    record Row(String scenario, String storeSize, int clients, LoadRun.Result gateway, String baselineName,
            LoadRun.Result baseline, String target, Boolean met) {

        Double ratio() {
            return baseline == null || baseline.throughput() == 0 ? null : gateway.throughput() / baseline.throughput();
        }
    }

    /** A figure that is not a load run (start-up, memory) or a scenario that was not measured. */
    record Figure(String name, String value, String target, Boolean met) {
    }

    private final List<String> header = new ArrayList<>();
    private final List<Row> rows = new ArrayList<>();
    private final List<Figure> figures = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final List<String> appendix = new ArrayList<>();

    void header(String line) {
        header.add(line);
    }

    void add(Row row) {
        rows.add(row);
        for (LoadRun.Result r : new LoadRun.Result[] {row.gateway(), row.baseline()}) {
            if (r != null && r.failures() > 0) {
                note(row.scenario() + " " + row.storeSize() + " x" + row.clients() + ": " + r.failures()
                        + " failures, first: " + r.firstFailure());
            }
        }
    }

    void figure(Figure figure) {
        figures.add(figure);
    }

    void note(String note) {
        notes.add(note);
    }

    void appendix(String markdown) {
        appendix.add(markdown);
    }

    List<Row> rows() {
        return rows;
    }

    List<Figure> figures() {
        return figures;
    }

    /** The rows as an aligned plain-text table. */
    String table() {
        List<String[]> cells = new ArrayList<>();
        cells.add(columns());
        rows.forEach(r -> cells.add(cells(r)));
        int[] width = new int[cells.get(0).length];
        for (String[] line : cells) {
            for (int i = 0; i < line.length; i++) {
                width[i] = Math.max(width[i], line[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] line : cells) {
            for (int i = 0; i < line.length; i++) {
                out.append(i == 0 ? "" : "  ").append(pad(line[i], width[i], i > 2));
            }
            out.append('\n');
        }
        for (Figure f : figures) {
            out.append(f.name()).append(": ").append(f.value())
                    .append(f.target() == null ? "" : "  (target " + f.target() + ": " + verdict(f.met()) + ")")
                    .append('\n');
        }
        notes.forEach(n -> out.append("note: ").append(n).append('\n'));
        return out.toString();
    }

    String markdown() {
        StringBuilder out = new StringBuilder("# Gateway bench\n\n");
        header.forEach(h -> out.append("- ").append(h).append('\n'));
        out.append("\n## Scenarios\n\n");
        String[] columns = columns();
        out.append("| ").append(String.join(" | ", columns)).append(" |\n|");
        for (int i = 0; i < columns.length; i++) {
            out.append(i > 2 ? "---:|" : "---|");
        }
        out.append('\n');
        rows.forEach(r -> out.append("| ").append(String.join(" | ", cells(r))).append(" |\n"));
        out.append("\n## Start-up, memory, not measured\n\n| figure | value | target | met |\n|---|---|---|---|\n");
        for (Figure f : figures) {
            out.append("| ").append(f.name()).append(" | ").append(f.value()).append(" | ")
                    .append(f.target() == null ? "" : f.target()).append(" | ").append(verdict(f.met())).append(" |\n");
        }
        if (!notes.isEmpty()) {
            out.append("\n## Notes\n\n");
            notes.forEach(n -> out.append("- ").append(n).append('\n'));
        }
        appendix.forEach(a -> out.append('\n').append(a).append('\n'));
        return out.toString();
    }

    private static String[] columns() {
        return new String[] {"scenario", "store", "clients", "ops", "gateway /s", "p50 ms", "p99 ms", "baseline",
            "baseline /s", "base p50 ms", "base p99 ms", "ratio", "target", "met", "failures", "gw CPU ms/op",
            "PACS CPU ms/op gw / base"};
    }

    private static String[] cells(Row r) {
        LoadRun.Result g = r.gateway();
        LoadRun.Result b = r.baseline();
        Double ratio = r.ratio();
        return new String[] {r.scenario(), r.storeSize(), Integer.toString(r.clients()), Long.toString(g.operations()),
            num(g.throughput(), 1), ms(g.p50Millis()), ms(g.p99Millis()), r.baselineName() == null ? "" : r.baselineName(),
            b == null ? "" : num(b.throughput(), 1), b == null ? "" : ms(b.p50Millis()), b == null ? "" : ms(b.p99Millis()),
            ratio == null ? "" : num(ratio, 2) + "x", r.target() == null ? "" : r.target(), verdict(r.met()),
            Long.toString(g.failures() + (b == null ? 0 : b.failures())), ms(g.cpuMillisPerOperation()),
            pacsCpu(g, b)};
    }

    private static String pacsCpu(LoadRun.Result g, LoadRun.Result b) {
        double gateway = g.pacsCpuMillisPerOperation();
        double base = b == null ? Double.NaN : b.pacsCpuMillisPerOperation();
        if (Double.isNaN(gateway) && Double.isNaN(base)) {
            return "";
        }
        return ms(gateway) + " / " + ms(base);
    }

    static String verdict(Boolean met) {
        return met == null ? "" : met ? "yes" : "NO";
    }

    private static String ms(double millis) {
        return Double.isNaN(millis) ? "-" : num(millis, millis < 10 ? 2 : 1);
    }

    static String num(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private static String pad(String s, int width, boolean right) {
        String fill = " ".repeat(Math.max(0, width - s.length()));
        return right ? fill + s : s + fill;
    }
}
