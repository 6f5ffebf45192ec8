package com.imagingmanifest.gateway.bench;

import ca.uhn.fhir.context.FhirContext;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.hl7.fhir.dstu3.model.Bundle;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.hl7.fhir.dstu3.model.Meta;
import org.hl7.fhir.dstu3.model.Patient;

/**
 * Loads the bench peer (HAPI FHIR's JPA server) with the manifests {@link StoreLoader} puts into the
 * gateway's store: the same JSON, the same ids ({@code ImagingManifest/bulk-n}) and the same patient
 * references ({@code Patient/pK}). HAPI indexes a reference only when its target exists, so each
 * patient is put first as a Patient of that id, carrying an identifier ({@link #PATIENT_SYSTEM} |
 * {@code pK}) for HAPI's chained {@code patient.identifier} search. The load goes through HAPI's
 * REST API as transaction bundles of PUTs (HAPI has no bulk path into its tables that keeps its
 * indexes right): the peer pays for its own indexing, as it would in use. Only the load differs
 * from the gateway's, which is written into its tables in bulk; neither load is measured.
 */
final class HapiPeerLoader {
    static final String PATIENT_SYSTEM = "urn:imagingmanifest:bench:patient";
    /** Entries per transaction: large enough to amortize a request, small enough for HAPI's defaults. */
    static final int BATCH = 500;
    /** The peer's page size (HapiJpaPeer.PAGE_SIZE), the gateway's default page. */
    static final int PAGE = 20;
    /** Transactions under way at once: HAPI indexes on several threads, and the load is not what is measured. */
    static final int LOADERS = 3;

    private final FhirContext fhir;
    private final StoreLoader manifests;

    HapiPeerLoader(FhirContext fhir, StoreLoader manifests) {
        this.fhir = fhir;
        this.manifests = manifests;
    }

    /**
     * The transaction that puts the patients of manifests {@code from} (inclusive) to {@code to}
     * (exclusive) that no earlier manifest has: each as a Patient of the referenced id.
     */
    Bundle patients(long from, long to) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (long n = from; n < to; n++) {
            String patient = manifests.patient(n);
            if (n == 0 || !patient.equals(manifests.patient(n - 1))) {
                Patient p = new Patient();
                p.setId(patient);
                p.addIdentifier().setSystem(PATIENT_SYSTEM).setValue(patient.substring(patient.indexOf('/') + 1));
                bundle.addEntry().setResource(p).getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl(patient);
            }
        }
        return bundle;
    }

    /**
     * The transaction that puts manifests {@code from} to {@code to}, each as the gateway stores it
     * but without its {@code meta} (HAPI keeps its own versions and times).
     */
    Bundle manifests(long from, long to) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        for (long n = from; n < to; n++) {
            ImagingManifest m = fhir.newJsonParser().parseResource(ImagingManifest.class, manifests.json(n));
            m.setMeta(new Meta());
            String id = StoreLoader.id(n);
            m.setId(id);
            bundle.addEntry().setResource(m).getRequest().setMethod(Bundle.HTTPVerb.PUT).setUrl("ImagingManifest/" + id);
        }
        return bundle;
    }

    /** The [from, to) ranges of the transactions that load manifests {@code from} to {@code to}. */
    static List<long[]> batches(long from, long to) {
        List<long[]> ranges = new ArrayList<>();
        for (long start = from; start < to; start += BATCH) {
            ranges.add(new long[] {start, Math.min(to, start + BATCH)});
        }
        return ranges;
    }

    /**
     * Loads manifests {@code from} to {@code to} into the peer at {@code base} (its FHIR root): their
     * new patients first, one transaction after the other (a manifest's reference must find its
     * patient), then the manifests by {@link #LOADERS} transactions at a time.
     */
    void load(HttpClient http, String base, long from, long to) throws Exception {
        List<long[]> ranges = batches(from, to);
        for (long[] range : ranges) {
            Bundle patients = patients(range[0], range[1]);
            if (!patients.getEntry().isEmpty()) {
                send(http, base, patients, "patients of manifests " + range[0] + ".." + range[1]);
            }
        }
        ExecutorService loaders = Executors.newFixedThreadPool(LOADERS);
        try {
            List<Future<?>> sent = new ArrayList<>();
            for (long[] range : ranges) {
                sent.add(loaders.submit(() -> {
                    send(http, base, manifests(range[0], range[1]), "manifests " + range[0] + ".." + range[1]);
                    return null;
                }));
            }
            for (Future<?> f : sent) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof Exception cause ? cause : e;
                }
            }
        } finally {
            loaders.shutdownNow();
        }
    }

    private void send(HttpClient http, String base, Bundle transaction, String what)
            throws IOException, InterruptedException {
        String body = fhir.newJsonParser().encodeResourceToString(transaction);
        HttpRequest request = HttpRequest.newBuilder(URI.create(base)).timeout(Duration.ofMinutes(10))
                .header("Content-Type", "application/fhir+json").header("Accept", "application/fhir+json")
                // no echo of 500 resources back: the load is not measured, the answer not needed
                .header("Prefer", "return=minimal")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            String text = response.body();
            throw new IllegalStateException("HAPI JPA refused the load of " + what + ": HTTP " + response.statusCode()
                    + " " + (text.length() > 500 ? text.substring(0, 500) : text));
        }
    }
}
