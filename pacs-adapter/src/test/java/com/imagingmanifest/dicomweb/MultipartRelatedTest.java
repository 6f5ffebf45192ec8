package com.imagingmanifest.dicomweb;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MultipartRelatedTest {

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void writeThenParseGivesThePartsBack() {
        Random random = new Random(42);
        byte[] a = new byte[5000];
        random.nextBytes(a);
        byte[] b = ascii("\r\n--not-the-boundary\r\n");
        MultipartRelated.Encoded encoded = MultipartRelated.encode("application/dicom", List.of(a, b, new byte[0]));
        List<MultipartRelated.Part> parts = MultipartRelated.parse(encoded.contentType(), encoded.body(), 10);
        assertEquals(3, parts.size());
        assertArrayEquals(a, parts.get(0).content());
        assertArrayEquals(b, parts.get(1).content());
        assertArrayEquals(new byte[0], parts.get(2).content());
        assertEquals("application/dicom", parts.get(0).contentType());
        MediaType type = MediaType.parse(encoded.contentType());
        assertEquals("application/dicom", type.parameter("type"));
    }

    @Test
    void writtenBodyHasTheRfc2046Layout() {
        byte[] body = MultipartRelated.write("XYZ", List.of(MultipartRelated.Part.of("application/dicom", ascii("DATA"))));
        assertEquals("--XYZ\r\nContent-Type: application/dicom\r\n\r\nDATA\r\n--XYZ--\r\n",
                new String(body, StandardCharsets.ISO_8859_1));
    }

    @Test
    void preambleEpiloguePaddingAndQuotedBoundaryAreHandled() {
        String body = "This is a preamble\r\n--b:1 \t\r\nContent-Type: application/dicom\r\nContent-Location: x\r\n\r\n"
                + "ONE\r\n--b:1\r\n\r\nTWO\r\n--b:1--  \r\nepilogue --b:1\r\n";
        List<MultipartRelated.Part> parts = MultipartRelated.parse(
                "Multipart/Related; type=\"application/dicom\"; boundary=\"b:1\"", ascii(body), 10);
        assertEquals(2, parts.size());
        assertArrayEquals(ascii("ONE"), parts.get(0).content());
        assertEquals("x", parts.get(0).headers().get("content-location"));
        assertArrayEquals(ascii("TWO"), parts.get(1).content());
        assertEquals(null, parts.get(1).contentType(), "a part without headers");
    }

    @Test
    void malformedBodiesAreRefused() {
        String ct = "multipart/related; boundary=B";
        assertThrows(IllegalArgumentException.class, () -> MultipartRelated.parse(ct, ascii("no boundary"), 10));
        assertThrows(IllegalArgumentException.class,
                () -> MultipartRelated.parse(ct, ascii("--B\r\n\r\nunterminated"), 10));
        assertThrows(IllegalArgumentException.class,
                () -> MultipartRelated.parse(ct, ascii("--B\r\nbad header line\r\n\r\nx\r\n--B--"), 10));
        assertThrows(IllegalArgumentException.class,
                () -> MultipartRelated.parse("application/dicom", ascii("--B--"), 10));
        assertThrows(IllegalArgumentException.class,
                () -> MultipartRelated.parse("multipart/related", ascii("--B--"), 10));
    }

    @Test
    void partCountIsBounded() {
        String body = "--B\r\n\r\n1\r\n--B\r\n\r\n2\r\n--B\r\n\r\n3\r\n--B--";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MultipartRelated.parse("multipart/related; boundary=B", ascii(body), 2));
        assertTrue(e.getMessage().contains("more than 2"));
    }

    @Test
    void aBoundaryInsideAPartIsRefusedWhenWriting() {
        assertThrows(IllegalArgumentException.class, () -> MultipartRelated.write("B",
                List.of(MultipartRelated.Part.of("application/dicom", ascii("x--By")))));
    }

    @Test
    void mediaTypeParameters() {
        MediaType t = MediaType.parse("multipart/related; type=\"application/dicom\"; transfer-syntax=*; q=\"a\\\"b\"");
        assertTrue(t.is("multipart/related"));
        assertEquals("*", t.parameter("Transfer-Syntax"));
        assertEquals("a\"b", t.parameter("q"));
        assertThrows(IllegalArgumentException.class, () -> MediaType.parse("nonsense"));
    }
}
