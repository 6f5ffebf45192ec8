package com.imagingmanifest.gateway.web;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.web.util.UriUtils;

/**
 * What a request under {@code /organizations/{org}} asks for, read from method and path alone: which
 * base beside the organization it addresses, the FHIR version, the interaction, the resource type and
 * id. Pure (no lookup): {@link RequestContexts} adds the organization and keeps the result for the
 * request. Operation names are those of FHIR's RESTful API (and HAPI's RestOperationTypeEnum codes).
 *
 * @param organization the path's organization segment as sent (id or slug), percent-decoded
 * @param base which base the path addresses
 * @param fhirVersion {@code 3} or {@code 5} on a FHIR base, else null
 * @param resourceType the resource type segment, or null for whole-system interactions
 * @param id the logical id, or null
 * @param operation the interaction
 * @param rest the percent-decoded segments after the base ({@code fhir/3}, {@code dicomweb}, {@code viewer},
 *     or the organization for {@link Base#OTHER}); a path ending in {@code /} ends with an empty segment
 */
public record RequestTarget(String organization, Base base, String fhirVersion, String resourceType, String id,
        Operation operation, List<String> rest) {

    static final String ORGANIZATIONS = "organizations";
    static final String FHIR_SEGMENT = "fhir";
    /**
     * The API's FHIR versions: {@code /organizations/{org}/fhir/3} (STU3 ImagingManifest) and
     * {@code /organizations/{org}/fhir/5} (R5 ImagingSelection, the same manifests; docs/mapping.md).
     */
    public static final String STU3 = "3";
    public static final String R5 = "5";
    public static final List<String> FHIR_VERSIONS = List.of(STU3, R5);

    /** The selection-scoped DICOMweb base and the key-image page beside the FHIR base (docs/viewers.md). */
    public static final String DICOMWEB_SEGMENT = "dicomweb";
    public static final String VIEWER_SEGMENT = "viewer";

    /** The bases under an organization. */
    public enum Base {
        /** {@code fhir/3} or {@code fhir/5}. */
        FHIR,
        /** {@code dicomweb}: the selection-scoped WADO-RS. */
        DICOMWEB,
        /** {@code viewer}: the key-image page. */
        VIEWER,
        /** Anything else under the organization: none of the gateway's bases. */
        OTHER
    }

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
        /** A read of the selection-scoped DICOMweb, {@code /organizations/{org}/dicomweb/...}. */
        WADO_RS("wado-rs", false),
        /** A read of the key-image page and its files, {@code /organizations/{org}/viewer/...}. */
        VIEWER("viewer", false),
        /** Anything else under the organization (not a FHIR interaction): classified by method alone. */
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

    public RequestTarget {
        rest = List.copyOf(rest);
    }

    /** Parses method and raw (percent-encoded) path; empty when not under {@code /organizations/{org}}. */
    public static Optional<RequestTarget> parse(String method, String rawPath) {
        List<String> all = segments(rawPath);
        // the classification ignores one trailing slash; the rest handed on keeps it
        List<String> segments = !all.isEmpty() && all.get(all.size() - 1).isEmpty() ? all.subList(0, all.size() - 1)
                : all;
        if (segments.size() < 2 || !segments.get(0).equals(ORGANIZATIONS) || segments.get(1).isEmpty()) {
            return Optional.empty();
        }
        String organization = segments.get(1);
        boolean read = isReadMethod(method);
        List<String> after = segments.subList(2, segments.size());
        if (!after.isEmpty() && (after.get(0).equals(DICOMWEB_SEGMENT) || after.get(0).equals(VIEWER_SEGMENT))) {
            boolean dicomweb = after.get(0).equals(DICOMWEB_SEGMENT);
            Operation op = !read ? Operation.OTHER_WRITE : dicomweb ? Operation.WADO_RS : Operation.VIEWER;
            return Optional.of(new RequestTarget(organization, dicomweb ? Base.DICOMWEB : Base.VIEWER, null, null,
                    null, op, all.subList(3, all.size())));
        }
        if (after.size() < 2 || !after.get(0).equals(FHIR_SEGMENT) || !FHIR_VERSIONS.contains(after.get(1))) {
            return Optional.of(new RequestTarget(organization, Base.OTHER, null, null, null,
                    read ? Operation.OTHER_READ : Operation.OTHER_WRITE, all.subList(2, all.size())));
        }
        return Optional.of(classify(organization, after.get(1), method, read, after.subList(2, after.size()),
                all.subList(4, all.size())));
    }

    private static RequestTarget classify(String organization, String version, String method, boolean read,
            List<String> s, List<String> rest) {
        String m = method.equals("HEAD") ? "GET" : method;
        int n = s.size();
        if (n > 0 && s.get(n - 1).startsWith("$")) {
            // $operations: GET cannot change state (FHIR R3 "Operations" 3.1.0.8.1 says affectsState ops use POST)
            String type = n >= 2 && isType(s.get(0)) ? s.get(0) : null;
            String id = n == 3 && type != null ? s.get(1) : null;
            return fhir(organization, version, type, id,
                    read ? Operation.EXTENDED_OPERATION_READ : Operation.EXTENDED_OPERATION_WRITE, rest);
        }
        if (n == 0) {
            return fhir(organization, version, null, null, read ? Operation.OTHER_READ : Operation.TRANSACTION, rest);
        }
        String first = s.get(0);
        if (!isType(first)) {
            Operation op = switch (first) {
                case "metadata" -> n == 1 && read ? Operation.METADATA : null;
                case "_history" -> n == 1 && read ? Operation.HISTORY_SYSTEM : null;
                case "_search" -> n == 1 && (read || m.equals("POST")) ? Operation.SEARCH_SYSTEM : null;
                default -> null;
            };
            return fhir(organization, version, null, null,
                    op != null ? op : read ? Operation.OTHER_READ : Operation.OTHER_WRITE, rest);
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
            return fhir(organization, version, first, null, op, rest);
        }
        String second = s.get(1);
        if (n == 2 && second.equals("_search") && (read || m.equals("POST"))) {
            return fhir(organization, version, first, null, Operation.SEARCH_TYPE, rest);
        }
        if (n == 2 && second.equals("_history")) {
            return fhir(organization, version, first, null, read ? Operation.HISTORY_TYPE : Operation.OTHER_WRITE,
                    rest);
        }
        if (n == 2) {
            Operation op = switch (m) {
                case "GET", "OPTIONS" -> Operation.READ;
                case "PUT" -> Operation.UPDATE;
                case "PATCH" -> Operation.PATCH;
                case "DELETE" -> Operation.DELETE;
                default -> Operation.OTHER_WRITE;
            };
            return fhir(organization, version, first, second, op, rest);
        }
        if (s.get(2).equals("_history") && (n == 3 || n == 4)) {
            Operation op = !read ? Operation.OTHER_WRITE : n == 3 ? Operation.HISTORY_INSTANCE : Operation.VREAD;
            return fhir(organization, version, first, second, op, rest);
        }
        return fhir(organization, version, first, second, read ? Operation.OTHER_READ : Operation.OTHER_WRITE, rest);
    }

    private static RequestTarget fhir(String organization, String version, String type, String id,
            Operation operation, List<String> rest) {
        return new RequestTarget(organization, Base.FHIR, version, type, id, operation, rest);
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
        String path = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
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

    /** The path after the base, segments joined by {@code /} (empty for the base itself). */
    public String restPath() {
        return String.join("/", rest);
    }

    /** The resource reference {@code Type/id}, or null when the request names no single resource. */
    public String resourceReference() {
        return resourceType != null && id != null ? resourceType + "/" + id : null;
    }
}
