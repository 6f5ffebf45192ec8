package com.imagingmanifest.gateway.viewer;

import com.imagingmanifest.gateway.web.OperationOutcomeWriter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.hl7.fhir.dstu3.model.OperationOutcome.IssueType;

/**
 * The key-image page (docs/viewers.md): {@code /organizations/{org}/viewer/ImagingManifest/{id}} (and
 * {@code viewer/ImagingSelection/{id}}, the R5 view) is one static HTML page whatever the id, and its script and style sheet are under {@code viewer/assets/}.
 * The page holds no data: its script reads the manifest from the FHIR API and the images from the
 * selection-scoped DICOMweb with the bearer token the user gives it, so the page itself needs none.
 * Files come from the class path ({@code viewer/} in the jar), read once.
 */
final class KeyImagePage {
    /** The manifest's two FHIR views: STU3 at fhir/3, R5 at fhir/5 (docs/mapping.md). */
    private static final java.util.Set<String> VIEWS = java.util.Set.of("ImagingManifest", "ImagingSelection");
    /** FHIR ids (STU3 id datatype): what the page's path accepts. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9.-]{1,64}");
    /**
     * Scripts and styles from the gateway only, images as the blob URLs the script makes, requests to
     * the gateway only; nothing may frame the page or be posted from it.
     */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " img-src 'self' blob:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private record File(String contentType, byte[] bytes) {
    }

    private final File page = load("index.html", "text/html;charset=UTF-8");
    private final Map<String, File> assets = Map.of(
            "viewer.js", load("viewer.js", "text/javascript;charset=UTF-8"),
            "viewer.css", load("viewer.css", "text/css;charset=UTF-8"));
    private final OperationOutcomeWriter outcomes;

    KeyImagePage(OperationOutcomeWriter outcomes) {
        this.outcomes = outcomes;
    }

    /** Answers a GET or HEAD; {@code segments}: the decoded path after {@code viewer}. */
    void serve(List<String> segments, HttpServletRequest request, HttpServletResponse response) throws IOException {
        File file = null;
        if (segments.size() == 2 && VIEWS.contains(segments.get(0)) && ID.matcher(segments.get(1)).matches()) {
            file = page;
        } else if (segments.size() == 2 && segments.get(0).equals("assets")) {
            file = assets.get(segments.get(1));
        }
        if (file == null) {
            outcomes.send(response, 404, IssueType.NOTFOUND,
                    "No such page: the key-image page is viewer/ImagingManifest/{id}");
            return;
        }
        response.setStatus(200);
        response.setContentType(file.contentType());
        response.setContentLength(file.bytes().length);
        response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Cache-Control", "no-cache");
        if (!"HEAD".equals(request.getMethod())) {
            response.getOutputStream().write(file.bytes());
        }
    }

    private static File load(String name, String contentType) {
        try (InputStream in = KeyImagePage.class.getResourceAsStream("/viewer/" + name)) {
            if (in == null) {
                throw new IllegalStateException("viewer/" + name + " is missing from the class path");
            }
            return new File(contentType, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
