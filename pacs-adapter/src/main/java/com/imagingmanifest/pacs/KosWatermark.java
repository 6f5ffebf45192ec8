package com.imagingmanifest.pacs;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Uid;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The KOS cursor of PACS that offer no change feed (DICOMweb, DIMSE): a watermark on the pair
 * (Content Date and Time, SOP Instance UID). Each poll lists every KOS the PACS holds and returns
 * those after the watermark in that order, so paging is exact and nothing is reported twice.
 *
 * <p>A KOS that arrives with a Content Date/Time behind the watermark (made late for an old study,
 * or by a device whose clock is behind) is not after it: with a {@link KosLedger}, every listed KOS
 * behind the watermark that the ledger does not know is reported first, without moving the
 * watermark, so nothing is missed whatever its dates. Each poll costs one listing of all KOS on the
 * PACS and one ledger look-up of those behind the watermark.
 *
 * <p>Cursor text: {@code w1:<yyyyMMddHHmmss>:<UID>[,<UID>...]}, the watermark second and the SOP
 * Instance UIDs already reported at that second; null is the beginning.
 */
final class KosWatermark {
    private static final String PREFIX = "w1:";
    private static final String EPOCH = "00000000000000";

    private record Entry(String key, InstanceRef ref) {
    }

    private KosWatermark() {
    }

    /** {@link #select(List, String, int, KosLedger)} without a ledger: only KOS after the watermark. */
    static KosChanges select(List<DataSet> candidates, String cursor, int limit) {
        return select(candidates, cursor, limit, KosLedger.WATERMARK_ONLY);
    }

    /**
     * The KOS of {@code candidates} (instance-level matches that carry study, series and SOP UIDs,
     * and ideally Content Date/Time) that {@code ledger} does not know behind {@code cursor}, then
     * those after it; at most {@code limit} in all.
     */
    static KosChanges select(List<DataSet> candidates, String cursor, int limit, KosLedger ledger) {
        requirePositive(limit);
        Watermark after = parse(cursor);
        List<Entry> entries = new ArrayList<>();
        List<Entry> behind = new ArrayList<>();
        for (DataSet d : candidates) {
            String sopClass = d.getString(Tag.SOPClassUID);
            if (sopClass != null && !Uid.KeyObjectSelectionDocumentStorage.equals(sopClass)) {
                continue;
            }
            String sop = d.getString(Tag.SOPInstanceUID);
            if (sop == null) {
                continue;
            }
            Entry e = new Entry(key(d), new InstanceRef(d.getString(Tag.StudyInstanceUID),
                    d.getString(Tag.SeriesInstanceUID), sop, Uid.KeyObjectSelectionDocumentStorage));
            if (after == null || after.precedes(e.key, sop)) {
                entries.add(e);
            } else {
                behind.add(e);
            }
        }
        Comparator<Entry> order = Comparator.comparing(Entry::key).thenComparing(e -> e.ref.sopInstanceUid());
        List<Entry> late = new ArrayList<>();
        if (!behind.isEmpty()) {
            Set<String> known = ledger.known(behind.stream().map(e -> e.ref.sopInstanceUid()).toList());
            for (Entry e : behind) {
                if (!known.contains(e.ref.sopInstanceUid())) {
                    late.add(e);
                }
            }
            late.sort(order);
        }
        entries.sort(order);
        List<InstanceRef> page = new ArrayList<>();
        for (int i = 0; i < late.size() && page.size() < limit; i++) {
            page.add(late.get(i).ref);
        }
        int fromLate = page.size();
        for (int i = 0; i < entries.size() && page.size() < limit; i++) {
            page.add(entries.get(i).ref);
        }
        boolean done = late.size() + entries.size() <= limit;
        int fresh = page.size() - fromLate;
        if (fresh == 0) {
            return KosChanges.of(page, cursor, done);
        }
        // Content Date/Time has one-second resolution: a KOS stored later in the same second may
        // carry a smaller UID, so the cursor remembers every UID reported at the watermark second
        // instead of the last one only.
        String lastKey = entries.get(fresh - 1).key;
        Set<String> seen = new TreeSet<>();
        if (after != null && after.key.equals(lastKey)) {
            seen.addAll(after.seen);
        }
        for (int i = 0; i < fresh; i++) {
            if (entries.get(i).key.equals(lastKey)) {
                seen.add(entries.get(i).ref.sopInstanceUid());
            }
        }
        String next = PREFIX + lastKey + ":" + String.join(",", seen);
        return KosChanges.of(page, next, done);
    }

    static void requirePositive(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
    }

    /** Content Date and Time, else Instance Creation Date and Time, as 14 digits. */
    static String key(DataSet d) {
        String date = d.getString(Tag.ContentDate);
        String time = d.getString(Tag.ContentTime);
        if (date == null) {
            date = d.getString(Tag.InstanceCreationDate);
            time = d.getString(Tag.InstanceCreationTime);
        }
        if (date == null || date.length() < 8) {
            return EPOCH;
        }
        String t = time == null ? "" : time.replace(":", "").trim();
        t = t.length() >= 6 ? t.substring(0, 6) : (t + "000000").substring(0, 6);
        return date.substring(0, 8) + t;
    }

    /** The watermark second and the SOP Instance UIDs already reported at that second. */
    private record Watermark(String key, Set<String> seen) {
        boolean precedes(String otherKey, String uid) {
            int c = otherKey.compareTo(key);
            return c > 0 || (c == 0 && !seen.contains(uid));
        }
    }

    private static Watermark parse(String cursor) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        if (!cursor.startsWith(PREFIX) || cursor.length() < PREFIX.length() + 16
                || cursor.charAt(PREFIX.length() + 14) != ':') {
            throw new IllegalArgumentException("not a KOS cursor of this PACS: " + cursor);
        }
        String key = cursor.substring(PREFIX.length(), PREFIX.length() + 14);
        Set<String> seen = new TreeSet<>(List.of(cursor.substring(PREFIX.length() + 15).split(",")));
        return new Watermark(key, seen);
    }
}
