package com.imagingmanifest.dicom.data;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** DA, TM and DT values (PS3.5 6.2) and the Timezone Offset From UTC (0008,0201) as java.time types. */
public final class DateTimes {
    private static final DateTimeFormatter DA = DateTimeFormatter.ofPattern("uuuuMMdd");

    private DateTimes() {
    }

    /** PS3.5 DA "YYYYMMDD" (also the ACR-NEMA form "YYYY.MM.DD"). */
    public static LocalDate parseDate(String da) {
        String s = da.trim().replace(".", "");
        try {
            return LocalDate.parse(s, DA);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not a DA value: " + da);
        }
    }

    public static String formatDate(LocalDate date) {
        return date.format(DA);
    }

    /** PS3.5 TM "HH[MM[SS[.F{1,6}]]]" (also the ACR-NEMA form with colons). */
    public static LocalTime parseTime(String tm) {
        String s = tm.trim().replace(":", "");
        try {
            int hour = Integer.parseInt(s.substring(0, 2));
            int minute = s.length() >= 4 ? Integer.parseInt(s.substring(2, 4)) : 0;
            int second = s.length() >= 6 ? Integer.parseInt(s.substring(4, 6)) : 0;
            int nanos = 0;
            if (s.length() > 6) {
                if (s.charAt(6) != '.' || s.length() > 13 || s.length() == 7) {
                    throw new IllegalArgumentException("not a TM value: " + tm);
                }
                String frac = (s.substring(7) + "000000000").substring(0, 9);
                nanos = Integer.parseInt(frac);
            } else if (s.length() != 2 && s.length() != 4 && s.length() != 6) {
                throw new IllegalArgumentException("not a TM value: " + tm);
            }
            // PS3.5: a leap second 60 is allowed; java.time has none
            return LocalTime.of(hour, minute, Math.min(second, 59), nanos);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a TM value: " + tm);
        }
    }

    /** HHMMSS, with a fraction only when the time has one (up to microseconds). */
    public static String formatTime(LocalTime time) {
        String s = String.format("%02d%02d%02d", time.getHour(), time.getMinute(), time.getSecond());
        int micros = time.getNano() / 1000;
        if (micros != 0) {
            String frac = String.format("%06d", micros).replaceAll("0+$", "");
            s += "." + frac;
        }
        return s;
    }

    /** The "&ZZXX" offset of DT and of Timezone Offset From UTC, e.g. "+0100" or "-0500". */
    public static ZoneOffset parseOffset(String zzxx) {
        String s = zzxx.trim();
        if (s.length() != 5 || (s.charAt(0) != '+' && s.charAt(0) != '-')) {
            throw new IllegalArgumentException("not a UTC offset: " + zzxx);
        }
        try {
            int hours = Integer.parseInt(s.substring(1, 3));
            int minutes = Integer.parseInt(s.substring(3, 5));
            int sign = s.charAt(0) == '-' ? -1 : 1;
            return ZoneOffset.ofHoursMinutes(sign * hours, sign * minutes);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a UTC offset: " + zzxx);
        }
    }

    public static String formatOffset(ZoneOffset offset) {
        int total = offset.getTotalSeconds() / 60;
        char sign = total < 0 ? '-' : '+';
        total = Math.abs(total);
        return String.format("%c%02d%02d", sign, total / 60, total % 60);
    }

    /**
     * PS3.5 DT "YYYY[MM[DD[HH[MM[SS[.F{1,6}]]]]]][&ZZXX]"; missing parts take their lowest value.
     * Without an offset in the value, {@code defaultOffset} applies (the data set's Timezone Offset
     * From UTC, or the local one, PS3.5 6.2 note).
     */
    public static OffsetDateTime parseDateTime(String dt, ZoneOffset defaultOffset) {
        String s = dt.trim();
        ZoneOffset offset = defaultOffset;
        int sign = Math.max(s.indexOf('+'), s.indexOf('-'));
        if (sign >= 0) {
            offset = parseOffset(s.substring(sign));
            s = s.substring(0, sign);
        }
        try {
            int year = Integer.parseInt(s.substring(0, 4));
            int month = s.length() >= 6 ? Integer.parseInt(s.substring(4, 6)) : 1;
            int day = s.length() >= 8 ? Integer.parseInt(s.substring(6, 8)) : 1;
            if (s.length() != 4 && s.length() != 6 && s.length() < 8) {
                throw new IllegalArgumentException("not a DT value: " + dt);
            }
            LocalTime time = s.length() > 8 ? parseTime(s.substring(8)) : LocalTime.MIDNIGHT;
            return OffsetDateTime.of(LocalDateTime.of(LocalDate.of(year, month, day), time), offset);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a DT value: " + dt);
        }
    }

    /** YYYYMMDDHHMMSS[.F]&ZZXX. */
    public static String formatDateTime(OffsetDateTime dt) {
        return formatDate(dt.toLocalDate()) + formatTime(dt.toLocalTime()) + formatOffset(dt.getOffset());
    }
}
