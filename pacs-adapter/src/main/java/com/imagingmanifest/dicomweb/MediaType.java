package com.imagingmanifest.dicomweb;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A parsed media type (RFC 2045 5.1, RFC 7231 3.1.1.1): {@code type/subtype} with parameters.
 * Type, subtype and parameter names are lower-cased; parameter values keep their case, with quotes
 * and quoted-pair escapes removed.
 */
public record MediaType(String type, String subtype, Map<String, String> parameters) {

    public MediaType {
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /** Parses a Content-Type header value; throws IllegalArgumentException when it is not one. */
    public static MediaType parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("no media type");
        }
        int semi = text.indexOf(';');
        String full = (semi < 0 ? text : text.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
        int slash = full.indexOf('/');
        if (slash <= 0 || slash == full.length() - 1) {
            throw new IllegalArgumentException("not a media type: " + text);
        }
        Map<String, String> params = new LinkedHashMap<>();
        int i = semi < 0 ? text.length() : semi + 1;
        while (i < text.length()) {
            int eq = text.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String name = text.substring(i, eq).trim().toLowerCase(Locale.ROOT);
            StringBuilder value = new StringBuilder();
            int j = eq + 1;
            while (j < text.length() && text.charAt(j) == ' ') {
                j++;
            }
            if (j < text.length() && text.charAt(j) == '"') {
                // RFC 7230 3.2.6 quoted-string with quoted-pair
                j++;
                while (j < text.length() && text.charAt(j) != '"') {
                    char c = text.charAt(j);
                    if (c == '\\' && j + 1 < text.length()) {
                        c = text.charAt(++j);
                    }
                    value.append(c);
                    j++;
                }
                int next = text.indexOf(';', j);
                i = next < 0 ? text.length() : next + 1;
            } else {
                int next = text.indexOf(';', j);
                value.append(text, j, next < 0 ? text.length() : next);
                i = next < 0 ? text.length() : next + 1;
            }
            if (!name.isEmpty()) {
                params.put(name, value.toString().trim());
            }
        }
        return new MediaType(full.substring(0, slash), full.substring(slash + 1), params);
    }

    public String parameter(String name) {
        return parameters.get(name.toLowerCase(Locale.ROOT));
    }

    /** True for {@code type/subtype} regardless of parameters. */
    public boolean is(String typeAndSubtype) {
        return (type + "/" + subtype).equalsIgnoreCase(typeAndSubtype);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(type).append('/').append(subtype);
        parameters.forEach((k, v) -> sb.append("; ").append(k).append("=\"")
                .append(v.replace("\\", "\\\\").replace("\"", "\\\"")).append('"'));
        return sb.toString();
    }
}
