package com.imagingmanifest.dicom.data;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Specific Character Set (0008,0005), PS3.3 C.12.1.1.2 and PS3.5 6.1: how text values (SH, LO, ST,
 * LT, UT, UC, PN) are encoded. Single-byte and UTF-8 sets without code extensions map to one Java
 * charset. With ISO 2022 code extensions the escape sequences listed in {@link CodeElement} are
 * decoded; after an escape sequence this class does not know, the rest of the value is kept as raw
 * bytes (one char per byte, the escape included) so that the writer puts back exactly what was read.
 */
public final class SpecificCharacterSet {
    /** The default repertoire; bytes above 7F are kept as ISO 8859-1 so that nothing is lost. */
    public static final SpecificCharacterSet DEFAULT = new SpecificCharacterSet("", StandardCharsets.ISO_8859_1);
    public static final SpecificCharacterSet ISO_IR_100 = new SpecificCharacterSet("ISO_IR 100", StandardCharsets.ISO_8859_1);
    public static final SpecificCharacterSet ISO_IR_192 = new SpecificCharacterSet("ISO_IR 192", StandardCharsets.UTF_8);

    private static final byte ESC = 0x1B;

    /** Code elements that may be designated by an ISO 2022 escape sequence (PS3.3 C.12.1.1.2). */
    enum CodeElement {
        ASCII(true, "ISO-8859-1", 0x28, 0x42),             // IR 6, ESC ( B
        JIS_ROMAN(true, "JIS_X0201", 0x28, 0x4A),          // IR 14, ESC ( J
        JIS_KATAKANA(false, "JIS_X0201", 0x29, 0x49),      // IR 13, ESC ) I
        LATIN1(false, "ISO-8859-1", 0x2D, 0x41),           // IR 100, ESC - A
        LATIN2(false, "ISO-8859-2", 0x2D, 0x42),           // IR 101
        LATIN3(false, "ISO-8859-3", 0x2D, 0x43),           // IR 109
        LATIN4(false, "ISO-8859-4", 0x2D, 0x44),           // IR 110
        GREEK(false, "ISO-8859-7", 0x2D, 0x46),            // IR 126
        ARABIC(false, "ISO-8859-6", 0x2D, 0x47),           // IR 127
        HEBREW(false, "ISO-8859-8", 0x2D, 0x48),           // IR 138
        CYRILLIC(false, "ISO-8859-5", 0x2D, 0x4C),         // IR 144
        LATIN5(false, "ISO-8859-9", 0x2D, 0x4D),           // IR 148
        THAI(false, "TIS-620", 0x2D, 0x54),                // IR 166
        LATIN9(false, "ISO-8859-15", 0x2D, 0x62),          // IR 203
        JIS_X0208(true, "EUC-JP", 0x24, 0x42),             // IR 87, ESC $ B
        JIS_X0212(true, "EUC-JP", 0x24, 0x28, 0x44),       // IR 159, ESC $ ( D
        KS_X1001(false, "EUC-KR", 0x24, 0x29, 0x43),       // IR 149, ESC $ ) C
        GB2312(false, "GB2312", 0x24, 0x29, 0x41);         // IR 58, ESC $ ) A

        final boolean g0;
        final Charset charset;
        final byte[] escape;

        CodeElement(boolean g0, String charset, int... escape) {
            this.g0 = g0;
            this.charset = Charset.forName(charset);
            this.escape = new byte[escape.length + 1];
            this.escape[0] = ESC;
            for (int i = 0; i < escape.length; i++) {
                this.escape[i + 1] = (byte) escape[i];
            }
        }

        boolean multiByte() {
            return this == JIS_X0208 || this == JIS_X0212 || this == KS_X1001 || this == GB2312;
        }

        /** The bytes of one code point in this element (7-bit for G0, 8-bit for G1), or null. */
        byte[] encode(String ch) {
            if (this == ASCII) {
                return null; // ASCII characters never reach here
            }
            CharsetEncoder enc = charset.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
            byte[] b;
            try {
                ByteBuffer bb = enc.encode(CharBuffer.wrap(ch));
                b = Arrays.copyOf(bb.array(), bb.limit());
            } catch (CharacterCodingException e) {
                return null;
            }
            return switch (this) {
                case JIS_X0208 -> b.length == 2 && (b[0] & 0xFF) >= 0xA1 ? new byte[] {(byte) (b[0] & 0x7F), (byte) (b[1] & 0x7F)} : null;
                case JIS_X0212 -> b.length == 3 && (b[0] & 0xFF) == 0x8F ? new byte[] {(byte) (b[1] & 0x7F), (byte) (b[2] & 0x7F)} : null;
                case KS_X1001, GB2312 -> b.length == 2 && (b[0] & 0xFF) >= 0xA1 ? b : null;
                case JIS_ROMAN -> null; // only its ASCII-like range is used, through G0 = ASCII
                default -> b.length == 1 && (b[0] & 0xFF) >= 0xA0 ? b : null;
            };
        }

