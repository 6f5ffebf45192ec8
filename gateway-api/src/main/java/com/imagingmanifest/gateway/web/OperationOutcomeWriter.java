package com.imagingmanifest.gateway.web;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.hl7.fhir.dstu3.model.OperationOutcome;
import org.hl7.fhir.dstu3.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.dstu3.model.OperationOutcome.IssueType;
import org.springframework.stereotype.Component;

/**
 * The one way the edge answers an error itself: a FHIR STU3 OperationOutcome ({@code application/fhir+json})
 * written by the servlet filters (request logging, security, the FHIR server's filter, the viewer's),
 * which run before the FHIR server and so cannot rely on its exception handling. Inside the FHIR server
 * an error is an exception carrying {@link #outcome} (fhir.OperationOutcomes), which HAPI writes.
 */
@Component
public final class OperationOutcomeWriter {

    public static final String FHIR_JSON = "application/fhir+json";

    private final FhirContext fhir;

    /** {@code fhir}: the server's context, so that the OperationOutcome model is scanned once. */
    public OperationOutcomeWriter(FhirContext fhir) {
        this.fhir = fhir;
    }

    /** An error OperationOutcome with one issue; {@code expressions} (FHIRPath locations) may be empty. */
    public static OperationOutcome outcome(IssueType type, String diagnostics, List<String> expressions) {
        OperationOutcome outcome = new OperationOutcome();
        OperationOutcome.OperationOutcomeIssueComponent issue = outcome.addIssue()
                .setSeverity(IssueSeverity.ERROR).setCode(type).setDiagnostics(diagnostics);
        expressions.forEach(issue::addExpression);
        return outcome;
    }

    /** Sets {@code status} and writes one error issue of type {@code code} with {@code diagnostics}. */
    public void send(HttpServletResponse response, int status, IssueType code, String diagnostics)
            throws IOException {
        String body = fhir.newJsonParser().setPrettyPrint(false)
                .encodeResourceToString(outcome(code, diagnostics, List.of()));
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType(FHIR_JSON + ";charset=UTF-8");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
        response.flushBuffer();
    }

    /**
     * The 404 of an organization that is not configured, on every base alike; also what a token of
     * another organization sees (docs/security.md).
     */
    public void unknownOrganization(HttpServletResponse response, String organization) throws IOException {
        send(response, HttpServletResponse.SC_NOT_FOUND, IssueType.NOTFOUND, "Unknown organization: " + organization);
    }
}
