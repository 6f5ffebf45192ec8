package com.imagingmanifest.gateway.security;

import com.imagingmanifest.gateway.tenant.Tenant;
import com.imagingmanifest.gateway.tenant.Tenants;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.web.util.UriUtils;

/**
 * What a request under {@code /organizations/{org}/fhir/3} asks for, read from method and path alone,
 * so that security, logs and metrics classify it the same way before the FHIR server sees it.
 * Operation names are those of FHIR's RESTful API (and HAPI's RestOperationTypeEnum codes).
 *
 * @param organization the path's organization segment as sent (id or slug), percent-decoded
 * @param resourceType the resource type segment, or null for whole-system interactions
 * @param id the logical id, or null
 * @param operation the interaction
 */
public record FhirRequest(String organization, String resourceType, String id, Operation operation) {

    static final String ORGANIZATIONS = "organizations";
    /**
     * The API's FHIR bases: {@code /organizations/{org}/fhir/3} (STU3 ImagingManifest) and
     * {@code /organizations/{org}/fhir/5} (R5 ImagingSelection, the same manifests; docs/mapping.md).
     */
    static final List<List<String>> FHIR_BASES = List.of(List.of("fhir", "3"), List.of("fhir", "5"));

    /** The selection-scoped DICOMweb base and the key-image page beside the FHIR base (docs/viewers.md). */
    public static final String DICOMWEB_SEGMENT = "dicomweb";
    public static final String VIEWER_SEGMENT = "viewer";

    /** FHIR interactions; {@link #write} is what needs a write scope. */
    public enum Operation {
        METADATA("metadata", false),
        READ("read", false),
        VREAD("vread", false),
        SEARCH_TYPE("search-type", false),
        SEARCH_SYSTEM("search-system", false),
        HISTORY_INSTANCE("history-instance", false),
        HISTORY_TYPE("history-type", false),
        HISTORY_SYSTEM("history-system", false),
        EXTENDED_OPERATION_READ("extended-operation", false),
        CREATE("create", true),
        UPDATE("update", true),
        PATCH("patch", true),
        DELETE("delete", true),
        TRANSACTION("transaction", true),
        EXTENDED_OPERATION_WRITE("extended-operation", true),
        /** A request to the selection-scoped DICOMweb, {@code /organizations/{org}/dicomweb/...}. */
        WADO_RS("wado-rs", false),
        /** The key-image page and its files, {@code /organizations/{org}/viewer/...}. */
        VIEWER("viewer", false),
        /** Anything else under the organization (not a FHIR path): classified by method alone. */
        OTHER_READ("other", false),
        OTHER_WRITE("other", true);

        private final String code;
        private final boolean write;

        Operation(String code, boolean write) {
            this.code = code;
            this.write = write;
        }

        public String code() {
            return code;
        }

        public boolean write() {
            return write;
        }
    }

    /** Parses a servlet request; empty when the path is not under {@code /organizations/{org}}. */
    public static Optional<FhirRequest> of(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        return parse(request.getMethod(), path);
    }

    /** Parses method and raw (percent-encoded) path; empty when not under {@code /organizations/{org}}. */
    public static Optional<FhirRequest> parse(String method, String rawPath) {
        List<String> segments = segments(rawPath);
        if (segments.size() < 2 || !segments.get(0).equals(ORGANIZATIONS) || segments.get(1).isEmpty()) {
            return Optional.empty();
        }
        String organization = segments.get(1);
        boolean read = isReadMethod(method);
        List<String> rest = segments.subList(2, segments.size());
        if (read && !rest.isEmpty() && (rest.get(0).equals(DICOMWEB_SEGMENT) || rest.get(0).equals(VIEWER_SEGMENT))) {
            return Optional.of(new FhirRequest(organization, null, null,
                    rest.get(0).equals(DICOMWEB_SEGMENT) ? Operation.WADO_RS : Operation.VIEWER));
        }
        if (rest.size() < 2 || !FHIR_BASES.contains(rest.subList(0, 2))) {
            return Optional.of(new FhirRequest(organization, null, null,
                    read ? Operation.OTHER_READ : Operation.OTHER_WRITE));
        }
        return Optional.of(classify(organization, method, read, rest.subList(2, rest.size())));
    }