        /** Decodes a run of bytes designated to this element. */
        String decode(byte[] b, int off, int len) {
            if (this == JIS_X0208 || this == JIS_X0212) {
                ByteArrayOutputStream euc = new ByteArrayOutputStream(len * 3 / 2 + 1);
                for (int i = 0; i + 1 < len; i += 2) {
                    if (this == JIS_X0212) {
                        euc.write(0x8F);
                    }
                    euc.write(b[off + i] | 0x80);
                    euc.write(b[off + i + 1] | 0x80);
                }
                return new String(euc.toByteArray(), charset) + ((len & 1) == 1 ? "\uFFFD" : "");
            }
            return new String(b, off, len, charset);
        }
    }

    private static final Map<String, CodeElement[]> TERMS = Map.ofEntries(
            Map.entry("ISO 2022 IR 6", new CodeElement[] {CodeElement.ASCII}),
            Map.entry("ISO 2022 IR 100", new CodeElement[] {CodeElement.ASCII, CodeElement.LATIN1}),
            Map.entry("ISO 2022 IR 101", new CodeElement[] {CodeElement.ASCII, CodeElement.LATIN2}),
            Map.entry("ISO 2022 IR 109", new CodeElement[] {CodeElement.ASCII, CodeElement.LATIN3}),
            Map.entry("ISO 2022 IR 110", new CodeElement[] {CodeElement.ASCII, CodeElement.LATIN4}),
            Map.entry("ISO 2022 IR 126", new CodeElement[] {CodeElement.ASCII, CodeElement.GREEK}),
            Map.entry("ISO 2022 IR 127", new CodeElement[] {CodeElement.ASCII, CodeElement.ARABIC}),
            Map.entry("ISO 2022 IR 138", new CodeElement[] {CodeElement.ASCII, CodeElement.HEBREW}),
            Map.entry("ISO 2022 IR 144", new CodeElement[] {CodeElement.ASCII, CodeElement.CYRILLIC}),
            Map.entry("ISO 2022 IR 148", new CodeElement[] {CodeElement.ASCII, CodeElement.LATIN5}),
            Map.entry("ISO 2022 IR 166", new CodeElement[] {CodeElement.ASCII, CodeElement.THAI}),
            Map.entry("ISO 2022 IR 203", new CodeElement[] {CodeElement.ASCII, CodeElement.LATIN9}),
            Map.entry("ISO 2022 IR 13", new CodeElement[] {CodeElement.JIS_ROMAN, CodeElement.JIS_KATAKANA}),
            Map.entry("ISO 2022 IR 87", new CodeElement[] {CodeElement.JIS_X0208}),
            Map.entry("ISO 2022 IR 159", new CodeElement[] {CodeElement.JIS_X0212}),
            Map.entry("ISO 2022 IR 149", new CodeElement[] {CodeElement.KS_X1001}),
            Map.entry("ISO 2022 IR 58", new CodeElement[] {CodeElement.GB2312}));

    private static final Map<String, String> SINGLE = Map.ofEntries(
            Map.entry("ISO_IR 100", "ISO-8859-1"), Map.entry("ISO_IR 101", "ISO-8859-2"),
            Map.entry("ISO_IR 109", "ISO-8859-3"), Map.entry("ISO_IR 110", "ISO-8859-4"),
            Map.entry("ISO_IR 144", "ISO-8859-5"), Map.entry("ISO_IR 127", "ISO-8859-6"),
            Map.entry("ISO_IR 126", "ISO-8859-7"), Map.entry("ISO_IR 138", "ISO-8859-8"),
            Map.entry("ISO_IR 148", "ISO-8859-9"), Map.entry("ISO_IR 203", "ISO-8859-15"),
            Map.entry("ISO_IR 13", "JIS_X0201"), Map.entry("ISO_IR 166", "TIS-620"),
            Map.entry("ISO_IR 192", "UTF-8"), Map.entry("GB18030", "GB18030"), Map.entry("GBK", "GBK"));

    private final String value;
    /** Set when no code extensions are used. */
    private final Charset charset;
    /** With code extensions: the elements designated at the start of each value, then the others. */
    private final CodeElement initialG0;
    private final CodeElement initialG1;
    private final List<CodeElement> elements;

    private SpecificCharacterSet(String value, Charset charset) {
        this.value = value;
        this.charset = charset;
        this.initialG0 = null;
        this.initialG1 = null;
        this.elements = List.of();
    }

