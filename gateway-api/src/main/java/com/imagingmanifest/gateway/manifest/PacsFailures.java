package com.imagingmanifest.gateway.manifest;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import com.imagingmanifest.gateway.fhir.OperationOutcomes;
import com.imagingmanifest.pacs.PacsException;
import org.hl7.fhir.dstu3.model.OperationOutcome.IssueType;

/** The HTTP answer to a PACS failure (the mapping of {@link PacsException}). */
final class PacsFailures {
    private PacsFailures() {
    }

    static BaseServerResponseException toHttp(PacsException e) {
        String message = "PACS " + e.kind().name().toLowerCase(java.util.Locale.ROOT) + ": " + e.getMessage()
                + "; nothing was changed";
        return switch (e.kind()) {
            case UNREACHABLE, TIMEOUT -> OperationOutcomes.failure(503, IssueType.TRANSIENT, message);
            case REFUSED, FAILED, UNSUPPORTED -> OperationOutcomes.failure(502, IssueType.EXCEPTION, message);
        };
    }
}
