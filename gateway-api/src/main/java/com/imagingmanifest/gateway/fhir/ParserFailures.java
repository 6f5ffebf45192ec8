package com.imagingmanifest.gateway.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.FhirVersionEnum;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.IParserErrorHandler;
import ca.uhn.fhir.parser.JsonParser;
import ca.uhn.fhir.parser.LenientErrorHandler;
import ca.uhn.fhir.parser.StrictErrorHandler;
import ca.uhn.fhir.parser.XmlParser;
import java.io.Reader;
import java.util.function.Supplier;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * FHIR contexts whose parsers say when a resource could not be read. HAPI turns only its
 * {@link DataFormatException} into a 400; hostile structure (arrays of arrays where an element
 * belongs, nesting beyond the JSON reader's limit) fails inside the parser with whatever the failing
 * line threw. These parsers wrap such a failure in {@link UnreadableResourceException}, so that
 * {@link FailureMapper} can answer it as the client's by its type.
 */
final class ParserFailures {
    private ParserFailures() {
    }

    /** A resource text the parser failed on other than by a {@link DataFormatException}. */
    static final class UnreadableResourceException extends RuntimeException {
        UnreadableResourceException(Throwable cause) {
            super(cause.getMessage() != null ? cause.getMessage() : cause.toString(), cause);
        }
    }

    /**
     * A context of {@code version} with the strict error handler (unknown elements and other
     * structural errors are 400, not silently dropped content).
     */
    static FhirContext strictContext(FhirVersionEnum version) {
        FhirContext context = new Context(version);
        context.setParserErrorHandler(new StrictErrorHandler());
        return context;
    }

    private static <T> T reading(Supplier<T> parse) {
        try {
            return parse.get();
        } catch (DataFormatException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            throw new UnreadableResourceException(e);
        }
    }

    private static final class Context extends FhirContext {
        /** The handler last set (HAPI's default is lenient); no initialiser runs after the super constructor. */
        private IParserErrorHandler handler;

        Context(FhirVersionEnum version) {
            super(version);
        }

        @Override
        public FhirContext setParserErrorHandler(IParserErrorHandler handler) {
            this.handler = handler;
            return super.setParserErrorHandler(handler);
        }

        private IParserErrorHandler handler() {
            return handler != null ? handler : new LenientErrorHandler();
        }

        @Override
        public IParser newJsonParser() {
            return new JsonParser(this, handler()) {
                @Override
                public <T extends IBaseResource> T doParseResource(Class<T> type, Reader reader) {
                    return reading(() -> super.doParseResource(type, reader));
                }
            };
        }

        @Override
        public IParser newXmlParser() {
            return new XmlParser(this, handler()) {
                @Override
                public <T extends IBaseResource> T doParseResource(Class<T> type, Reader reader) {
                    return reading(() -> super.doParseResource(type, reader));
                }
            };
        }
    }
}
