package com.imagingmanifest.gateway.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.imagingmanifest.gateway.security.SecuredServerTest;
import com.imagingmanifest.gateway.security.TestTokens;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The plain log format as configured in logback-spring.xml, read back as a logfmt reader would: values
 * a caller chose ({@code log-cdata}, the path, a logged argument, an exception text) stay inside their
 * own field and on their own line.
 */
class PlainLogFormatTest extends SecuredServerTest {

    private static PatternLayout plainLayout() throws Exception {
        String config;
        try (InputStream in = PlainLogFormatTest.class.getResourceAsStream("/logback-spring.xml")) {
            config = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Matcher m = Pattern.compile("<appender name=\"plain\".*?<pattern>(.*?)</pattern>", Pattern.DOTALL).matcher(config);
        assertThat(m.find()).as("the plain appender's pattern in logback-spring.xml").isTrue();
        PatternLayout layout = new PatternLayout();
        // the running context read logback-spring.xml, so its conversion rules are registered
        layout.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
        layout.setPattern(m.group(1));
        layout.start();
        return layout;
    }

    /** Fields {@code k=v} separated by spaces or {@code ", "}; values bare or quoted with escapes. */
    static Map<String, String> fields(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        int i = 0;
        while (i < text.length()) {
            while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == ',')) {
                i++;
            }
            if (i >= text.length()) {
                break;
            }
            int eq = text.indexOf('=', i);
            assertThat(eq).as("a field at %d of %s", i, text).isPositive();
            String key = text.substring(i, eq);
            StringBuilder value = new StringBuilder();
            i = eq + 1;
            if (i < text.length() && text.charAt(i) == '"') {
                i++;
                while (text.charAt(i) != '"') {
                    char c = text.charAt(i++);
                    if (c == '\\') {
                        char e = text.charAt(i++);
                        switch (e) {
                            case 'n' -> value.append('\n');
                            case 'r' -> value.append('\r');
                            case 't' -> value.append('\t');
                            case 'u' -> {
                                value.append((char) Integer.parseInt(text.substring(i, i + 4), 16));
                                i += 4;
                            }
                            default -> value.append(e);
                        }
                    } else {
                        value.append(c);
                    }
                }
                i++;
            } else {
                while (i < text.length() && text.charAt(i) != ' ' && text.charAt(i) != ',') {
                    value.append(text.charAt(i++));
                }
            }
            assertThat(out.put(key, value.toString())).as("field %s once in %s", key, text).isNull();
        }
        return out;
    }

    /** The first {@code needle} not inside a quoted value. */
    private static int outsideQuotes(String text, String needle) {
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted && c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && text.startsWith(needle, i)) {
                return i;
            }
        }
        throw new AssertionError("no " + needle + " in " + text);
    }

    @Test
    void callerValuesInARequestStayInTheirFields() throws Exception {
        PatternLayout layout = plainLayout();
        List<String> lines = new CopyOnWriteArrayList<>();
        AppenderBase<ILoggingEvent> capture = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                if ("req-plain-1".equals(event.getMDCPropertyMap().get("request_id"))
                        && event.getLoggerName().equals(RequestLogging.ACCESS)) {
                    lines.add(layout.doLayout(event));
                }
            }
        };
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        capture.setContext(root.getLoggerContext());
        capture.start();
        root.addAppender(capture);
        // decoded: "RIS-1, tenant=evil status=500" and "] level=ERROR ["
        String path = "/organizations/demo/fhir/3/ImagingManifest/x,status=500";
        try {
            HttpResponse<String> r = send("GET", path, token("demo", TestTokens.READ), Map.of("X-Request-Id", "req-plain-1",
                    "log-cdata", "ticket=RIS-1%2C%20tenant%3Devil%20status%3D500;note=%5D%20level%3DERROR%20%5B"), null);
            assertThat(r.statusCode()).isEqualTo(404);
            Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
            while (lines.isEmpty() && Instant.now().isBefore(deadline)) {
                Thread.sleep(20);
            }
        } finally {
            root.detachAppender(capture);
        }
        assertThat(lines).hasSize(1);
        String line = lines.get(0);
        assertThat(line).endsWith("]\n").containsOnlyOnce("\n");
        String afterLogger = line.substring(line.indexOf(" : ") + 3, line.length() - 2);
        int mdcStart = outsideQuotes(afterLogger, " [");
        Map<String, String> message = fields(afterLogger.substring(0, mdcStart));
        Map<String, String> mdc = fields(afterLogger.substring(mdcStart + 2));
        assertThat(message).containsOnlyKeys("method", "path", "status", "duration_ms")
                .containsEntry("path", path).containsEntry("status", "404");
        assertThat(mdc).containsEntry("tenant", "demo").containsEntry("request_id", "req-plain-1")
                .containsEntry("cdata.ticket", "RIS-1, tenant=evil status=500")
                .containsEntry("cdata.note", "] level=ERROR [")
                .doesNotContainKey("status").doesNotContainKey("level");
    }

    @Test
    void lineBreaksInArgumentsAndExceptionTextsAreEscaped() throws Exception {
        PatternLayout layout = plainLayout();
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), context.getLogger("ingest"), Level.WARN,
                "Retrieve URL {} dropped", new IllegalStateException("bad URL\n12:00:00.000 ERROR forged : level=ERROR"),
                new Object[] {"gopher://x\r\n12:00:00.000 ERROR forged : admin=true"});
        String text = layout.doLayout(event);
        String[] lines = text.split("\n");
        assertThat(lines[0]).contains("Retrieve URL \"gopher://x\\r\\n12:00:00.000 ERROR forged : admin=true\" dropped");
        assertThat(lines[1]).isEqualTo("java.lang.IllegalStateException: bad URL\\n12:00:00.000 ERROR forged : level=ERROR");
        for (int i = 2; i < lines.length; i++) {
            assertThat(lines[i]).as("line %d: a frame", i).matches("\t(at |\\.\\.\\. ).*");
        }
        assertThat(text).doesNotContain("\nforged").doesNotContain("\n12:00");
    }
}
