package com.imagingmanifest.gateway.viewer;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.io.Part10;
import com.imagingmanifest.dicom.json.DicomJson;
import com.imagingmanifest.dicomweb.DicomwebClient;
import com.imagingmanifest.dicomweb.DicomwebException;
import com.imagingmanifest.dicomweb.HttpTransport;
import com.imagingmanifest.dicomweb.MultipartRelated;
import com.imagingmanifest.gateway.web.OperationOutcomeWriter;
import com.imagingmanifest.gateway.store.ManifestVersions;
import com.imagingmanifest.gateway.store.SelectedInstances;
import com.imagingmanifest.gateway.tenant.PacsConnections;
import com.imagingmanifest.gateway.tenant.Tenant;
import com.imagingmanifest.pacs.Pacs;
import com.imagingmanifest.pacs.PacsException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.hl7.fhir.dstu3.model.OperationOutcome.IssueType;

/**
 * The selection-scoped DICOMweb of one organization (docs/viewers.md): instance-level WADO-RS under
 * {@code /organizations/{org}/dicomweb}, relayed to the organization's PACS, for the instances (and
 * frames) that a current manifest of the organization selects. Everything else is the same 404, so
 * that nobody learns from the answer what the PACS holds. Authentication and the organization check
 * happened before (Spring Security: a token of this organization with {@code ImagingManifest.read}).
 *
 * <p>Bodies are relayed as they arrive, never held whole. DICOM instances do not change under their
 * SOP Instance UID (PS3.3 C.12.1.1.1), so an answer's ETag is made from what was asked, and a
 * revalidation with {@code If-None-Match} is answered 304 after the selection check alone, without
 * the PACS. {@code Range} is passed on, so it is served where the PACS serves it.
 */
final class SelectionScopedDicomweb {
    static final String NOT_SELECTED = "Not selected by a current manifest of this organization";

    private static final String MULTIPART_DICOM_AS_STORED =
            "multipart/related; type=\"application/dicom\"; transfer-syntax=*";
    private static final String MULTIPART_FRAMES_AS_STORED =
            "multipart/related; type=\"application/octet-stream\"; transfer-syntax=*";
    private static final String DICOM_JSON = "application/dicom+json";
    /** Rendering parameters of PS3.18 8.3.5 (viewport, quality, window, annotation...): plain text only. */
    private static final Pattern RENDER_QUERY = Pattern.compile("[A-Za-z0-9=&,.%_:+-]{0,512}");
    /** Response headers that describe the relayed body. */
    private static final List<String> RELAYED = List.of("Content-Type", "Content-Length", "Content-Range",
            "Accept-Ranges", "Last-Modified");
    private static final int BUFFER = 64 * 1024;
    private static final List<String> RENDERED_TYPES = List.of("image/jpeg", "image/png", "image/gif");

    private final SelectedInstances store;
    private final ManifestVersions versions;
    private final PacsConnections connections;
    private final OperationOutcomeWriter outcomes;
    /** Positive selection answers for gateway.viewer.selection-cache-ttl (null: none kept). */
    private final Cache<String, Boolean> selected;
    private final RelayedObjects relayed;

    SelectionScopedDicomweb(SelectedInstances store, ManifestVersions versions, PacsConnections connections,
            OperationOutcomeWriter outcomes, ViewerCacheProperties caches) {
        this.store = store;
        this.versions = versions;
        this.connections = connections;
        this.outcomes = outcomes;
        this.selected = caches.selectionCacheTtl().isZero() ? null
                : Caffeine.newBuilder().expireAfterWrite(caches.selectionCacheTtl()).maximumSize(100_000).build();
        this.relayed = new RelayedObjects(caches.relayCacheSize().toBytes(), caches.relayCacheObjectLimit().toBytes());
    }

