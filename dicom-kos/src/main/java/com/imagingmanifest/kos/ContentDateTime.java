package com.imagingmanifest.kos;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Content Date (0008,0023), Content Time (0008,0033) and Timezone Offset From UTC (0008,0201) of a
 * KOS, and their FHIR dateTime ({@code ImagingManifest.authoringTime}).
 *
 * @param date   DA, YYYYMMDD
 * @param time   TM, HHMMSS with up to six fraction digits
 * @param offset "+HHMM"/"-HHMM", or null when the producer gave none
 */
record ContentDateTime(String date, String time, String offset) {
    // FHIR STU3 dateTime with at least day precision; seconds are required once a time is given
    private static final Pattern FHIR = Pattern.compile(
            "(\\d{4})-(\\d{2})-(\\d{2})(?:T(\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d+))?(Z|[+-]\\d{2}:\\d{2}))?");
    private static final Pattern OFFSET = Pattern.compile("[+-]\\d{4}");
    private static final DateTimeFormatter DA = DateTimeFormatter.ofPattern("yyyyMMdd");
    private static final DateTimeFormatter TM = DateTimeFormatter.ofPattern("HHmmss");

    /** True when a FHIR dateTime string has the day precision a Content Date needs. */
    static boolean hasDayPrecision(String fhirDateTime) {
        return FHIR.matcher(fhirDateTime).matches();
    }

    /** From a FHIR dateTime string; a date without time becomes midnight without offset. */
    static ContentDateTime fromFhir(String fhirDateTime) {
        Matcher m = FHIR.matcher(fhirDateTime);
        if (!m.matches()) {
            throw new IllegalArgumentException("authoringTime needs at least a full date: " + fhirDateTime);
        }
        String date = m.group(1) + m.group(2) + m.group(3);
        if (m.group(4) == null) {
            return new ContentDateTime(date, "000000", null);
        }
        String time = m.group(4) + m.group(5) + m.group(6);
        if (m.group(7) != null) {
            // PS3.5 6.2: TM carries at most six fraction digits
            time += "." + m.group(7).substring(0, Math.min(6, m.group(7).length()));
        }
        String zone = m.group(8);
        String offset = zone.equals("Z") ? "+0000" : zone.substring(0, 3) + zone.substring(4);
        return new ContentDateTime(date, time, offset);
    }

    /** The current time, expressed at {@code offset} (or the system zone when null). */
    static ContentDateTime now(java.time.Clock clock, String offset) {
        LocalDateTime now = offset == null
                ? LocalDateTime.now(clock)
                : LocalDateTime.now(clock.withZone(parseOffset(offset)));
        return new ContentDateTime(now.format(DA), now.format(TM), offset);
    }

    /**
     * From DICOM values; tolerant of producers that truncate TM ("10", "1015") or write ACR-NEMA
     * "10:15:00". Returns null when the date is not a DA.
     */
    static ContentDateTime fromDicom(String date, String time, String offset) {
        if (date == null || !date.matches("\\d{8}")) {
            return null;
        }
        String t = time == null ? "" : time.trim().replace(":", "");
        if (!t.matches("\\d{2}(\\d{2}(\\d{2}(\\.\\d{1,6})?)?)?") && !t.isEmpty()) {
            return null;
        }
        String padded = t.length() >= 6 ? t : (t + "000000").substring(0, 6);
        String off = offset != null && OFFSET.matcher(offset.trim()).matches() ? offset.trim() : null;
        return new ContentDateTime(date, padded, off);
    }

    /** From an Observation DateTime (0040,A032), DT {@code YYYYMMDDHHMMSS.FFFFFF&ZZXX}. */
    static ContentDateTime fromDicomDateTime(String dt) {
        if (dt == null) {
            return null;
        }
        String s = dt.trim();
        String offset = null;
        int sign = Math.max(s.lastIndexOf('+'), s.lastIndexOf('-'));
        if (sign > 0) {
            offset = s.substring(sign);
            s = s.substring(0, sign);
        }
        if (s.length() < 8) {
            return null;
        }
        return fromDicom(s.substring(0, 8), s.substring(8), offset);
    }

    /**
     * The FHIR dateTime; FHIR requires a zone once a time is present, so a KOS without Timezone
     * Offset From UTC is read in {@code fallbackZone} (the zone the gateway runs in).
     */
    String toFhir(ZoneId fallbackZone) {
        StringBuilder sb = new StringBuilder();
        sb.append(date, 0, 4).append('-').append(date, 4, 6).append('-').append(date, 6, 8);
        sb.append('T').append(time, 0, 2).append(':').append(time, 2, 4).append(':').append(time, 4, 6);
        if (time.length() > 7) {
            // HAPI keeps millisecond precision
            sb.append(time, 6, Math.min(time.length(), 10));
        }
        String off = offset;
        if (off == null) {
            LocalDateTime local = LocalDateTime.parse(date + time.substring(0, 6), DateTimeFormatter.ofPattern("yyyyMMddHHmmss"));
            ZoneOffset zo = fallbackZone.getRules().getOffset(local);
            off = zo.getTotalSeconds() == 0 ? "+0000" : zo.getId().replace(":", "");
        }
        sb.append(off.equals("+0000") ? "Z" : off.substring(0, 3) + ":" + off.substring(3));
        return sb.toString();
    }

    private static ZoneOffset parseOffset(String offset) {
        return ZoneOffset.of(offset.substring(0, 3) + ":" + offset.substring(3));
    }
}
