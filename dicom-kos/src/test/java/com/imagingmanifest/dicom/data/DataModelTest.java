package com.imagingmanifest.dicom.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Dictionary, person names, dates and times, UIDs. */
class DataModelTest {
    @Test
    void dictionaryKnowsStandardRepeatingPrivateAndUnknownTags() {
        assertEquals(Vr.PN, ElementDictionary.vrOf(Tag.PatientName));
        assertEquals("PatientName", ElementDictionary.keywordOf(Tag.PatientName));
        assertEquals(Tag.ContentSequence, ElementDictionary.tagOf("ContentSequence"));
        assertEquals(Vr.SQ, ElementDictionary.vrOf(Tag.CurrentRequestedProcedureEvidenceSequence));
        assertEquals(Vr.US, ElementDictionary.vrOf(0x60020010)); // OverlayRows in group 6002 (60xx)
        assertEquals("OverlayRows", ElementDictionary.keywordOf(0x601E0010));
        assertEquals(Vr.UN, ElementDictionary.vrOf(0x60010010 + 0x1000)); // odd group: private, not 60xx
        assertEquals(Vr.OW, ElementDictionary.vrOf(Tag.PixelData));
        assertEquals(Vr.UL, ElementDictionary.vrOf(0x00080000));
        assertEquals(Vr.LO, ElementDictionary.vrOf(0x00090010));
        assertEquals(Vr.UN, ElementDictionary.vrOf(0x00091001));
        assertEquals(Vr.UN, ElementDictionary.vrOf(0x00080002 + 0x7777));
        assertEquals(-1, ElementDictionary.tagOf("NoSuchKeyword"));
        assertNull(ElementDictionary.keywordOf(0x00091001));
        // every Tag constant agrees with the dictionary
        for (var f : Tag.class.getFields()) {
            try {
                int tag = f.getInt(null);
                if (Tag.group(tag) != 0xFFFE && !f.getName().equals("UID") && !f.getName().equals("PersonName")) {
                    assertEquals(f.getName(), ElementDictionary.keywordOf(tag), Tag.toString(tag));
                }
            } catch (IllegalAccessException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void personNameComponentsAndGroups() {
        PersonName pn = PersonName.parse("Yamada^Tarou=山田^太郎=やまだ^たろう");
        assertEquals("Yamada", pn.alphabetic().familyName());
        assertEquals("太郎", pn.ideographic().givenName());
        assertEquals("やまだ", pn.phonetic().familyName());
        assertEquals("Yamada^Tarou=山田^太郎=やまだ^たろう", pn.toString());
        assertEquals("Doe^John", PersonName.parse("Doe^John^^^").toString());
        assertEquals("Doe^John^^Dr", PersonName.parse("Doe^John^^Dr==").toString());
        assertEquals("", PersonName.parse("").toString());
        assertEquals("Smith^Anna", PersonName.of("Smith", "Anna").toString());
    }

    @Test
    void datesTimesAndOffsets() {
        assertEquals(LocalDate.of(2024, 1, 15), DateTimes.parseDate("20240115"));
        assertEquals(LocalDate.of(2024, 1, 15), DateTimes.parseDate("2024.01.15"));
        assertEquals("20240115", DateTimes.formatDate(LocalDate.of(2024, 1, 15)));
        assertEquals(LocalTime.of(10, 15, 0, 123_000_000), DateTimes.parseTime("101500.123"));
        assertEquals(LocalTime.of(10, 0), DateTimes.parseTime("10"));
        assertEquals("101500.123", DateTimes.formatTime(LocalTime.of(10, 15, 0, 123_000_000)));
        assertEquals("101500", DateTimes.formatTime(LocalTime.of(10, 15)));
        assertEquals(ZoneOffset.ofHoursMinutes(-5, -30), DateTimes.parseOffset("-0530"));
        assertEquals("+0100", DateTimes.formatOffset(ZoneOffset.ofHours(1)));
        assertEquals(OffsetDateTime.of(2024, 1, 15, 10, 15, 0, 500_000_000, ZoneOffset.ofHours(1)),
                DateTimes.parseDateTime("20240115101500.5+0100", ZoneOffset.UTC));
        assertEquals(OffsetDateTime.of(2024, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC), DateTimes.parseDateTime("2024", ZoneOffset.UTC));
        assertEquals("20240115101500+0100", DateTimes.formatDateTime(
                OffsetDateTime.of(2024, 1, 15, 10, 15, 0, 0, ZoneOffset.ofHours(1))));
        assertThrows(IllegalArgumentException.class, () -> DateTimes.parseDate("2024-01-15x"));
        assertThrows(IllegalArgumentException.class, () -> DateTimes.parseTime("1"));
        assertThrows(IllegalArgumentException.class, () -> DateTimes.parseOffset("0100"));
    }

    @Test
    void uidsAreValidatedAndGenerated() {
        assertTrue(Uid.isValid("1.2.840.10008.1.2"));
        assertFalse(Uid.isValid("1.02.3"));
        assertFalse(Uid.isValid("1..2"));
        assertFalse(Uid.isValid("1.2."));
        assertFalse(Uid.isValid("1.2.a"));
        assertFalse(Uid.isValid("1." + "2".repeat(63)));
        String uid = Uid.generate();
        assertTrue(uid.startsWith("2.25.") && Uid.isValid(uid), uid);
        assertFalse(uid.equals(Uid.generate()));
    }

    @Test
    void atValuesAreGroupThenElement() {
        DataSet ds = new DataSet().setInt(0x00209165, Vr.AT, Tag.PatientID);
        assertEquals(Tag.PatientID, ds.getInt(0x00209165, 0));
        byte[] b = ds.getBytes(0x00209165);
        assertEquals(0x10, b[0]);
        assertEquals(0x20, b[2]);
    }
}
