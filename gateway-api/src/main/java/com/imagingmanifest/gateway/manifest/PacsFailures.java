package com.imagingmanifest.gateway.manifest;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import com.imagingmanifest.gateway.fhir.OperationOutcomes;
import com.imagingmanifest.pacs.PacsException;
import java.util.Locale;
import org.hl7.fhir.dstu3.model.OperationOutcome.IssueType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP answer to a PACS failure (the mapping of {@link PacsException}). The PACS's own text names
 * internal hosts, ports, URLs and AE titles: it goes to the log, on a line carrying the request's id,
 * and the client gets the kind of failure and that id (docs/security.md).
 */
final class PacsFailures {
    private static final Logger log = LoggerFactory.getLogger(PacsFailures.class);

    private PacsFailures() {
    }

    static BaseServerResponseException toHttp(PacsException e) {
        String kind = e.kind().name().toLowerCase(Locale.ROOT);
        log.warn("PACS {} (status {}): {}", kind, e.status(), e.getMessage());
        String message = "The organization's PACS " + switch (e.kind()) {
            case UNREACHABLE -> "cannot be reached";
            case TIMEOUT -> "did not answer in time";
            case REFUSED -> "refused the request";
            case FAILED -> "reported a failure";
            case UNSUPPORTED -> "does not support this operation";
        } + "; nothing was changed" + OperationOutcomes.requestIdNote();
        return switch (e.kind()) {
            case UNREACHABLE, TIMEOUT -> OperationOutcomes.failure(503, IssueType.TRANSIENT, message);
            case REFUSED, FAILED, UNSUPPORTED -> OperationOutcomes.failure(502, IssueType.EXCEPTION, message);
        };
    }
}
