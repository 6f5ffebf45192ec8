package com.imagingmanifest.gateway.fhir;

import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException;
import com.imagingmanifest.gateway.web.OperationOutcomeWriter;
import java.util.List;
import org.hl7.fhir.dstu3.model.OperationOutcome;
import org.hl7.fhir.dstu3.model.OperationOutcome.IssueType;

/**
 * OperationOutcomes inside the FHIR server: the errors a provider throws carry one, and HAPI writes it.
 * Before the FHIR server (servlet filters) the edge's {@link OperationOutcomeWriter} writes them, the
 * same OperationOutcome.
 */
public final class OperationOutcomes {
    private OperationOutcomes() {
    }

    /** One issue per problem; {@code expressions} (FHIRPath locations) may be empty. */
    public static OperationOutcome of(IssueType type, String diagnostics, List<String> expressions) {
        return OperationOutcomeWriter.outcome(type, diagnostics, expressions);
    }

    /** The MDC key of the request id (RequestLogging sets it for the whole request). */
    private static final String REQUEST_ID = "request_id";

    /**
     * {@code " (request id X; the gateway's log has the details)"} for the request being served, or empty
     * outside a request: an operator finds the log lines of a failure the client reports by this id.
     */
    public static String requestIdNote() {
        String id = org.slf4j.MDC.get(REQUEST_ID);
        return id == null ? "" : " (request id " + id + "; the gateway's log has the details)";
    }

    /** An HTTP error HAPI has no exception class for (e.g. 503), carrying its OperationOutcome. */
    public static BaseServerResponseException failure(int status, IssueType type, String message) {
        UnclassifiedServerFailureException e = new UnclassifiedServerFailureException(status, message);
        e.setOperationOutcome(of(type, message, List.of()));
        return e;
    }
}
