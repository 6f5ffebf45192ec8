package com.imagingmanifest.gateway.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import org.hl7.fhir.dstu3.model.OperationOutcome.IssueType;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.CannotCreateTransactionException;

/**
 * The store being unreachable (database restarting, pool exhausted) is a temporary condition like a
 * PACS outage (DESIGN.md section 5): 503 with an OperationOutcome, not a 500 with a stack trace.
 */
@Interceptor
final class StoreFailures {

    @Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
    public BaseServerResponseException storeUnavailable(RequestDetails request, Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (unavailable(t)) {
                return OperationOutcomes.failure(503, IssueType.TRANSIENT,
                        "The gateway's store is unavailable; try again later");
            }
        }
        return null; // HAPI's own handling
    }

    private static boolean unavailable(Throwable t) {
        if (t instanceof DataAccessResourceFailureException || t instanceof TransientDataAccessException
                || t instanceof RecoverableDataAccessException || t instanceof CannotCreateTransactionException
                || t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
            return true;
        }
        // SQLSTATE class 08 connection exception; 57P01..57P03 server shut down or starting (PostgreSQL)
        return t instanceof SQLException sql && sql.getSQLState() != null
                && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"));
    }
}
