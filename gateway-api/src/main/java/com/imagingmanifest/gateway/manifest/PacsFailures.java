package com.imagingmanifest.gateway.manifest;

import com.imagingmanifest.pacs.PacsException;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a PACS failure means for a write ({@link PacsException} to a {@link ManifestException}). The
 * PACS's own text names internal hosts, ports, URLs and AE titles: it goes to the log, on a line
 * carrying the request's id, and the exception's message says only the kind of failure
 * (docs/security.md).
 */
final class PacsFailures {
    private static final Logger log = LoggerFactory.getLogger(PacsFailures.class);

    private PacsFailures() {
    }

    static ManifestException of(PacsException e) {
        String kind = e.kind().name().toLowerCase(Locale.ROOT);
        log.warn("PACS {} (status {}): {}", kind, e.status(), e.getMessage());
        String message = "The organization's PACS " + switch (e.kind()) {
            case UNREACHABLE -> "cannot be reached";
            case TIMEOUT -> "did not answer in time";
            case REFUSED -> "refused the request";
            case FAILED -> "reported a failure";
            case UNSUPPORTED -> "does not support this operation";
        } + "; nothing was changed";
        // a refused association (A-ASSOCIATE-RJ) leaves the PACS as unavailable as one that is down:
        // nothing was changed, and a retry after the operator's fix succeeds (issue 18)
        return e.unavailable() ? new ManifestException.PacsUnavailable(message, e)
                : new ManifestException.PacsRefused(message, e);
    }
}
