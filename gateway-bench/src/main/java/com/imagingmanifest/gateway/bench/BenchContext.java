package com.imagingmanifest.gateway.bench;

import ca.uhn.fhir.context.FhirContext;
import java.util.function.Consumer;

/**
 * What every scenario of one bench run shares: the options, the report it adds rows to, the progress
 * log (standard error), the HTTP client of the gateway with the bench organization's token, one FHIR
 * context, and the UIDs of the run.
 */
record BenchContext(BenchOptions options, BenchReport report, Consumer<String> log, GatewayClient client,
        FhirContext fhir, SameLengthUids uids) {

    void progress(String line) {
        log.accept(line);
    }
}
