package com.imagingmanifest.gateway.security;

import ca.uhn.fhir.context.FhirContext;
import com.imagingmanifest.gateway.fhir.OperationOutcomes;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.hl7.fhir.dstu3.model.OperationOutcome;
import org.hl7.fhir.dstu3.model.OperationOutcome.IssueType;

/**
 * Writes an error as a FHIR STU3 OperationOutcome ({@code application/fhir+json}) from servlet filters,
 * which run before the FHIR server and so cannot rely on its exception handling.
 */
public final class OperationOutcomeResponse {

    public static final String FHIR_JSON = "application/fhir+json";

    private final FhirContext fhir;

    /** {@code fhir}: the server's context, so that the OperationOutcome model is scanned once. */
    public OperationOutcomeResponse(FhirContext fhir) {
        this.fhir = fhir;
    }

    /** Sets {@code status} and writes one error issue of type {@code code} with {@code diagnostics}. */
    public void send(HttpServletResponse response, int status, IssueType code, String diagnostics)
            throws IOException {
        OperationOutcome outcome = OperationOutcomes.of(code, diagnostics, List.of());
        String body = fhir.newJsonParser().setPrettyPrint(false).encodeResourceToString(outcome);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType(FHIR_JSON + ";charset=UTF-8");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
        response.flushBuffer();
    }

    /**
     * The 404 of an organization that is not configured (the FHIR server's TenantRequestFilter answers
     * the same) — also what a token of another organization sees.
     */
    public void unknownOrganization(HttpServletResponse response, String organization) throws IOException {
        send(response, HttpServletResponse.SC_NOT_FOUND, IssueType.NOTFOUND,
                "Unknown organization: " + organization);
    }
}