    private SpecificCharacterSet(String value, List<CodeElement> elements, CodeElement g0, CodeElement g1) {
        this.value = value;
        this.charset = null;
        this.elements = elements;
        this.initialG0 = g0;
        this.initialG1 = g1;
    }

    /** The character set named by a (0008,0005) value (backslash-separated defined terms). */
    public static SpecificCharacterSet valueOf(String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT;
        }
        String[] terms = value.split("\\\\", -1);
        for (int i = 0; i < terms.length; i++) {
            terms[i] = terms[i].trim();
        }
        if (terms.length == 1 && !terms[0].startsWith("ISO 2022")) {
            String name = SINGLE.get(terms[0]);
            if (terms[0].equals("ISO_IR 100")) {
                return ISO_IR_100;
            }
            if (terms[0].equals("ISO_IR 192")) {
                return ISO_IR_192;
            }
            // an unknown term: keep bytes as ISO 8859-1, which loses nothing
            return new SpecificCharacterSet(value, name == null ? StandardCharsets.ISO_8859_1 : Charset.forName(name));
        }
        List<CodeElement> elements = new ArrayList<>();
        CodeElement g0 = null;
        CodeElement g1 = null;
        for (int i = 0; i < terms.length; i++) {
            String term = terms[i].isEmpty() ? "ISO 2022 IR 6" : terms[i].replace("ISO_IR ", "ISO 2022 IR ");
            CodeElement[] ces = TERMS.get(term);
            if (ces == null) {
                continue;
            }
            for (CodeElement ce : ces) {
                if (!elements.contains(ce)) {
                    elements.add(ce);
                }
                if (i == 0) {
                    if (ce.g0) {
                        g0 = ce;
                    } else {
                        g1 = ce;
                    }
                }
            }
        }
        if (g0 == null) {
            g0 = CodeElement.ASCII; // PS3.3 C.12.1.1.2: value 1 empty means ISO 2022 IR 6
        }
        if (!elements.contains(CodeElement.ASCII)) {
            elements.add(0, CodeElement.ASCII);
        }
        return new SpecificCharacterSet(value, List.copyOf(elements), g0, g1);
    }

    /** The character set in effect for {@code ds}: its own (0008,0005), else its parent's (PS3.5 7.5.3). */
    public static SpecificCharacterSet of(DataSet ds) {
        for (DataSet d = ds; d != null; d = d.parent()) {
            if (d.contains(Tag.SpecificCharacterSet)) {
                return valueOf(d.getString(Tag.SpecificCharacterSet));
            }
        }
        return DEFAULT;
    }

    /**
     * Makes {@code ds} able to hold all its text: when some text value (in it or its items) cannot be
     * encoded with the character set in effect, (0008,0005) becomes ISO_IR 192 (UTF-8), and items that
     * name their own set lose it. Returns true when it changed the data set.
     */
    public static boolean selectFor(DataSet ds) {
        SpecificCharacterSet cs = of(ds);
        if (cs == ISO_IR_192 || encodable(ds, cs)) {
            return false;
        }
        ds.setString(Tag.SpecificCharacterSet, Vr.CS, "ISO_IR 192");
        dropNested(ds);
        return true;
    }

    private static boolean encodable(DataSet ds, SpecificCharacterSet inherited) {
        SpecificCharacterSet cs = ds.contains(Tag.SpecificCharacterSet)
                ? valueOf(ds.getString(Tag.SpecificCharacterSet)) : inherited;
        for (int i = 0; i < ds.size(); i++) {
            Object v = ds.valueAt(i);
            if (v instanceof String s && ds.vrAt(i).kind() == Vr.Kind.TEXT && !cs.canEncode(s)) {
                return false;
            }
            if (v instanceof Sequence seq) {
                for (DataSet item : seq) {
                    if (!encodable(item, cs)) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    private static void dropNested(DataSet ds) {
        for (int i = 0; i < ds.size(); i++) {
            if (ds.valueAt(i) instanceof Sequence seq) {
                for (DataSet item : seq) {
                    item.remove(Tag.SpecificCharacterSet);
                    dropNested(item);
                }
            }
        }
    }

    /** The (0008,0005) value this set was made from ("" for the default repertoire). */
    public String value() {
        return value;
    }

    public boolean usesCodeExtensions() {
        return charset == null;
    }

    /** True when every character of {@code s} can be written in this set. */
    public boolean canEncode(String s) {
        if (isAscii(s)) {
            return true;
        }
        if (charset != null) {
            return charset == StandardCharsets.UTF_8 || charset.newEncoder().canEncode(s);
        }
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            String ch = new String(Character.toChars(cp));
            i += ch.length();
            if (cp >= 0x80 && elements.stream().noneMatch(ce -> ce.encode(ch) != null)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** Decodes a text value; {@code personName} makes ^ and = reset the code elements (PS3.5 6.1.2.5.3). */
    public String decode(byte[] b, int off, int len, boolean personName) {
        if (charset != null) {
            return new String(b, off, len, charset);
        }
        StringBuilder sb = new StringBuilder(len);
        CodeElement g0 = initialG0;
        CodeElement g1 = initialG1;
        int end = off + len;
        int i = off;
        while (i < end) {
            int c = b[i] & 0xFF;
            if (c == ESC) {
                CodeElement ce = escapeAt(b, i, end);
                if (ce == null) {
                    // unknown escape: keep the rest of the value as raw bytes, escape included
                    for (int k = i; k < end; k++) {
                        sb.append((char) (b[k] & 0xFF));
                    }
                    break;
                }
                if (ce.g0) {
                    g0 = ce;
                } else {
                    g1 = ce;
                }
                i += ce.escape.length;
            } else if (c < 0x80 && g0.multiByte() && c > 0x20 && c < 0x7F) {
                int j = i;
                while (j < end && (b[j] & 0xFF) > 0x20 && (b[j] & 0xFF) < 0x7F) {
                    j++;
                }
                sb.append(g0.decode(b, i, j - i));
                i = j;
            } else if (c < 0x80) {
                if (c == '\\' || c == '\r' || c == '\n' || c == '\f' || (personName && (c == '^' || c == '='))) {
                    g0 = initialG0;
                    g1 = initialG1;
                }
                sb.append(g0 == CodeElement.JIS_ROMAN ? g0.decode(b, i, 1) : String.valueOf((char) c));
                i++;
            } else {
                int j = i;
                while (j < end && (b[j] & 0xFF) >= 0x80) {
                    j++;
                }
                sb.append(g1 == null ? new String(b, i, j - i, StandardCharsets.ISO_8859_1) : g1.decode(b, i, j - i));
                i = j;
            }
        }
        return sb.toString();
    }

    private CodeElement escapeAt(byte[] b, int i, int end) {
        for (CodeElement ce : CodeElement.values()) {
            int n = ce.escape.length;
            if (i + n <= end && Arrays.equals(b, i, i + n, ce.escape, 0, n)) {
                return ce;
            }
        }
        return null;
    }

    /** Encodes a text value; characters the set cannot represent become '?'. */
    public byte[] encode(String s, boolean personName) {
        if (charset != null) {
            return s.getBytes(charset);
        }
        if (isAscii(s)) {
            return s.getBytes(StandardCharsets.US_ASCII);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length() * 2);
        CodeElement g0 = initialG0;
        CodeElement g1 = initialG1;
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            if (cp == ESC) {
                // raw bytes kept by decode() after an unknown escape sequence
                for (int k = i; k < s.length(); k++) {
                    out.write(s.charAt(k));
                }
                return out.toByteArray();
            }
            String ch = new String(Character.toChars(cp));
            i += ch.length();
            if (cp < 0x80) {
                boolean delimiter = cp == '\\' || cp == '\r' || cp == '\n' || cp == '\f'
                        || (personName && (cp == '^' || cp == '='));
                if (delimiter || g0.multiByte()) {
                    // PS3.5 6.1.2.5.3: value 1's elements are active again before delimiters
                    CodeElement target = delimiter || !initialG0.multiByte() ? initialG0 : CodeElement.ASCII;
                    if (g0 != target) {
                        out.writeBytes(target.escape);
                        g0 = target;
                    }
                    if (delimiter && g1 != initialG1 && initialG1 != null) {
                        out.writeBytes(initialG1.escape);
                        g1 = initialG1;
                    }
                }
                out.write(cp);
                continue;
            }
            byte[] bytes = null;
            CodeElement use = null;
            for (CodeElement ce : candidates(g0, g1)) {
                bytes = ce.encode(ch);
                if (bytes != null) {
                    use = ce;
                    break;
                }
            }
            if (use == null) {
                out.write('?');
                continue;
            }
            if (use.g0 && g0 != use) {
                out.writeBytes(use.escape);
                g0 = use;
            } else if (!use.g0 && g1 != use) {
                out.writeBytes(use.escape);
                g1 = use;
            }
            out.writeBytes(bytes);
        }
        if (g0 != initialG0) {
            out.writeBytes(initialG0.escape); // PS3.5 6.1.2.5.3: end of value
        }
        return out.toByteArray();
    }

    private List<CodeElement> candidates(CodeElement g0, CodeElement g1) {
        List<CodeElement> list = new ArrayList<>(elements.size() + 2);
        if (g1 != null) {
            list.add(g1);
        }
        if (g0.multiByte()) {
            list.add(g0);
        }
        list.addAll(elements);
        return list;
    }

    @Override
    public String toString() {
        return value.isEmpty() ? "(default repertoire)" : value;
    }
}
