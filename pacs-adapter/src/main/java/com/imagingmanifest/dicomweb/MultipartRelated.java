package com.imagingmanifest.dicomweb;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The multipart/related codec of PS3.18 8.6.1.2 (RFC 2387 over the multipart syntax of RFC 2046
 * 5.1.1): writes STOW-RS request bodies and parses WADO-RS responses.
 *
 * <p>Parsing works on a body already bounded by {@link HttpTransport}; each part is a slice of it.
 * Delimiters must be preceded by CRLF as RFC 2046 requires; the preamble and the epilogue are
 * ignored, transport padding after a delimiter is skipped.
 */
public final class MultipartRelated {
    private static final byte[] CRLF = {'\r', '\n'};

    /** One body part: its headers (names lower-cased) and its content. */
    public record Part(Map<String, String> headers, byte[] content) {
        public Part {
            headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        }

        public static Part of(String contentType, byte[] content) {
            return new Part(Map.of("content-type", contentType), content);
        }

        /** The part's Content-Type, or null when it has none. */
        public String contentType() {
            return headers.get("content-type");
        }
    }

    private MultipartRelated() {
    }

    /** A boundary of 1..70 characters from the RFC 2046 bcharsnospace set. */
    public static String newBoundary() {
        return "imgw-" + UUID.randomUUID();
    }

    /** {@code multipart/related; type="<rootType>"; boundary=<boundary>} (RFC 2387 3.1, 3.2). */
    public static String contentType(String rootType, String boundary) {
        return "multipart/related; type=\"" + rootType + "\"; boundary=" + boundary;
    }

    /**
     * Writes {@code parts} with {@code boundary}. Throws IllegalArgumentException when the boundary
     * occurs in a part (RFC 2046 5.1.1: it must not), so callers pick a fresh one.
     */
    public static byte[] write(String boundary, List<Part> parts) {
        byte[] dashBoundary = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Part part : parts) {
            if (indexOf(part.content(), dashBoundary, 0) >= 0) {
                throw new IllegalArgumentException("boundary occurs inside a part");
            }
            out.writeBytes(dashBoundary);
            out.writeBytes(CRLF);
            part.headers().forEach((name, value) -> {
                out.writeBytes(headerName(name).getBytes(StandardCharsets.US_ASCII));
                out.writeBytes(": ".getBytes(StandardCharsets.US_ASCII));
                out.writeBytes(value.getBytes(StandardCharsets.US_ASCII));
                out.writeBytes(CRLF);
            });
            out.writeBytes(CRLF);
            out.writeBytes(part.content());
            out.writeBytes(CRLF);
        }
        out.writeBytes(dashBoundary);
        out.writeBytes("--".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(CRLF);
        return out.toByteArray();
    }

    /** Writes {@code contents} as parts of one media type with a boundary none of them contains. */
    public static Encoded encode(String partType, List<byte[]> contents) {
        List<Part> parts = new ArrayList<>(contents.size());
        for (byte[] c : contents) {
            parts.add(Part.of(partType, c));
        }
        while (true) {
            String boundary = newBoundary();
            try {
                return new Encoded(contentType(partType, boundary), write(boundary, parts));
            } catch (IllegalArgumentException boundaryInContent) {
                // a random UUID inside a DICOM object is astronomically unlikely, but try another
            }
        }
    }

    /** A written multipart body and the Content-Type header that goes with it. */
    public record Encoded(String contentType, byte[] body) {
    }

    /**
     * Parses a multipart body whose Content-Type is {@code contentType}; at most {@code maxParts}
     * parts. Throws IllegalArgumentException on malformed input.
     */
    public static List<Part> parse(String contentType, byte[] body, int maxParts) {
        MediaType type = MediaType.parse(contentType);
        if (!"multipart".equals(type.type())) {
            throw new IllegalArgumentException("not a multipart body: " + contentType);
        }
        String boundary = type.parameter("boundary");
        if (boundary == null || boundary.isEmpty() || boundary.length() > 70) {
            throw new IllegalArgumentException("multipart Content-Type without a valid boundary");
        }
        return parseWithBoundary(boundary, body, maxParts);
    }

    /** Parses a multipart body delimited by {@code boundary}. */
    public static List<Part> parseWithBoundary(String boundary, byte[] body, int maxParts) {
        byte[] dashBoundary = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
        byte[] delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII);
        // the first dash-boundary may start the body or follow a preamble and CRLF
        int pos;
        if (startsWith(body, 0, dashBoundary)) {
            pos = dashBoundary.length;
        } else {
            int d = indexOf(body, delimiter, 0);
            if (d < 0) {
                throw new IllegalArgumentException("multipart body without its boundary");
            }
            pos = d + delimiter.length;
        }
        List<Part> parts = new ArrayList<>();
        while (true) {
            if (startsWith(body, pos, new byte[] {'-', '-'})) {
                return parts; // close-delimiter; the epilogue is ignored
            }
            pos = skipPadding(body, pos);
            if (!startsWith(body, pos, CRLF)) {
                throw new IllegalArgumentException("malformed multipart delimiter line at byte " + pos);
            }
            int partStart = pos + 2;
            int next = indexOf(body, delimiter, partStart);
            if (next < 0) {
                throw new IllegalArgumentException("multipart body truncated: no closing boundary");
            }
            if (parts.size() == maxParts) {
                throw new IllegalArgumentException("multipart body has more than " + maxParts + " parts");
            }
            parts.add(parsePart(body, partStart, next));
            pos = next + delimiter.length;
        }
    }

    private static Part parsePart(byte[] body, int start, int end) {
        Map<String, String> headers = new LinkedHashMap<>();
        int pos = start;
        while (true) {
            int eol = indexOf(body, CRLF, pos);
            if (eol < 0 || eol > end) {
                throw new IllegalArgumentException("multipart part without end of headers");
            }
            if (eol == pos) {
                pos += 2;
                break;
            }
            String line = new String(body, pos, eol - pos, StandardCharsets.ISO_8859_1);
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("malformed part header: " + line);
            }
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            pos = eol + 2;
        }
        byte[] content = new byte[end - pos];
        System.arraycopy(body, pos, content, 0, content.length);
        return new Part(headers, content);
    }

    private static int skipPadding(byte[] body, int pos) {
        // RFC 2046 5.1.1 transport-padding: linear white space after the boundary
        while (pos < body.length && (body[pos] == ' ' || body[pos] == '\t')) {
            pos++;
        }
        return pos;
    }

    private static boolean startsWith(byte[] body, int at, byte[] prefix) {
        if (at < 0 || at + prefix.length > body.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (body[at + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    static int indexOf(byte[] haystack, byte[] needle, int from) {
        int last = haystack.length - needle.length;
        byte first = needle[0];
        for (int i = Math.max(from, 0); i <= last; i++) {
            if (haystack[i] == first && startsWith(haystack, i, needle)) {
                return i;
            }
        }
        return -1;
    }

    private static String headerName(String lower) {
        // Content-Type rather than content-type: some servers compare header names case-sensitively
        StringBuilder sb = new StringBuilder(lower.length());
        boolean upper = true;
        for (char c : lower.toCharArray()) {
            sb.append(upper ? Character.toUpperCase(c) : c);
            upper = c == '-';
        }
        return sb.toString();
    }
}
