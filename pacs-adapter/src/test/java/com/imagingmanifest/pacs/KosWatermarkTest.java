package com.imagingmanifest.pacs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.dicom.data.Vr;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KosWatermarkTest {

    private static DataSet kos(String sop, String date, String time) {
        DataSet d = new DataSet();
        d.setString(Tag.SOPClassUID, Vr.UI, Uid.KeyObjectSelectionDocumentStorage);
        d.setString(Tag.SOPInstanceUID, Vr.UI, sop);
        d.setString(Tag.StudyInstanceUID, Vr.UI, "1.2");
        d.setString(Tag.SeriesInstanceUID, Vr.UI, "1.2.3");
        if (date != null) {
            d.setString(Tag.ContentDate, Vr.DA, date);
        }
        if (time != null) {
            d.setString(Tag.ContentTime, Vr.TM, time);
        }
        return d;
    }

    private static List<String> sops(KosChanges c) {
        return c.instances().stream().map(InstanceRef::sopInstanceUid).toList();
    }

    @Test
    void ordersByContentDateTimeThenUidAndPagesExactly() {
        List<DataSet> all = List.of(kos("1.9", "20240102", "080000"), kos("1.1", "20240103", "09"),
                kos("1.5", "20240102", "080000.123"), kos("1.3", null, null));
        KosChanges first = KosWatermark.select(all, null, 2);
        assertEquals(List.of("1.3", "1.5"), sops(first), "no date sorts first; equal times by UID");
        assertFalse(first.done());
        KosChanges second = KosWatermark.select(all, first.nextCursor(), 2);
        assertEquals(List.of("1.9", "1.1"), sops(second));
        assertTrue(second.done());
        KosChanges none = KosWatermark.select(all, second.nextCursor(), 2);
        assertEquals(List.of(), sops(none));
        assertEquals(second.nextCursor(), none.nextCursor(), "an empty page keeps the cursor");
    }

    @Test
    void aKosArrivingLaterWithANewerContentTimeIsSeenAndOtherClassesAreNot() {
        List<DataSet> before = new ArrayList<>(List.of(kos("1.1", "20240101", "100000")));
        String cursor = KosWatermark.select(before, null, 10).nextCursor();
        DataSet image = kos("1.7", "20250101", "000000");
        image.setString(Tag.SOPClassUID, Vr.UI, Uid.CTImageStorage);
        before.add(image);
        before.add(kos("1.2", "20240101", "100001"));
        assertEquals(List.of("1.2"), sops(KosWatermark.select(before, cursor, 10)));
    }

    @Test
    void aKosStoredLaterInTheSameSecondWithASmallerUidIsStillReported() {
        List<DataSet> all = new ArrayList<>(List.of(kos("1.9", "20240101", "100000")));
        String cursor = KosWatermark.select(all, null, 10).nextCursor();
        all.add(kos("1.2", "20240101", "100000"));
        KosChanges next = KosWatermark.select(all, cursor, 10);
        assertEquals(List.of("1.2"), sops(next));
        assertEquals(List.of(), sops(KosWatermark.select(all, next.nextCursor(), 10)), "neither reported again");
    }

    @Test
    void withoutALedgerAKosOlderThanTheWatermarkIsNotReported() {
        List<DataSet> all = new ArrayList<>(List.of(kos("1.1", "20240101", "100000")));
        String cursor = KosWatermark.select(all, null, 10).nextCursor();
        all.add(kos("1.0", "20231231", "235959"));
        assertEquals(List.of(), sops(KosWatermark.select(all, cursor, 10)));
    }

    @Test
    void aKosBehindTheWatermarkThatTheLedgerDoesNotKnowIsReportedFirstWithoutMovingTheCursor() {
        List<DataSet> all = new ArrayList<>(List.of(kos("1.1", "20240101", "100000"), kos("1.2", "20240101", "110000")));
        KosChanges first = KosWatermark.select(all, null, 10);
        Set<String> ledger = new HashSet<>(sops(first)); // what the caller dealt with
        all.add(kos("1.0", "19990101", "000000")); // made late for an old study
        all.add(kos("1.3", "20240102", "000000")); // after the watermark
        all.add(kos("1.05", null, null)); // no date at all
        KosChanges second = KosWatermark.select(all, first.nextCursor(), 10, uids -> intersect(uids, ledger));
        assertEquals(List.of("1.05", "1.0", "1.3"), sops(second), "the late ones first, then the new one");
        assertTrue(second.done());
        ledger.addAll(sops(second));
        KosChanges third = KosWatermark.select(all, second.nextCursor(), 10, uids -> intersect(uids, ledger));
        assertEquals(List.of(), sops(third), "nothing twice once the ledger knows them");
    }

    @Test
    void lateKosArePagedAndKeepTheCursorWhereItWas() {
        List<DataSet> all = new ArrayList<>(List.of(kos("1.9", "20240101", "100000")));
        String cursor = KosWatermark.select(all, null, 10).nextCursor();
        all.add(kos("1.1", "20200101", "000000"));
        all.add(kos("1.2", "20200101", "000001"));
        all.add(kos("1.3", "20200101", "000002"));
        Set<String> ledger = new HashSet<>(Set.of("1.9"));
        KosChanges page = KosWatermark.select(all, cursor, 2, uids -> intersect(uids, ledger));
        assertEquals(List.of("1.1", "1.2"), sops(page));
        assertFalse(page.done());
        assertEquals(cursor, page.nextCursor(), "late KOS do not move the watermark");
        ledger.addAll(sops(page));
        KosChanges rest = KosWatermark.select(all, page.nextCursor(), 2, uids -> intersect(uids, ledger));
        assertEquals(List.of("1.3"), sops(rest));
        assertTrue(rest.done());
    }

    private static Set<String> intersect(Collection<String> uids, Set<String> known) {
        Set<String> found = new HashSet<>(uids);
        found.retainAll(known);
        return found;
    }

    @Test
    void instanceCreationDateIsTheFallbackKey() {
        DataSet d = kos("1.4", null, null);
        d.setString(Tag.InstanceCreationDate, Vr.DA, "20230505");
        d.setString(Tag.InstanceCreationTime, Vr.TM, "1212");
        assertEquals("20230505121200", KosWatermark.key(d));
    }

    @Test
    void foreignCursorsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> KosWatermark.select(List.of(), "42", 1));
        assertThrows(IllegalArgumentException.class, () -> KosWatermark.select(List.of(), "w1:2024:1.2", 1));
    }
}
