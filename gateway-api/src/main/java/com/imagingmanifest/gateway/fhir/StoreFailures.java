package com.imagingmanifest.gateway.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import org.hl7.fhir.dstu3.model.OperationOutcome.IssueType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.TransactionException;

/**
 * Failures that are not the server's fault get their proper answer instead of HAPI's 500: the store
 * being unreachable (database restarting, pool exhausted) is a temporary condition like a PACS outage
 * (docs/architecture.md §8), 503; a body the FHIR parser chokes on is the client's, 400; anything else
 * unexpected is a 500 whose text stays in the log (docs/security.md).
 */
@Interceptor
final class StoreFailures {
    private static final Logger log = LoggerFactory.getLogger(StoreFailures.class);

    @Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
    public BaseServerResponseException classify(RequestDetails request, Throwable failure) {
        if (failure instanceof BaseServerResponseException answered && answered.getStatusCode() < 500) {
            return null;
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (unavailable(t)) {
                return OperationOutcomes.failure(503, IssueType.TRANSIENT,
                        "The gateway's store is unavailable; try again later");
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            // a DataFormatException is always the client's input: a body, or a search value HAPI binds
            // (authoring-time=yesterday) before the provider is called
            if (!(t instanceof BaseServerResponseException)
                    && (t instanceof ca.uhn.fhir.parser.DataFormatException || thrownByTheParser(t))) {
                // HAPI turns only DataFormatException into 400; hostile structure (arrays of arrays where an
                // element belongs, nesting beyond the JSON reader's limit) fails inside the parser otherwise
                InvalidRequestException invalid = new InvalidRequestException(
                        "The request body is not a valid resource: " + t.getMessage());
                invalid.setOperationOutcome(OperationOutcomes.of(IssueType.STRUCTURE,
                        "The request body is not a valid resource: " + t.getMessage(), java.util.List.of()));
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

    private static boolean thrownByTheParser(Throwable t) {
        StackTraceElement[] frames = t.getStackTrace();
        for (int i = 0; i < Math.min(frames.length, 12); i++) {
            String type = frames[i].getClassName();
            if (type.startsWith("ca.uhn.fhir.parser.") || type.startsWith("com.fasterxml.jackson.core.")) {
                return true;
            }
        }
        return false;
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
