package com.imagingmanifest.gateway.store;

import com.imagingmanifest.pacs.InstanceRef;
import java.util.ArrayList;
import java.util.List;

/** The KOS of a write intent as stored in its {@code kos} column: one "study series sop class" line each. */
final class KosLines {
    private KosLines() {
    }

    static String format(List<InstanceRef> kos) {
        StringBuilder lines = new StringBuilder();
        for (InstanceRef ref : kos) {
            lines.append(ref.studyInstanceUid()).append(' ').append(ref.seriesInstanceUid()).append(' ')
                    .append(ref.sopInstanceUid()).append(' ').append(ref.sopClassUid()).append('\n');
        }
        return lines.toString();
    }

    static List<InstanceRef> parse(String lines) {
        List<InstanceRef> refs = new ArrayList<>();
        for (String line : lines.split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length == 4) {
                refs.add(new InstanceRef(f[0], f[1], f[2], f[3]));
            }
        }
        return refs;
    }
}