    private static FhirRequest classify(String organization, String method, boolean read, List<String> s) {
        String m = method.equals("HEAD") ? "GET" : method;
        int n = s.size();
        if (n > 0 && s.get(n - 1).startsWith("$")) {
            // $operations: GET cannot change state (FHIR R3 "Operations" 3.1.0.8.1 says affectsState ops use POST)
            String type = n >= 2 && isType(s.get(0)) ? s.get(0) : null;
            String id = n == 3 && type != null ? s.get(1) : null;
            return new FhirRequest(organization, type, id,
                    read ? Operation.EXTENDED_OPERATION_READ : Operation.EXTENDED_OPERATION_WRITE);
        }
        if (n == 0) {
            return whole(organization, read ? Operation.OTHER_READ : Operation.TRANSACTION);
        }
        String first = s.get(0);
        if (!isType(first)) {
            Operation op = switch (first) {
                case "metadata" -> n == 1 && read ? Operation.METADATA : null;
                case "_history" -> n == 1 && read ? Operation.HISTORY_SYSTEM : null;
                case "_search" -> n == 1 && (read || m.equals("POST")) ? Operation.SEARCH_SYSTEM : null;
                default -> null;
            };
            return whole(organization, op != null ? op : read ? Operation.OTHER_READ : Operation.OTHER_WRITE);
        }
        if (n == 1) {
            Operation op = switch (m) {
                case "GET", "OPTIONS" -> Operation.SEARCH_TYPE;
                case "POST" -> Operation.CREATE;
                case "PUT" -> Operation.UPDATE; // conditional update
                case "PATCH" -> Operation.PATCH; // conditional patch
                case "DELETE" -> Operation.DELETE; // conditional delete
                default -> Operation.OTHER_WRITE;
            };
            return new FhirRequest(organization, first, null, op);
        }
        String second = s.get(1);
        if (n == 2 && second.equals("_search") && (read || m.equals("POST"))) {
            return new FhirRequest(organization, first, null, Operation.SEARCH_TYPE);
        }
        if (n == 2 && second.equals("_history")) {
            return new FhirRequest(organization, first, null,
                    read ? Operation.HISTORY_TYPE : Operation.OTHER_WRITE);
        }
        if (n == 2) {
            Operation op = switch (m) {
                case "GET", "OPTIONS" -> Operation.READ;
                case "PUT" -> Operation.UPDATE;
                case "PATCH" -> Operation.PATCH;
                case "DELETE" -> Operation.DELETE;
                default -> Operation.OTHER_WRITE;
            };
            return new FhirRequest(organization, first, second, op);
        }
        if (s.get(2).equals("_history") && (n == 3 || n == 4)) {
            Operation op = !read ? Operation.OTHER_WRITE : n == 3 ? Operation.HISTORY_INSTANCE : Operation.VREAD;
            return new FhirRequest(organization, first, second, op);
        }
        return new FhirRequest(organization, first, second, read ? Operation.OTHER_READ : Operation.OTHER_WRITE);
    }

    private static FhirRequest whole(String organization, Operation operation) {
        return new FhirRequest(organization, null, null, operation);
    }

    /** GET, HEAD and OPTIONS are safe methods (RFC 9110 9.2.1); everything else may change state. */
    private static boolean isReadMethod(String method) {
        return method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS");
    }

    /** FHIR resource type names start with an upper-case letter; system paths with '_', '$' or lower case. */
    private static boolean isType(String segment) {
        return !segment.isEmpty() && Character.isUpperCase(segment.charAt(0));
    }

    private static List<String> segments(String rawPath) {
        List<String> out = new ArrayList<>();
        int start = rawPath.startsWith("/") ? 1 : 0;
        String path = rawPath.substring(start);
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (path.isEmpty()) {
            return out;
        }
        for (String segment : path.split("/", -1)) {
            out.add(decode(segment));
        }
        return out;
    }

    /** Percent-decodes; a malformed escape stays as sent, so it can match nothing configured (fails closed). */
    private static String decode(String segment) {
        try {
            return UriUtils.decode(segment, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return segment;
        }
    }

    /**
     * A bounded name for metrics and logs: the slug of the configured organization the path names, else
     * {@code unknown} (so that a caller cannot create unlimited time series by inventing organizations).
     */
    public String tenant(Tenants tenants) {
        return tenants.find(organization).map(Tenant::slug).orElse("unknown");
    }

    /** The resource reference {@code Type/id}, or null when the request names no single resource. */
    public String resourceReference() {
        return resourceType != null && id != null ? resourceType + "/" + id : null;
    }
}
