package com.imagingmanifest.gateway.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.util.UrlUtil;
import com.imagingmanifest.gateway.web.OperationOutcomeWriter;
import com.imagingmanifest.gateway.web.RequestContext;
import com.imagingmanifest.gateway.web.RequestContexts;
import com.imagingmanifest.gateway.web.RequestTarget;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParsingException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.dstu3.model.OperationOutcome.IssueType;
import org.hl7.fhir.dstu3.model.Parameters;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Runs before HAPI on every {@code /organizations/*} request the viewer's filter did not answer: with the
 * organization the edge resolved ({@link RequestContexts}; 404 when unknown, except for the discovery
 * documents, the same for every organization), enforces the body size limit (413), rewrites {@code /{org}/fhir/3/...} to
 * {@code /{org}/...} for {@link OrganizationPathStrategy}, and turns the parameters of a
 * {@code POST _search} body (form-encoded, a FHIR Parameters resource, or a JSON object of name to
 * string or string array) into request parameters, combined with those of the URL.
 */
final class TenantRequestFilter extends OncePerRequestFilter {
    private final RequestContexts contexts;
    private final OperationOutcomeWriter outcomes;
    private final FhirContext fhir;
    private final long maxBodySize;
    private final SmartConfiguration smart;

    TenantRequestFilter(RequestContexts contexts, OperationOutcomeWriter outcomes, FhirContext fhir, long maxBodySize,
            SmartConfiguration smart) {
        this.contexts = contexts;
        this.outcomes = outcomes;
        this.fhir = fhir;
        this.maxBodySize = maxBodySize;
        this.smart = smart;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<RequestContext> parsed = contexts.of(request);
        if (parsed.isEmpty() || parsed.get().base() != RequestTarget.Base.FHIR) {
            outcomes.send(response, 404, IssueType.NOTFOUND,
                    "Not a FHIR base: use /organizations/{organization}/fhir/3 (STU3) or /fhir/5 (R5)");
            return;
        }
        RequestContext context = parsed.get();
        String rest = context.target().restPath();
        // The CapabilityStatement and the SMART document are read without a token and say nothing about
        // the organization: they are answered alike for every organization name, known or not, so that
        // they cannot be used to find out which organizations exist (docs/security.md).
        boolean discovery = rest.equals(SmartConfiguration.PATH) || rest.equals("metadata");
        if (context.organization().isEmpty() && !discovery) {
            outcomes.unknownOrganization(response, context.organizationSegment());
            return;
        }
        if (rest.equals(SmartConfiguration.PATH)) {
            // not a FHIR interaction: a JSON document of its own beside the FHIR base
            if (!"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod())) {
                response.setHeader("Allow", "GET, HEAD");
                outcomes.send(response, 405, IssueType.NOTSUPPORTED, "Only GET reads " + rest);
                return;
            }
            byte[] doc = smart.document().getBytes(StandardCharsets.UTF_8);
            response.setStatus(200);
            response.setContentType("application/json");
            response.setContentLength(doc.length);
            if ("GET".equals(request.getMethod())) {
                response.getOutputStream().write(doc);
            }
            return;
        }
        byte[] body;
        try {
            body = readBody(request);
        } catch (BodyTooLargeException e) {
            outcomes.send(response, 413, IssueType.TOOLONG,
                    "Request body exceeds the limit of " + maxBodySize + " bytes");
            return;
        }
        Map<String, String[]> parameters = new LinkedHashMap<>();
        String contentType = request.getContentType() == null ? ""
                : request.getContentType().toLowerCase(Locale.ROOT);
        boolean search = "POST".equals(request.getMethod()) && rest.endsWith("_search");
        boolean bodyIsParameters = false;
        try {
            if (request.getQueryString() != null) {
                UrlUtil.parseQueryString(request.getQueryString()).forEach((k, v) -> add(parameters, k, List.of(v)));
            }
            if (contentType.startsWith("application/x-www-form-urlencoded")) {
                UrlUtil.parseQueryString(new String(body, StandardCharsets.UTF_8))
                        .forEach((k, v) -> add(parameters, k, List.of(v)));
                bodyIsParameters = true;
            }
        } catch (IllegalArgumentException e) {
            // a broken percent-encoding (RFC 3986 section 2.1) in the query or the form body
            outcomes.send(response, 400, IssueType.INVALID,
                    "Malformed percent-encoding in the query or form body: " + e.getMessage());
            return;
        }
        if (!bodyIsParameters && search && contentType.contains("json")) {
            Map<String, List<String>> fromJson;
            try {
                fromJson = jsonParameters(new String(body, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                outcomes.send(response, 400, IssueType.INVALID,
                        "Search body must be a FHIR Parameters resource or a JSON object of parameter names to"
                                + " string or string-array values: " + e.getMessage());
                return;
            }
            fromJson.forEach((k, v) -> add(parameters, k, v));
            // HAPI reads the parameters of a POST _search from a form body: give it one
            body = formEncoded(fromJson).getBytes(StandardCharsets.UTF_8);
            bodyIsParameters = true;
        }
        // HAPI sees /{org}/{rest}: the version segment is gone (FhirVersions picks the server by it), and
        // OrganizationPathStrategy takes the organization from the first element
        String hapiPathInfo = "/" + context.organizationSegment() + (rest.isEmpty() ? "" : "/" + rest);
        chain.doFilter(new TenantRequest(request, hapiPathInfo, body, parameters, bodyIsParameters),
                new WholeBodyResponse(response));
    }

    private byte[] readBody(HttpServletRequest request) throws IOException, BodyTooLargeException {
        if (request.getContentLengthLong() > maxBodySize) {
            throw new BodyTooLargeException();
        }
        try (InputStream in = request.getInputStream()) {
            byte[] read = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodySize + 1));
            if (read.length > maxBodySize) {
                throw new BodyTooLargeException();
            }
            return read;
        }
    }

    private Map<String, List<String>> jsonParameters(String json) {
        Map<String, List<String>> result = new LinkedHashMap<>();
        if (json.isBlank()) {
            return result;
        }
        JsonObject object;
        try {
            object = Json.createReader(new StringReader(json)).readObject();
        } catch (JsonParsingException | ClassCastException e) {
            throw new IllegalArgumentException("not a JSON object");
        } catch (JsonException e) {
            throw new IllegalArgumentException("malformed JSON");
        }
        if (object.containsKey("resourceType")) {
            Parameters fhirParameters;
            try {
                fhirParameters = fhir.newJsonParser().parseResource(Parameters.class, json);
            } catch (DataFormatException e) {
                throw new IllegalArgumentException(e.getMessage());
            }
            for (Parameters.ParametersParameterComponent p : fhirParameters.getParameter()) {
                if (p.getValue() == null || !p.getValue().isPrimitive()) {
                    throw new IllegalArgumentException("parameter '" + p.getName() + "' needs a primitive value[x]");
                }
                result.computeIfAbsent(p.getName(), k -> new ArrayList<>()).add(p.getValue().primitiveValue());
            }
            return result;
        }
        for (Map.Entry<String, JsonValue> e : object.entrySet()) {
            List<String> values = result.computeIfAbsent(e.getKey(), k -> new ArrayList<>());
            if (e.getValue() instanceof JsonArray array) {
                array.forEach(v -> values.add(scalar(e.getKey(), v)));
            } else {
                values.add(scalar(e.getKey(), e.getValue()));
            }
        }
        return result;
    }

    private static String scalar(String name, JsonValue value) {
        return switch (value.getValueType()) {
            case STRING -> ((JsonString) value).getString();
            case NUMBER, TRUE, FALSE -> value.toString();
            default -> throw new IllegalArgumentException("parameter '" + name + "' must be a string or string array");
        };
    }

    private static String formEncoded(Map<String, List<String>> parameters) {
        StringBuilder form = new StringBuilder();
        parameters.forEach((name, values) -> values.forEach(value -> {
            if (form.length() > 0) {
                form.append('&');
            }
            form.append(java.net.URLEncoder.encode(name, StandardCharsets.UTF_8)).append('=')
                    .append(java.net.URLEncoder.encode(value, StandardCharsets.UTF_8));
        }));
        return form.toString();
    }

    private static void add(Map<String, String[]> parameters, String name, List<String> values) {
        List<String> all = new ArrayList<>(List.of(parameters.getOrDefault(name, new String[0])));
        all.addAll(values);
        parameters.put(name, all.toArray(String[]::new));
    }

    private static final class BodyTooLargeException extends Exception {
        BodyTooLargeException() {
            super(null, null, false, false);
        }
    }

    /** The request as HAPI must see it: tenant-relative path, buffered body, merged parameters. */
    private static final class TenantRequest extends jakarta.servlet.http.HttpServletRequestWrapper {
        private final String pathInfo;
        private final byte[] body;
        private final Map<String, String[]> parameters;
        private final boolean formParameters;

        TenantRequest(HttpServletRequest request, String pathInfo, byte[] body, Map<String, String[]> parameters,
                boolean formParameters) {
            super(request);
            this.pathInfo = pathInfo;
            this.body = body;
            this.parameters = java.util.Collections.unmodifiableMap(parameters);
            this.formParameters = formParameters;
        }

        @Override
        public String getPathInfo() {
            return pathInfo;
        }

        @Override
        public String getRequestURI() {
            return getContextPath() + getServletPath() + pathInfo;
        }

        @Override
        public StringBuffer getRequestURL() {
            String url = super.getRequestURL().toString();
            String origin = url.substring(0, url.indexOf('/', url.indexOf("//") + 2));
            return new StringBuffer(origin).append(getRequestURI());
        }

        @Override
        public String getContentType() {
            return formParameters ? "application/x-www-form-urlencoded" : super.getContentType();
        }

        @Override
        public String getHeader(String name) {
            return formParameters && "content-type".equalsIgnoreCase(name) ? getContentType() : super.getHeader(name);
        }

        @Override
        public java.util.Enumeration<String> getHeaders(String name) {
            return formParameters && "content-type".equalsIgnoreCase(name)
                    ? java.util.Collections.enumeration(List.of(getContentType())) : super.getHeaders(name);
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }

        @Override
        public String getParameter(String name) {
            String[] values = parameters.get(name);
            return values == null || values.length == 0 ? null : values[0];
        }

        @Override
        public Map<String, String[]> getParameterMap() {
            return parameters;
        }

        @Override
        public java.util.Enumeration<String> getParameterNames() {
            return java.util.Collections.enumeration(parameters.keySet());
        }

        @Override
        public String[] getParameterValues(String name) {
            return parameters.get(name);
        }

        @Override
        public jakarta.servlet.ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new jakarta.servlet.ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(jakarta.servlet.ReadListener listener) {
                    throw new UnsupportedOperationException("the body is already buffered");
                }
            };
        }

        @Override
        public java.io.BufferedReader getReader() {
            String encoding = getCharacterEncoding() == null ? "UTF-8" : getCharacterEncoding();
            return new java.io.BufferedReader(new java.io.InputStreamReader(getInputStream(),
                    java.nio.charset.Charset.forName(encoding)));
        }
    }
}
