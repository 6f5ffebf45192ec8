package com.imagingmanifest.gateway.metrics;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.io.Part10Object;
import com.imagingmanifest.pacs.InstanceRef;
import com.imagingmanifest.pacs.KosChanges;
import com.imagingmanifest.pacs.KosLedger;
import com.imagingmanifest.pacs.Pacs;
import com.imagingmanifest.pacs.PacsCapability;
import com.imagingmanifest.pacs.PacsException;
import com.imagingmanifest.pacs.QueryLevel;
import com.imagingmanifest.pacs.StoreResult;
import com.imagingmanifest.pacs.SupersededPolicy;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link Pacs} that times every call of the one it wraps: timer {@value #METRIC} tagged with the
 * tenant, the operation ({@code check}, {@code store}, {@code find}, {@code study-context},
 * {@code retrieve}, {@code remove}, {@code discard}, {@code kos-since}) and the outcome ({@code success}, or the
 * {@link PacsException.Kind} in lower case, or {@code error} for anything unexpected).
 */
public final class MeteredPacs implements Pacs {

    public static final String METRIC = "gateway.pacs.operations";

    @FunctionalInterface
    private interface Call<T> {
        T run() throws PacsException;
    }

    private final Pacs pacs;
    private final String tenant;
    private final MeterRegistry registry;

    public MeteredPacs(Pacs pacs, String tenant, MeterRegistry registry) {
        this.pacs = pacs;
        this.tenant = tenant;
        this.registry = registry;
    }

    /** The wrapped PACS (for code that needs the implementation's own extras). */
    public Pacs delegate() {
        return pacs;
    }

    @Override
    public Set<PacsCapability> capabilities() {
        return pacs.capabilities();
    }

    @Override
    public void check() throws PacsException {
        timed("check", () -> {
            pacs.check();
            return null;
        });
    }

    @Override
    public StoreResult store(Part10Object object) throws PacsException {
        return timed("store", () -> pacs.store(object));
    }

    @Override
    public List<DataSet> find(QueryLevel level, DataSet keys) throws PacsException {
        return timed("find", () -> pacs.find(level, keys));
    }

    @Override
    public Optional<DataSet> studyContext(String studyInstanceUid) throws PacsException {
        return timed("study-context", () -> pacs.studyContext(studyInstanceUid));
    }

    @Override
    public Optional<byte[]> retrieve(String studyInstanceUid, String seriesInstanceUid, String sopInstanceUid)
            throws PacsException {
        return timed("retrieve", () -> pacs.retrieve(studyInstanceUid, seriesInstanceUid, sopInstanceUid));
    }

    @Override
    public void remove(InstanceRef kos, SupersededPolicy policy) throws PacsException {
        timed("remove", () -> {
            pacs.remove(kos, policy);
            return null;
        });
    }

    @Override
    public Optional<String> discard(InstanceRef kos) throws PacsException {
        return timed("discard", () -> pacs.discard(kos));
    }

    @Override
    public KosChanges kosSince(String cursor, int limit) throws PacsException {
        return timed("kos-since", () -> pacs.kosSince(cursor, limit));
    }

    @Override
    public KosChanges kosSince(String cursor, int limit, KosLedger ledger) throws PacsException {
        return timed("kos-since", () -> pacs.kosSince(cursor, limit, ledger));
    }

    @Override
    public Optional<com.imagingmanifest.net.dimse.DimseClient.PoolState> associations() {
        return pacs.associations();
    }

    @Override
    public Optional<com.imagingmanifest.dicomweb.DicomwebClient> dicomweb() {
        return pacs.dicomweb();
    }

    @Override
    public void close() {
        pacs.close();
    }

    private <T> T timed(String operation, Call<T> call) throws PacsException {
        long start = System.nanoTime();
        String outcome = "error";
        try {
            T result = call.run();
            outcome = "success";
            return result;
        } catch (PacsException e) {
            outcome = e.kind().name().toLowerCase(Locale.ROOT);
            throw e;
        } finally {
            Timer.builder(METRIC)
                    .description("Calls to a tenant's PACS, by operation and outcome")
                    .tags("tenant", tenant, "operation", operation, "outcome", outcome)
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofSeconds(60))
                    .register(registry)
                    .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }
}
