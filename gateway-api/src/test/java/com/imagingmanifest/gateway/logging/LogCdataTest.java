package com.imagingmanifest.gateway.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LogCdataTest {

    private final LogCdata cdata = new LogCdata(2048, 32);

    @Test
    void kvPairsSeparatedBySemicolonAmpersandOrSpace() throws Exception {
        assertEquals(Map.of("a", "1", "b", "two", "c", "x=y", "d", ""),
                cdata.parse(" a=1; b=two&&c=x=y \t d= ", null));
        assertEquals(Map.of("note", "a b;c&d%é"), cdata.parse("note=a%20b%3Bc%26d%25%C3%A9", "kv"));
        assertEquals(Map.of(), cdata.parse("", null));
        assertEquals(Map.of(), cdata.parse(null, "json"));
    }

    @Test
    void jsonFlatObjectOfScalars() throws Exception {
        assertEquals(Map.of("ticket", "RIS-1", "n", "42", "f", "1.5e3", "ok", "true", "name", "Zoë"),
                cdata.parse("{\"ticket\":\"RIS-1\",\"n\":42,\"f\":1.5e3,\"ok\":true,\"name\":\"Zo\\u00eb\"}", "JSON"));
    }

    @Test
    void hostileOrMalformedValuesAreRefusedNamingTheHeader() {
        String[][] refused = {
            {"a=1%0D%0Alevel=ERROR", "kv"}, // CR LF smuggled by percent-encoding
            {"a=%E2%80%A8", "kv"}, // U+2028 line separator
            {"a=%C2%85", "kv"}, // U+0085 next line (C1)
            {"a=%FF", "kv"}, // not UTF-8
            {"a=%2", "kv"}, // truncated escape
            {"novalue", "kv"},
            {"bad key=1", "kv"},
            {"k\u00e9=1", "kv"}, // raw non-ASCII
            {"a=1;a=2", "kv"},
            {"{\"a\":\"x\\ny\"}", "json"},
            {"{\"a\":{\"b\":1}}", "json"},
            {"{\"a\":[1]}", "json"},
            {"{\"a\":null}", "json"},
            {"{\"a\":1,\"a\":2}", "json"},
            {"{\"a\":1} {}", "json"},
            {"[1]", "json"},
            {"{\"a\":", "json"},
            {"{\"bad key\":1}", "json"},
            {"k=" + "x".repeat(2048), "kv"},
        };
        for (String[] r : refused) {
            LogCdata.Invalid e = assertThrows(LogCdata.Invalid.class, () -> cdata.parse(r[0], r[1]), r[0]);
            assertEquals(LogCdata.HEADER, e.header(), r[0]);
            assertTrue(e.getMessage().startsWith("log-cdata"), e.getMessage());
        }
    }

    @Test
    void tooManyFields() {
        StringBuilder kv = new StringBuilder();
        for (int i = 0; i < 33; i++) {
            kv.append("k").append(i).append("=v;");
        }
        LogCdata.Invalid e = assertThrows(LogCdata.Invalid.class, () -> cdata.parse(kv.toString(), null));
        assertTrue(e.getMessage().contains("more than 32"), e.getMessage());
    }

    @Test
    void unknownFormatNamesTheFormatHeader() {
        LogCdata.Invalid e = assertThrows(LogCdata.Invalid.class, () -> cdata.parse("a=1", "xml"));
        assertEquals(LogCdata.FORMAT_HEADER, e.header());
    }

    @Test
    void quotesAndBracesAreJustText() throws Exception {
        assertEquals(Map.of("note", "\"},\"level\":\"ERROR"), cdata.parse("note=\"},\"level\":\"ERROR", null));
    }
}
