package com.imagingmanifest.gateway.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Pattern;
import net.logstash.logback.marker.SingleFieldAppendingMarker;
import org.slf4j.helpers.MessageFormatter;

/**
 * The plain log format (logback-spring.xml, {@code gateway.logging.format=plain}) is read as
 * {@code key=value} fields on one line per event. Values come from callers (paths, {@code log-cdata},
 * AE titles, Retrieve URLs, exception texts), so none may end the line or look like another field:
 * a value made only of {@link #BARE} characters is printed as it is, any other is quoted with {@code \"},
 * {@code \\} and control characters escaped, as logfmt readers expect. The JSON format needs none of
 * this (its encoder escapes every value).
 */
public final class PlainLogEscaping {

    /** Characters that can neither separate fields nor start a new one. */
    private static final Pattern BARE = Pattern.compile("[A-Za-z0-9_.:/@+%#?&~*!$()\\[\\]|^-]+");

    private PlainLogEscaping() {
    }

    /** {@code value} as one field value: bare when safe, else quoted and escaped. */
    public static String value(String value) {
        if (value != null && BARE.matcher(value).matches()) {
            return value;
        }
        return '"' + escape(String.valueOf(value), true) + '"';
    }

    /** Line and paragraph breaks and other control characters as escapes; quotes too when {@code quotes}. */
    static String escape(String text, boolean quotes) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String replacement = switch (c) {
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                case '\t' -> "\\t";
                case '"' -> quotes ? "\\\"" : null;
                case '\\' -> quotes ? "\\\\" : null;
                default -> c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == '\u2028' || c == '\u2029'
                        ? String.format("\\u%04x", (int) c) : null;
            };
            if (replacement != null && out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (out != null) {
                if (replacement != null) {
                    out.append(replacement);
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? text : out.toString();
    }

    /** {@code %safeMsg}: the message with each argument as a field value ({@code kv(...)} as key=value). */
    public static final class Message extends ClassicConverter {
        @Override
        public String convert(ILoggingEvent event) {
            Object[] args = event.getArgumentArray();
            if (args == null || args.length == 0) {
                return escape(event.getFormattedMessage(), false);
            }
            Object[] safe = new Object[args.length];
            for (int i = 0; i < args.length; i++) {
                safe[i] = argument(args[i]);
            }
            return escape(MessageFormatter.basicArrayFormat(event.getMessage(), safe), false);
        }

        private static String argument(Object arg) {
            String text = String.valueOf(arg);
            if (arg instanceof SingleFieldAppendingMarker field) {
                // StructuredArguments.kv renders "name=value"
                String prefix = field.getFieldName() + "=";
                if (text.startsWith(prefix)) {
                    return prefix + value(text.substring(prefix.length()));
                }
            }
            return value(text);
        }
    }

    /** {@code %safeMdc}: the MDC as {@code key=value, key=value} with escaped keys and values. */
    public static final class Mdc extends ClassicConverter {
        @Override
        public String convert(ILoggingEvent event) {
            Map<String, String> mdc = event.getMDCPropertyMap();
            if (mdc == null || mdc.isEmpty()) {
                return "";
            }
            StringBuilder out = new StringBuilder();
            mdc.forEach((k, v) -> {
                if (out.length() > 0) {
                    out.append(", ");
                }
                out.append(value(k)).append('=').append(value(v));
            });
            return out.toString();
        }
    }

    /**
     * {@code %safeEx}: the stack trace as logback prints it, but each exception's message with its line
     * breaks escaped, so that the lines after an event are only frames and {@code Caused by}.
     */
    public static final class Throwable extends ThrowableProxyConverter {
        @Override
        protected String throwableProxyToString(IThrowableProxy proxy) {
            return super.throwableProxyToString(new Escaped(proxy));
        }
    }

    private record Escaped(IThrowableProxy proxy) implements IThrowableProxy {
        @Override
        public String getMessage() {
            return proxy.getMessage() == null ? null : escape(proxy.getMessage(), false);
        }

        @Override
        public String getOverridingMessage() {
            return proxy.getOverridingMessage() == null ? null : escape(proxy.getOverridingMessage(), false);
        }

        @Override
        public String getClassName() {
            return proxy.getClassName();
        }

        @Override
        public StackTraceElementProxy[] getStackTraceElementProxyArray() {
            return proxy.getStackTraceElementProxyArray();
        }

        @Override
        public int getCommonFrames() {
            return proxy.getCommonFrames();
        }

        @Override
        public IThrowableProxy getCause() {
            return proxy.getCause() == null ? null : new Escaped(proxy.getCause());
        }

        @Override
        public IThrowableProxy[] getSuppressed() {
            IThrowableProxy[] suppressed = proxy.getSuppressed();
            return suppressed == null ? null : Arrays.stream(suppressed).map(Escaped::new).toArray(IThrowableProxy[]::new);
        }

        @Override
        public boolean isCyclic() {
            return proxy.isCyclic();
        }
    }
}
