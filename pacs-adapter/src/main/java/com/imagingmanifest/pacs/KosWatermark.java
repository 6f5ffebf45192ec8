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
 * <p>Limit, by design: a KOS that arrives with a Content Date/Time older than the watermark (made
 * long ago elsewhere, or by a device whose clock is behind) is not reported; a C-STORE SCP or the
 * Orthanc change feed sees it. Each poll costs one listing of all KOS on the PACS.
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

    /**
     * The KOS of {@code candidates} (instance-level matches that carry study, series and SOP UIDs,
     * and ideally Content Date/Time) after {@code cursor}, at most {@code limit}.
     */
    static KosChanges select(List<DataSet> candidates, String cursor, int limit) {
        requirePositive(limit);
        Watermark after = parse(cursor);
        List<Entry> entries = new ArrayList<>();
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
            }
        }
        entries.sort(Comparator.comparing(Entry::key).thenComparing(e -> e.ref.sopInstanceUid()));
        List<InstanceRef> page = new ArrayList<>();
        for (int i = 0; i < entries.size() && i < limit; i++) {
            page.add(entries.get(i).ref);
        }
        if (page.isEmpty()) {
            return KosChanges.of(page, cursor, true);
        }
        // Content Date/Time has one-second resolution: a KOS stored later in the same second may
        // carry a smaller UID, so the cursor remembers every UID reported at the watermark second
        // instead of the last one only.
        String lastKey = entries.get(page.size() - 1).key;
        Set<String> seen = new TreeSet<>();
        if (after != null && after.key.equals(lastKey)) {
            seen.addAll(after.seen);
        }
        for (int i = 0; i < page.size(); i++) {
            if (entries.get(i).key.equals(lastKey)) {
                seen.add(page.get(i).sopInstanceUid());
            }
        }
        String next = PREFIX + lastKey + ":" + String.join(",", seen);
        return KosChanges.of(page, next, entries.size() <= limit);
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