    /** Answers a GET or HEAD; {@code segments}: the decoded path after {@code dicomweb}. */
    void serve(Tenant tenant, List<String> segments, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        Optional<WadoPath> parsed;
        try {
            parsed = WadoPath.parse(segments);
        } catch (WadoPath.BadPath e) {
            outcomes.send(response, 400, IssueType.INVALID, e.getMessage());
            return;
        }
        if (parsed.isEmpty() || !selected(tenant, parsed.get())) {
            outcomes.send(response, 404, IssueType.NOTFOUND, NOT_SELECTED);
            return;
        }
        WadoPath path = parsed.get();
        String query = request.getQueryString();
        if (query != null && (!path.resource().name().startsWith("RENDERED") || !RENDER_QUERY.matcher(query).matches())) {
            outcomes.send(response, 400, IssueType.INVALID,
                    "Only rendered resources take query parameters (PS3.18 8.3.5), in plain characters");
            return;
        }
        String accept = accept(path.resource(), request.getHeader("Accept"));
        String etag = etag(path, query, accept);
        response.setHeader("ETag", etag);
        // the selection may end at any time: caches keep the answer but must ask again each time
        response.setHeader("Cache-Control", "private, no-cache");
        response.setHeader("Vary", "Authorization, Accept");
        if (etag.equals(request.getHeader("If-None-Match"))) {
            response.setStatus(304);
            return;
        }
        Pacs pacs = connections.of(tenant);
        Optional<DicomwebClient> dicomweb = pacs.dicomweb();
        if (dicomweb.isPresent()) {
            relay(tenant, etag, dicomweb.get(), path, query, accept, request, response);
        } else {
            fromDimse(pacs, path, request, response);
        }
    }

    /**
     * Whether a current manifest selects what is asked. A "yes" is reused for the cache's TTL (a
     * viewer asks for one instance many times: metadata, rendered, frames); a "no" never is, so a
     * manifest just written is served at once, and the key holds the organization's count of
     * committed updates and deletes, so that one ended by this process is not served from here
     * (another instance's ends within the TTL).
     */
    private boolean selected(Tenant tenant, WadoPath p) {
        if (selected == null) {
            return lookUp(tenant, p);
        }
        String key = tenant.id() + ' ' + versions.changes(tenant.id()) + ' ' + p.study() + '/' + p.series() + '/'
                + p.sop() + ' ' + p.frames() + ' ' + p.resource().wholeInstance();
        if (selected.getIfPresent(key) != null) {
            return true;
        }
        boolean yes = lookUp(tenant, p);
        if (yes) {
            selected.put(key, Boolean.TRUE);
        }
        return yes;
    }

    private boolean lookUp(Tenant tenant, WadoPath p) {
        if (!p.frames().isEmpty()) {
            return store.framesSelected(tenant.id(), p.study(), p.series(), p.sop(), p.frames());
        }
        SelectedInstances.Selection selection = store.selection(tenant.id(), p.study(), p.series(), p.sop());
        // a frame selection does not give away the whole instance's pixel data; its metadata it does
        return p.resource().wholeInstance() ? selection == SelectedInstances.Selection.WHOLE
                : selection != SelectedInstances.Selection.NONE;
    }

    /**
     * The client's Accept, or what a browser's {@code *}/{@code *} (or none) means for the resource.
     * For a rendered resource, the first of the types PS3.18 8.7.4 names that the client lists, so that
     * a browser's long image Accept (with q-values and types no PACS renders) still gets an image.
     */
    private static String accept(WadoPath.Resource resource, String offered) {
        if (offered != null && !offered.isBlank() && !offered.trim().equals("*/*")) {
            if (resource == WadoPath.Resource.RENDERED || resource == WadoPath.Resource.RENDERED_FRAMES) {
                for (String range : offered.split(",")) {
                    String type = range.split(";")[0].trim().toLowerCase(java.util.Locale.ROOT);
                    if (RENDERED_TYPES.contains(type)) {
                        return type;
                    }
                    if (type.equals("image/*") || type.equals("*/*")) {
                        return "image/jpeg";
                    }
                }
            }
            return offered;
        }
        return switch (resource) {
            case INSTANCE -> MULTIPART_DICOM_AS_STORED;
            case METADATA -> DICOM_JSON;
            case RENDERED, RENDERED_FRAMES -> "image/jpeg";
            case FRAMES -> MULTIPART_FRAMES_AS_STORED;
        };
    }

