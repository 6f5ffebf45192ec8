package com.imagingmanifest.dicom.data;

import java.util.Arrays;

/**
 * A PN value (PS3.5 6.2.1): up to three component groups (alphabetic, ideographic, phonetic)
 * separated by '=', each of up to five components separated by '^'.
 */
public record PersonName(Group alphabetic, Group ideographic, Group phonetic) {
    /** The components of one group, as in PS3.5 6.2.1.1; absent components are empty strings. */
    public record Group(String familyName, String givenName, String middleName, String prefix, String suffix) {
        public static final Group EMPTY = new Group("", "", "", "", "");

        public static Group parse(String text) {
            String[] c = Arrays.copyOf(text.split("\\^", -1), 5);
            for (int i = 0; i < 5; i++) {
                c[i] = c[i] == null ? "" : c[i];
            }
            return new Group(c[0], c[1], c[2], c[3], c[4]);
        }

        public boolean isEmpty() {
            return toString().isEmpty();
        }

        /** The group with trailing empty components (and their '^') dropped. */
        @Override
        public String toString() {
            String s = String.join("^", familyName, givenName, middleName, prefix, suffix);
            int end = s.length();
            while (end > 0 && s.charAt(end - 1) == '^') {
                end--;
            }
            return s.substring(0, end);
        }
    }

    /** Parses one PN value (not a multi-valued string). */
    public static PersonName parse(String value) {
        String[] g = value == null ? new String[0] : value.split("=", -1);
        return new PersonName(g.length > 0 ? Group.parse(g[0]) : Group.EMPTY,
                g.length > 1 ? Group.parse(g[1]) : Group.EMPTY,
                g.length > 2 ? Group.parse(g[2]) : Group.EMPTY);
    }

    public static PersonName of(String familyName, String givenName) {
        return new PersonName(new Group(familyName, givenName, "", "", ""), Group.EMPTY, Group.EMPTY);
    }

    /** The PN value, trailing empty groups dropped. */
    @Override
    public String toString() {
        String s = alphabetic + "=" + ideographic + "=" + phonetic;
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '=') {
            end--;
        }
        return s.substring(0, end);
    }
}
