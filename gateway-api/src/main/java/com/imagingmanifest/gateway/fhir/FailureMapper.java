package com.imagingmanifest.gateway.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PreconditionFailedException;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import com.imagingmanifest.gateway.manifest.KosTranslation;
import com.imagingmanifest.gateway.manifest.ManifestException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.List;
import org.hl7.fhir.dstu3.model.IdType;
import org.hl7.fhir.dstu3.model.OperationOutcome;
import org.hl7.fhir.dstu3.model.OperationOutcome.IssueType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.TransactionException;

/**
 * The one place where a failure becomes an HTTP status and an OperationOutcome (docs/architecture.md
 * §2). The use cases below the edge throw {@link ManifestException}s, each answered here by its kind.
 * Failures that are not the server's fault get their proper answer instead of HAPI's 500: the store
 * being unreachable (database restarting, pool exhausted) is a temporary condition like a PACS outage
 * (docs/architecture.md §8), 503; a body the FHIR parser chokes on is the client's, 400; anything else
 * unexpected is a 500 whose text stays in the log (docs/security.md).
 */
@Interceptor
final class FailureMapper {
    private static final Logger log = LoggerFactory.getLogger(FailureMapper.class);

    @Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
    public BaseServerResponseException classify(RequestDetails request, Throwable failure) {
        if (failure instanceof BaseServerResponseException answered && answered.getStatusCode() < 500) {
            return null;
        }
        // HAPI wraps what a provider method throws (other than its own exceptions) in an InternalErrorException
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ManifestException refused) {
                return answer(refused);
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (unavailable(t)) {
                return OperationOutcomes.failure(503, IssueType.TRANSIENT,
                        "The gateway's store is unavailable; try again later");
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            // a DataFormatException is always the client's input: a search value HAPI binds
            // (authoring-time=yesterday) before the provider is called; a body that failed inside the
            // parser some other way comes as an UnreadableResourceException (HAPI answers only a
            // DataFormatException of a body itself)
            if (t instanceof DataFormatException || t instanceof ParserFailures.UnreadableResourceException) {
                String message = "The request body is not a valid resource: " + t.getMessage();
                InvalidRequestException invalid = new InvalidRequestException(message);
                invalid.setOperationOutcome(OperationOutcomes.of(IssueType.STRUCTURE, message, List.of()));
                return invalid;
            }
        }
        if (!(failure instanceof BaseServerResponseException) || failure instanceof InternalErrorException) {
            // an unexpected failure: its text (HAPI puts it in the OperationOutcome) can name internal hosts,
            // URLs or SQL; it stays in the log with the request id, which the client gets instead
            log.error("unexpected failure answering {} {}", request.getRequestType(), request.getRequestPath(), failure);
            return OperationOutcomes.failure(500, IssueType.EXCEPTION,
                    "The gateway could not complete the request" + OperationOutcomes.requestIdNote());
        }
        return null; // HAPI's own handling
    }

    /** The HTTP answer to a domain failure; a PACS failure also names the request id for the log. */
    static BaseServerResponseException answer(ManifestException failure) {
        String message = failure.getMessage();
        if (failure instanceof ManifestException.NotFound notFound) {
            return notFound.reference() != null ? new ResourceNotFoundException(new IdType(notFound.reference()))
                    : new ResourceNotFoundException(message);
        } else if (failure instanceof ManifestException.Gone) {
            return new ResourceGoneException(message);
        } else if (failure instanceof ManifestException.VersionConflict) {
            return new ResourceVersionConflictException(message);
        } else if (failure instanceof ManifestException.PreconditionFailed) {
            return new PreconditionFailedException(message);
        } else if (failure instanceof ManifestException.InvalidManifest invalid) {
            InvalidRequestException answer = new InvalidRequestException(message);
            answer.setOperationOutcome(issues(IssueType.INVALID, invalid.problems()));
            return answer;
        } else if (failure instanceof ManifestException.Unprocessable refused) {
            UnprocessableEntityException answer = new UnprocessableEntityException(message);
            if (!refused.problems().isEmpty()) {
                answer.setOperationOutcome(issues(switch (refused.reason()) {
                    case CONTRADICTS_PACS -> IssueType.BUSINESSRULE;
                    case STUDY_NOT_ON_PACS -> IssueType.NOTFOUND;
                    case KOS_EXISTS -> IssueType.DUPLICATE;
                }, refused.problems()));
            }
            return answer;
        } else if (failure instanceof ManifestException.PacsUnavailable) {
            return OperationOutcomes.failure(503, IssueType.TRANSIENT, message + OperationOutcomes.requestIdNote());
        } else if (failure instanceof ManifestException.PacsRefused) {
            return OperationOutcomes.failure(502, IssueType.EXCEPTION, message + OperationOutcomes.requestIdNote());
        } else if (failure instanceof ManifestException.WriteUndone) {
            return OperationOutcomes.failure(503, IssueType.TRANSIENT, message);
        }
        throw new IllegalStateException("no answer for " + failure.getClass().getName());
    }

    /** One error issue per problem, its location (when known) as the expression. */
    private static OperationOutcome issues(IssueType type, List<KosTranslation.Problem> problems) {
        OperationOutcome outcome = new OperationOutcome();
        for (KosTranslation.Problem p : problems) {
            OperationOutcome.OperationOutcomeIssueComponent issue = outcome.addIssue()
                    .setSeverity(OperationOutcome.IssueSeverity.ERROR).setCode(type).setDiagnostics(p.message());
            if (p.location() != null && !p.location().isBlank()) {
                issue.addExpression(p.location());
            }
        }
        return outcome;
    }

    private static boolean unavailable(Throwable t) {
        if (t instanceof DataAccessResourceFailureException || t instanceof TransientDataAccessException
                || t instanceof RecoverableDataAccessException || t instanceof TransactionException
                || t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
            return true;
        }
        // SQLSTATE class 08 connection exception; 57P01..57P03 server shut down or starting (PostgreSQL)
        return t instanceof SQLException sql && sql.getSQLState() != null
                && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"));
    }
}