    private static String etag(WadoPath p, String query, String accept) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            String key = p.study() + '/' + p.series() + '/' + p.sop() + p.suffix() + '?' + (query == null ? "" : query)
                    + '\n' + accept;
            return "W/\"" + HexFormat.of().formatHex(sha.digest(key.getBytes(StandardCharsets.UTF_8)), 0, 12) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JVM has SHA-256
        }
    }

    private void relay(Tenant tenant, String etag, DicomwebClient dicomweb, WadoPath path, String query,
            String accept, HttpServletRequest request, HttpServletResponse response) throws IOException {
        boolean whole = request.getHeader("Range") == null;
        if (whole) {
            Optional<RelayedObjects.Answer> kept = relayed.get(tenant.id(), etag);
            if (kept.isPresent()) {
                response.setStatus(200);
                kept.get().headers().forEach(response::setHeader);
                if (!"HEAD".equals(request.getMethod())) {
                    response.getOutputStream().write(kept.get().body());
                }
                return;
            }
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", accept);
        for (String h : List.of("Range", "If-Range")) {
            String v = request.getHeader(h);
            if (v != null) {
                headers.put(h, v);
            }
        }
        String resource = path.suffix() + (query == null ? "" : "?" + query);
        try (HttpTransport.Streamed answer = dicomweb.relay(path.study(), path.series(), path.sop(), resource,
                headers)) {
            int status = answer.status();
            if (status == 200 || status == 206) {
                response.setStatus(status);
                Map<String, String> described = new LinkedHashMap<>();
                for (String h : RELAYED) {
                    answer.headers().firstValue(h).ifPresent(v -> described.put(h, v));
                }
                described.forEach(response::setHeader);
                if (!"HEAD".equals(request.getMethod())) {
                    byte[] body = copy(answer.body(), response.getOutputStream(),
                            whole && status == 200 && fitsTheCache(described) ? relayed.objectLimit() : 0);
                    if (body != null) {
                        relayed.put(tenant.id(), etag, described, body);
                    }
                }
            } else if (status == 404) {
                outcomes.send(response, 404, IssueType.NOTFOUND, "The PACS has no " + path.resource().name()
                        .toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + " for this instance");
            } else if (status == 406 || status == 416 || status == 400) {
                answer.headers().firstValue("Content-Range").ifPresent(v -> response.setHeader("Content-Range", v));
                outcomes.send(response, status, IssueType.NOTSUPPORTED, "The PACS answered HTTP " + status
                        + " to " + path.suffix() + " with Accept: " + accept);
            } else {
                outcomes.send(response, 502, IssueType.EXCEPTION, "The PACS answered HTTP " + status);
            }
        } catch (DicomwebException e) {
            if (!response.isCommitted()) {
                outcomes.send(response, 503, IssueType.TRANSIENT, "PACS " + e.kind().name()
                        .toLowerCase(java.util.Locale.ROOT) + ": " + e.getMessage());
            }
        }
    }

    /** Pixel data and other bulk values (PS3.18 F.2.6) out of the metadata, in every nested item too. */
    private static void withoutBulkData(DataSet ds) {
        for (int tag : ds.tags()) {
            Object value = ds.value(tag);
            if (value instanceof com.imagingmanifest.dicom.data.Sequence items) {
                items.forEach(SelectionScopedDicomweb::withoutBulkData);
            } else if (tag == com.imagingmanifest.dicom.data.Tag.PixelData
                    || value instanceof com.imagingmanifest.dicom.data.Fragments
                    || value instanceof byte[] b && b.length > BULK && BULK_VRS.contains(ds.vr(tag))) {
                ds.remove(tag);
            }
        }
    }

    /** Binary values longer than this are bulk data, as Orthanc's DICOMweb plugin counts them. */
    private static final int BULK = 1024;
    private static final java.util.Set<com.imagingmanifest.dicom.data.Vr> BULK_VRS = java.util.EnumSet.of(
            com.imagingmanifest.dicom.data.Vr.OB, com.imagingmanifest.dicom.data.Vr.OW,
            com.imagingmanifest.dicom.data.Vr.OF, com.imagingmanifest.dicom.data.Vr.OD,
            com.imagingmanifest.dicom.data.Vr.OL, com.imagingmanifest.dicom.data.Vr.OV,
            com.imagingmanifest.dicom.data.Vr.UN);

    /** Whether a body may be kept: its announced length (if any) is within the relay cache's object limit. */
    private boolean fitsTheCache(Map<String, String> described) {
        String length = described.get("Content-Length");
        try {
            return length == null || Long.parseLong(length.trim()) <= relayed.objectLimit();
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * Streams {@code in} to {@code out} as it arrives; returns the whole body as well when it was at
     * most {@code keepUpTo} bytes (else null: a larger body is not held).
     */
    private static byte[] copy(InputStream in, OutputStream out, long keepUpTo) throws IOException {
        byte[] buffer = new byte[BUFFER];
        ByteArrayOutputStream kept = keepUpTo > 0 ? new ByteArrayOutputStream() : null;
        for (int n; (n = in.read(buffer)) >= 0; ) {
            out.write(buffer, 0, n);
            if (kept != null) {
                if (kept.size() + n > keepUpTo) {
                    kept = null;
                } else {
                    kept.write(buffer, 0, n);
                }
            }
        }
        return kept == null ? null : kept.toByteArray();
    }

    /**
     * A DIMSE-only PACS: the instance by C-GET (Pacs.retrieve), sent as the one part of a
     * multipart/related answer, or its attributes as DICOM JSON read from it with the project's own
     * Part 10 reader and JSON writer (bulk data left out: nothing here could serve it). C-GET hands over
     * a whole object, so this one answer is held in memory. Rendering and frames need a codec the
     * gateway does not have: 501.
     */
    private void fromDimse(Pacs pacs, WadoPath path, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        if (path.resource() != WadoPath.Resource.INSTANCE && path.resource() != WadoPath.Resource.METADATA) {
            outcomes.send(response, 501, IssueType.NOTSUPPORTED, "This organization's PACS speaks DIMSE only: the"
                    + " gateway serves its selected instances as application/dicom and metadata; "
                    + path.suffix().substring(1)
                    + " needs a PACS with WADO-RS (pacs.kind orthanc or dicomweb)");
            return;
        }
        Optional<byte[]> part10;
        try {
            part10 = pacs.retrieve(path.study(), path.series(), path.sop());
        } catch (PacsException e) {
            int status = e.unavailable() ? 503 : 502;
            outcomes.send(response, status, status == 503 ? IssueType.TRANSIENT : IssueType.EXCEPTION,
                    "PACS " + e.kind().name().toLowerCase(java.util.Locale.ROOT) + ": " + e.getMessage());
            return;
        }
        if (part10.isEmpty()) {
            outcomes.send(response, 404, IssueType.NOTFOUND, "The PACS has no instance for this selection");
            return;
        }
        byte[] bytes;
        String contentType;
        if (path.resource() == WadoPath.Resource.METADATA) {
            DataSet attributes;
            try {
                attributes = Part10.read(part10.get()).dataSet();
            } catch (RuntimeException unreadable) {
                outcomes.send(response, 502, IssueType.EXCEPTION, "The PACS sent an object the gateway cannot read: "
                        + unreadable.getMessage());
                return;
            }
            withoutBulkData(attributes);
            bytes = DicomJson.writeArray(List.of(attributes)).getBytes(StandardCharsets.UTF_8);
            contentType = DICOM_JSON;
        } else {
            MultipartRelated.Encoded body = MultipartRelated.encode("application/dicom", List.of(part10.get()));
            bytes = body.body();
            contentType = body.contentType();
        }
        response.setStatus(200);
        response.setContentType(contentType);
        response.setContentLength(bytes.length);
        if (!"HEAD".equals(request.getMethod())) {
            response.getOutputStream().write(bytes);
        }
    }
}
