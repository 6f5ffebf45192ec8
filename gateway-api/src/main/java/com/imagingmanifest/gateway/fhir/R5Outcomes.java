package com.imagingmanifest.gateway.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import com.imagingmanifest.kos.ManifestProblem;
import java.util.List;
import org.hl7.fhir.r5.model.OperationOutcome;

/**
 * Errors of the R5 base as R5 OperationOutcomes. The write path and {@link FailureMapper} speak STU3
 * (they are shared with the STU3 base); an OperationOutcome's JSON is the same in both versions for
 * what they put in it (severity, code, diagnostics, expression), so it is re-read as R5.
 */
@Interceptor
final class R5Outcomes {
    private final FhirContext stu3;
    private final FhirContext r5;
    private final FailureMapper failures = new FailureMapper();

    R5Outcomes(FhirContext stu3, FhirContext r5) {
        this.stu3 = stu3;
        this.r5 = r5;
    }

    /** One error issue per problem, its location as the expression. */
    static OperationOutcome problems(List<ManifestProblem> problems) {
        OperationOutcome outcome = new OperationOutcome();
        for (ManifestProblem p : problems) {
            outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR)
                    .setCode(OperationOutcome.IssueType.NOTSUPPORTED).setDiagnostics(p.toString())
                    .addExpression(p.location());
        }
        return outcome;
    }

    @Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
    public BaseServerResponseException classify(RequestDetails request, Throwable failure) {
        BaseServerResponseException answer = failures.classify(request, failure);
        if (answer == null && failure instanceof BaseServerResponseException answered) {
            answer = answered;
        }
        if (answer != null && answer.getOperationOutcome() instanceof org.hl7.fhir.dstu3.model.OperationOutcome o) {
            answer.setOperationOutcome(r5.newJsonParser().parseResource(OperationOutcome.class,
                    stu3.newJsonParser().encodeResourceToString(o)));
        }
        return answer;
    }
}
