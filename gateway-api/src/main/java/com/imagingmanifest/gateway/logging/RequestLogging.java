package com.imagingmanifest.gateway.logging;

import static net.logstash.logback.argument.StructuredArguments.kv;

import com.imagingmanifest.gateway.security.RequestAudit;
import com.imagingmanifest.gateway.web.OperationOutcomeWriter;
import com.imagingmanifest.gateway.web.RequestContext;
import com.imagingmanifest.gateway.web.RequestContexts;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.dstu3.model.OperationOutcome.IssueType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Gives every request its log context and its records: a request id ({@code X-Request-Id}, accepted
 * when well-formed, else generated, and always echoed), the tenant, the FHIR operation and the caller's
 * {@code log-cdata} go into the MDC for every line logged while the request runs; at the end one line
 * on logger {@value #ACCESS} and, for every write and every refused request, one on logger
 * {@value #AUDIT}. It runs before Spring Security so that refusals are logged with the same context.
 */
public class RequestLogging extends OncePerRequestFilter {

    public static final String ACCESS = "access";
    public static final String AUDIT = "audit";
    public static final String REQUEST_ID_HEADER = "X-Request-Id";
    public static final String MDC_REQUEST_ID = "request_id";
    public static final String MDC_TENANT = "tenant";
    public static final String MDC_OPERATION = "operation";
    public static final String MDC_CDATA_PREFIX = "cdata.";

    private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    // ".../{type}/{id}/_history/{vid}" in Location or Content-Location (FHIR R3 http 2.21.0.8)
    private static final Pattern VERSIONED = Pattern.compile("/([A-Z][A-Za-z]*)/([^/]+)/_history/([^/?]+)");
    private static final Pattern ETAG_VERSION = Pattern.compile("W/\"([^\"]*)\"");

    private static final Logger access = LoggerFactory.getLogger(ACCESS);
    private static final Logger audit = LoggerFactory.getLogger(AUDIT);

    private final LogCdata cdata;
    private final RequestContexts contexts;
    private final OperationOutcomeWriter outcomes;

    public RequestLogging(LogCdata cdata, RequestContexts contexts, OperationOutcomeWriter outcomes) {
        this.cdata = cdata;
        this.contexts = contexts;
        this.outcomes = outcomes;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long start = System.nanoTime();
        String requestId = requestId(request.getHeader(REQUEST_ID_HEADER));
        response.setHeader(REQUEST_ID_HEADER, requestId);
        // the outermost filter: this parses the path and resolves the organization for the whole request
        Optional<RequestContext> fhir = contexts.of(request);
        List<String> keys = new ArrayList<>();
        int status = 500;
        boolean refused = false;
        try {
            put(keys, MDC_REQUEST_ID, requestId);
            fhir.ifPresent(f -> {
                put(keys, MDC_TENANT, f.tenantLabel());
                put(keys, MDC_OPERATION, f.operation().code());
            });
            Map<String, String> fields;
            try {
                fields = cdata.parse(request.getHeader(LogCdata.HEADER), request.getHeader(LogCdata.FORMAT_HEADER));
            } catch (LogCdata.Invalid invalid) {
                outcomes.send(response, HttpServletResponse.SC_BAD_REQUEST, IssueType.INVALID,
                        "Header " + invalid.header() + ": " + invalid.getMessage());
                status = response.getStatus();
                refused = true;
                return;
            }
            fields.forEach((k, v) -> put(keys, MDC_CDATA_PREFIX + k, v));
            chain.doFilter(withRequestId(request, requestId), response);
            status = response.getStatus();
        } finally {
            long micros = (System.nanoTime() - start) / 1000;
            // a request refused for its log-cdata never reached the FHIR server: no write to audit
            record(request, response, refused ? null : fhir.orElse(null), status, micros);
            keys.forEach(MDC::remove);
        }
    }

    private void record(HttpServletRequest request, HttpServletResponse response, RequestContext fhir, int status,
            long micros) {
        String denial = RequestAudit.denial(request);
        String subject = RequestAudit.subject(request);
        if (denial != null || status == 401 || status == 403) {
            audit.warn("{} {} {} {} {} {} {}", kv("event", "denied"), kv("reason", denial != null ? denial : "status"),
                    kv("status", status), kv("method", request.getMethod()), kv("path", request.getRequestURI()),
                    kv("subject", subject), kv("client", RequestAudit.client(request)));
        } else if (fhir != null && fhir.operation().write()) {
            String[] resource = writtenResource(fhir, response);
            audit.info("{} {} {} {} {} {} {} {}", kv("event", "write"), kv("action", fhir.operation().code()),
                    kv("resource", resource[0]), kv("version", resource[1]), kv("status", status),
                    kv("outcome", status < 400 ? "success" : "failure"), kv("subject", subject),
                    kv("client", RequestAudit.client(request)));
        }
        // last: a reader that has the access line has every line of the request (the client may already
        // have the response). The path only: query strings of searches carry patient identifiers.
        access.info("{} {} {} {}", kv("method", request.getMethod()), kv("path", request.getRequestURI()),
                kv("status", status), kv("duration_ms", micros / 1000.0));
    }

    /** {@code [Type/id, version]} of the written resource, from Location or the path and ETag. */
    private static String[] writtenResource(RequestContext fhir, HttpServletResponse response) {
        String location = response.getHeader("Location");
        if (location == null) {
            location = response.getHeader("Content-Location");
        }
        if (location != null) {
            Matcher m = VERSIONED.matcher(location);
            if (m.find()) {
                return new String[] {m.group(1) + "/" + m.group(2), m.group(3)};
            }
        }
        String version = null;
        String etag = response.getHeader("ETag");
        if (etag != null) {
            Matcher m = ETAG_VERSION.matcher(etag);
            version = m.matches() ? m.group(1) : null;
        }
        String reference = fhir.resourceReference() != null ? fhir.resourceReference() : fhir.resourceType();
        return new String[] {reference, version};
    }

    /**
     * The request as the FHIR server sees it: HAPI answers with the incoming {@code X-Request-Id}, or
     * with an id of its own; it must be this one, which the log lines and OperationOutcomes carry.
     */
    private static HttpServletRequest withRequestId(HttpServletRequest request, String requestId) {
        return new jakarta.servlet.http.HttpServletRequestWrapper(request) {
            @Override
            public String getHeader(String name) {
                return REQUEST_ID_HEADER.equalsIgnoreCase(name) ? requestId : super.getHeader(name);
            }

            @Override
            public java.util.Enumeration<String> getHeaders(String name) {
                return REQUEST_ID_HEADER.equalsIgnoreCase(name)
                        ? java.util.Collections.enumeration(List.of(requestId)) : super.getHeaders(name);
            }
        };
    }

    private static String requestId(String offered) {
        return offered != null && REQUEST_ID.matcher(offered).matches() ? offered : UUID.randomUUID().toString();
    }

    private static void put(List<String> keys, String key, String value) {
        MDC.put(key, value);
        keys.add(key);
    }
}
