package com.imagingmanifest.gateway.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.hl7.fhir.dstu3.model.OperationOutcome;
import org.hl7.fhir.dstu3.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.dstu3.model.OperationOutcome.IssueType;

/** OperationOutcome construction, and writing one where HAPI is not yet in charge (servlet filter). */
public final class OperationOutcomes {
    private OperationOutcomes() {
    }

    /** One issue per problem; {@code expressions} (FHIRPath locations) may be empty. */
    public static OperationOutcome of(IssueType type, String diagnostics, List<String> expressions) {
        OperationOutcome outcome = new OperationOutcome();
        OperationOutcome.OperationOutcomeIssueComponent issue = outcome.addIssue()
                .setSeverity(IssueSeverity.ERROR).setCode(type).setDiagnostics(diagnostics);
        expressions.forEach(issue::addExpression);
        return outcome;
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

    static void write(FhirContext fhir, HttpServletResponse response, int status, IssueType type, String message)
            throws IOException {
        byte[] body = fhir.newJsonParser().encodeResourceToString(of(type, message, List.of()))
                .getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("application/fhir+json;charset=UTF-8");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
