package com.imagingmanifest.pacs;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.dicom.io.Part10Object;
import com.imagingmanifest.dicomweb.DicomwebClient;
import com.imagingmanifest.dicomweb.DicomwebException;
import com.imagingmanifest.dicomweb.QidoQuery;
import com.imagingmanifest.dicomweb.StowResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A PACS reached only through DICOMweb: STOW-RS stores, QIDO-RS finds, WADO-RS retrieves.
 * DICOMweb has no delete, so a superseded KOS can only be rejected (IOCM rejection note) or kept.
 *
 * <p>KOS feed: every poll lists the KOS the server holds with one paged QIDO-RS search
 * ({@code /instances?Modality=KO}) and applies the {@link KosWatermark} cursor; see its limits.
 */
public class DicomwebPacs implements Pacs {
    /** Results of one find; more is an error that asks for narrower keys, not a silent cut. */
    static final int MAX_MATCHES = 10_000;
    private static final int PAGE = 500;

    private final DicomwebClient client;

    public DicomwebPacs(DicomwebClient client) {
        this.client = client;
    }

    DicomwebClient client() {
        return client;
    }

    @Override
    public Optional<DicomwebClient> dicomweb() {
        return Optional.of(client);
    }

    @Override
    public Set<PacsCapability> capabilities() {
        return PacsCapability.of(PacsBinding.Kind.DICOMWEB);
    }

    /** A QIDO-RS study search with limit 1: it proves reachability, authentication and the base URL. */
    @Override
    public void check() throws PacsException {
        try {
            client.searchStudies(QidoQuery.create().match(Tag.StudyInstanceUID, "1.2.3.4.5.6.7.8.9").limit(1));
        } catch (DicomwebException e) {
            throw PacsErrors.from(e);
        }
    }

    @Override
    public StoreResult store(Part10Object object) throws PacsException {
        InstanceRef ref = InstanceRef.of(object);
        StowResult result;
        try {
            result = client.store(ref.studyInstanceUid(), List.of(object.file()));
        } catch (DicomwebException e) {
            throw PacsErrors.from(e);
        }
        Optional<StowResult.Failed> failed = result.failedInstance(ref.sopInstanceUid());
        if (failed.isPresent() || (!result.failed().isEmpty() && result.stored().isEmpty())) {
            int reason = failed.map(StowResult.Failed::failureReason)
                    .orElse(result.failed().get(0).failureReason());
            throw new PacsException(PacsException.Kind.FAILED, reason, String.format(
                    "STOW-RS did not store %s: Failure Reason %04XH (HTTP %d)", ref.sopInstanceUid(), reason,
                    result.httpStatus()), null);
        }
        int warning = result.storedInstance(ref.sopInstanceUid()).map(StowResult.Stored::warningReason).orElse(-1);
        return warning > 0
                ? new StoreResult(ref, warning, String.format("Warning Reason %04XH", warning))
                : new StoreResult(ref, 0, null);
    }

    @Override
    public List<DataSet> find(QueryLevel level, DataSet keys) throws PacsException {
        QidoQuery query = QidoQuery.fromKeys(keys);
        String study = keys.getString(Tag.StudyInstanceUID);
        String series = keys.getString(Tag.SeriesInstanceUID);
        // a single UID may go into the path; a UID list or a wild card stays a matching key
        String studyPath = isSingleUid(study) && level != QueryLevel.STUDY ? study : null;
        String seriesPath = studyPath != null && isSingleUid(series) && level == QueryLevel.IMAGE ? series : null;
        return pages(query, q -> switch (level) {
            case STUDY -> client.searchStudies(q);
            case SERIES -> client.searchSeries(studyPath, q);
            case IMAGE -> client.searchInstances(studyPath, seriesPath, q);
        });
    }

    @Override
    public Optional<DataSet> studyContext(String studyInstanceUid) throws PacsException {
        List<DataSet> matches = find(QueryLevel.STUDY, StudyContext.queryKeys(studyInstanceUid));
        return matches.stream().filter(m -> studyInstanceUid.equals(m.getString(Tag.StudyInstanceUID)))
                .findFirst().map(StudyContext::project);
    }

    @Override
    public Optional<byte[]> retrieve(String studyInstanceUid, String seriesInstanceUid, String sopInstanceUid)
            throws PacsException {
        try {
            return client.retrieveInstance(studyInstanceUid, seriesInstanceUid, sopInstanceUid);
        } catch (DicomwebException e) {
            throw PacsErrors.from(e);
        }
    }

    @Override
    public void remove(InstanceRef kos, SupersededPolicy policy) throws PacsException {
        switch (policy) {
            case KEEP -> { }
            case REJECT -> RejectionNote.reject(this, kos);
            case DELETE -> throw PacsErrors.unsupported("DELETE of an instance", PacsBinding.Kind.DICOMWEB);
        }
    }

    @Override
    public KosChanges kosSince(String cursor, int limit) throws PacsException {
        return kosSince(cursor, limit, KosLedger.WATERMARK_ONLY);
    }

    @Override
    public KosChanges kosSince(String cursor, int limit, KosLedger ledger) throws PacsException {
        QidoQuery query = QidoQuery.create().match(Tag.Modality, "KO")
                .includeField(Tag.StudyInstanceUID).includeField(Tag.SeriesInstanceUID)
                .includeField(Tag.SOPClassUID).includeField(Tag.ContentDate).includeField(Tag.ContentTime)
                .includeField(Tag.InstanceCreationDate).includeField(Tag.InstanceCreationTime);
        List<DataSet> all = pages(query, q -> client.searchInstances(null, null, q));
        return KosWatermark.select(all, cursor, limit, ledger);
    }

    @Override
    public void close() {
        // HttpClient of Java 17 holds no resources that need closing
    }

    private interface Search {
        List<DataSet> run(QidoQuery page) throws DicomwebException;
    }

    /** Follows limit/offset paging (PS3.18 8.3.4.4) until a short page, bounded by MAX_MATCHES. */
    private static List<DataSet> pages(QidoQuery query, Search search) throws PacsException {
        List<DataSet> all = new ArrayList<>();
        try {
            while (true) {
                List<DataSet> page = search.run(query.page(all.size(), PAGE));
                all.addAll(page);
                if (page.size() < PAGE) {
                    return all;
                }
                if (all.size() >= MAX_MATCHES) {
                    throw new PacsException(PacsException.Kind.FAILED, -1,
                            "more than " + MAX_MATCHES + " matches for " + query + "; narrow the keys", null);
                }
            }
        } catch (DicomwebException e) {
            throw PacsErrors.from(e);
        }
    }

    private static boolean isSingleUid(String value) {
        return value != null && Uid.isValid(value);
    }
}
