package com.imagingmanifest.gateway.logging;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The caller's log context from the {@code log-cdata} header, in the format named by
 * {@code log-cdata-format} ({@code kv}, the default, or {@code json}); see docs/configuration.md for the
 * grammar. The result is a flat map of validated keys to values free of control characters, which the
 * request's log lines carry as fields {@code cdata.<key>}.
 *
 * <p>{@code kv}: pairs {@code key=value} separated by any run of {@code ;}, {@code &}, space or tab;
 * the first {@code =} ends the key; in a value, {@code %XX} is a percent-encoded UTF-8 byte (RFC 3986
 * 2.1), the only way to carry a separator, {@code %} or non-ASCII text.
 *
 * <p>{@code json}: one JSON object (RFC 8259) whose members are strings, numbers or booleans; numbers
 * keep their JSON text.
 */
public final class LogCdata {

    public static final String HEADER = "log-cdata";
    public static final String FORMAT_HEADER = "log-cdata-format";
    public static final Pattern KEY = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    /** A refused header: {@code header} names it, the message says why (for a 400 OperationOutcome). */
    public static final class Invalid extends Exception {
        private final String header;

        Invalid(String header, String message) {
            super(message);
            this.header = header;
        }

        public String header() {
            return header;
        }
    }

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(2).build())
            .build();

    private final int maxBytes;
    private final int maxFields;

    public LogCdata(int maxBytes, int maxFields) {
        this.maxBytes = maxBytes;
        this.maxFields = maxFields;
    }

    /** Parses the two headers; an absent or blank {@code log-cdata} gives an empty map. */
    public Map<String, String> parse(String value, String format) throws Invalid {
        String f = format == null || format.isBlank() ? "kv" : format.trim().toLowerCase(java.util.Locale.ROOT);
        if (!f.equals("kv") && !f.equals("json")) {
            throw new Invalid(FORMAT_HEADER, "log-cdata-format must be kv or json, not '" + clip(format) + "'");
        }
        if (value == null || value.isBlank()) {
            return Map.of();
        }
        if (value.length() > maxBytes) {
            throw new Invalid(HEADER, "log-cdata is longer than " + maxBytes + " bytes");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            // RFC 9110 5.5 field-value: visible ASCII, space and tab; obs-text (bytes >= 0x80) is refused
            if (c != '\t' && (c < 0x20 || c > 0x7E)) {
                throw new Invalid(HEADER, "log-cdata contains a control or non-ASCII character at offset " + i);
            }
        }
        Map<String, String> fields = f.equals("kv") ? parseKv(value) : parseJson(value);
        return Collections.unmodifiableMap(fields);
    }

    private Map<String, String> parseKv(String value) throws Invalid {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : value.split("[;& \\t]+")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq < 0) {
                throw new Invalid(HEADER, "log-cdata pair '" + clip(pair) + "' has no '='");
            }
            put(fields, pair.substring(0, eq), percentDecode(pair.substring(eq + 1)));
        }
        return fields;
    }

    private Map<String, String> parseJson(String value) throws Invalid {
        Map<String, String> fields = new LinkedHashMap<>();
        try (JsonParser p = JSON.createParser(value)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new Invalid(HEADER, "log-cdata must be a JSON object");
            }
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                String key = p.currentName();
                JsonToken v = p.nextToken();
                String text = switch (v) {
                    case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT, VALUE_TRUE, VALUE_FALSE -> p.getText();
                    default -> throw new Invalid(HEADER,
                            "log-cdata member '" + clip(key) + "' must be a string, number or boolean");
                };
                put(fields, key, text);
            }
            if (p.nextToken() != null) {
                throw new Invalid(HEADER, "log-cdata has content after the JSON object");
            }
        } catch (JsonProcessingException e) {
            throw new Invalid(HEADER, "log-cdata is not valid JSON: " + clip(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new Invalid(HEADER, "log-cdata cannot be read: " + clip(e.getMessage()));
        }
        return fields;
    }

    private void put(Map<String, String> fields, String key, String value) throws Invalid {
        if (!KEY.matcher(key).matches()) {
            throw new Invalid(HEADER, "log-cdata key '" + clip(key) + "' must match " + KEY.pattern());
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            // C0, DEL, C1 and the Unicode line/paragraph separators could break or fake a log line
            if (c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == '\u2028' || c == '\u2029') {
                throw new Invalid(HEADER, "log-cdata value of '" + key + "' contains a control character");
            }
        }
        if (fields.put(key, value) != null) {
            throw new Invalid(HEADER, "log-cdata repeats key '" + key + "'");
        }
        if (fields.size() > maxFields) {
            throw new Invalid(HEADER, "log-cdata has more than " + maxFields + " fields");
        }
    }

    private static String percentDecode(String s) throws Invalid {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '%') {
                bytes.write(c);
                continue;
            }
            int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
            int lo = i + 2 < s.length() ? Character.digit(s.charAt(i + 2), 16) : -1;
            if (hi < 0 || lo < 0) {
                throw new Invalid(HEADER, "log-cdata has a '%' not followed by two hex digits");
            }
            bytes.write(hi << 4 | lo);
            i += 2;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new Invalid(HEADER, "log-cdata has percent-encoded bytes that are not UTF-8");
        }
    }

    /** Echoes caller text in an error message only short and printable. */
    private static String clip(String s) {
        if (s == null) {
            return "";
        }
        String printable = s.replaceAll("[^\\x20-\\x7E]", "?");
        return printable.length() > 40 ? printable.substring(0, 40) + "..." : printable;
    }
}
