package com.imagingmanifest.pacs;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Vr;
import com.imagingmanifest.dicom.io.DataSetReader;
import com.imagingmanifest.dicom.io.Part10;
import com.imagingmanifest.dicom.io.Part10Object;
import com.imagingmanifest.net.dimse.DimseClient;
import com.imagingmanifest.net.dimse.DimseException;
import com.imagingmanifest.net.dimse.DimseStatus;
import com.imagingmanifest.net.dimse.QueryRetrieveLevel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A PACS reached by DIMSE only: C-ECHO checks, C-STORE stores, C-FIND (Study Root) finds, C-GET or
 * C-MOVE retrieves. DIMSE has no delete, so a superseded KOS is rejected (IOCM note) or kept.
 *
 * <p>C-MOVE (for archives without C-GET): the archive sends the instance to {@code moveDestination},
 * the gateway's own C-STORE SCP, which hands it over through {@link MoveArrivals}; the archive must
 * have that AE title with the SCP's host and port in its configuration (it never learns them from us).
 *
 * <p>KOS feed: Study Root C-FIND is hierarchical (PS3.4 C.4.1.3.1: a SERIES or IMAGE query names
 * its parent UIDs), so KOS cannot be asked for at IMAGE level across studies. The feed walks down:
 * STUDY level with Modalities in Study = KO, then SERIES level Modality = KO in each such study, then
 * IMAGE level in each such series with Content Date/Time as return keys, and applies the
 * {@link KosWatermark} cursor. A PACS that ignores Modalities in Study (an optional matching key)
 * makes this walk visit every study; each poll costs one C-FIND per study and series with a KOS.
 */
public final class DimsePacs implements Pacs {
    /** PS3.4 C.4.2.1.5: Refused: Move Destination unknown. */
    private static final Duration ARRIVAL_GRACE = Duration.ofSeconds(5);
    private final DimseClient client;
    private final String moveDestination;
    private final MoveArrivals arrivals;

    /** Retrieving by C-GET. */
    public DimsePacs(DimseClient client) {
        this(client, null, null);
    }

    /** Retrieving by C-MOVE to {@code moveDestination} when it is set, else by C-GET. */
    public DimsePacs(DimseClient client, String moveDestination, MoveArrivals arrivals) {
        if (moveDestination != null && arrivals == null) {
            throw new IllegalArgumentException("C-MOVE retrieval needs the SCP's MoveArrivals");
        }
        this.client = client;
        this.moveDestination = moveDestination;
        this.arrivals = arrivals;
    }

    static Pacs open(PacsBinding binding, MoveArrivals arrivals) {
        if (binding.host() == null || binding.aeTitle() == null || binding.port() <= 0) {
            throw new IllegalArgumentException("DIMSE PACS binding needs host, port and AE title");
        }
        String destination = binding.retrieve() == PacsBinding.Retrieve.C_MOVE ? binding.moveDestination() : null;
        return new DimsePacs(client(binding), destination, arrivals);
    }

    private static DimseClient client(PacsBinding binding) {
        return (DimseClient.builder(binding.host(), binding.port(), binding.aeTitle())
                .callingAeTitle(binding.callingAeTitle() != null ? binding.callingAeTitle() : "IMGW")
                .connectTimeout(PacsFactory.connectTimeout(binding))
                .associationTimeout(PacsFactory.responseTimeout(binding))
                .dimseTimeout(PacsFactory.responseTimeout(binding))
                .poolSize(binding.maxAssociations())
                .tlsContext(binding.tlsContext())
                .build());
    }

    @Override
    public Optional<DimseClient.PoolState> associations() {
        return Optional.of(client.poolState());
    }

    @Override
    public Set<PacsCapability> capabilities() {
        return PacsCapability.of(PacsBinding.Kind.DIMSE);
    }

    @Override
    public void check() throws PacsException {
        try {
            client.echo();
        } catch (DimseException e) {
            throw map(e);
        }
    }

    @Override
    public StoreResult store(Part10Object object) throws PacsException {
        InstanceRef ref = InstanceRef.of(object);
        DimseStatus status;
        try {
            status = client.store(object.sopClassUid(), object.sopInstanceUid(), object.dataSet(),
                    object.transferSyntaxUid());
        } catch (DimseException e) {
            // PS3.4 B.2.3 allows no duplicate status, but PACS send 0111H Duplicate SOP Instance (PS3.7
            // C.5.8): the instance is there, which is all a store of an immutable KOS asks for
            if (e.kind() == DimseException.Kind.FAILURE_STATUS && e.status().code() == 0x0111) {
                return new StoreResult(ref, 0x0111, "already stored (Duplicate SOP Instance)");
            }
            throw map(e);
        }
        return new StoreResult(ref, status.code(), status.errorComment());
    }

    @Override
    public List<DataSet> find(QueryLevel level, DataSet keys) throws PacsException {
        List<DataSet> matches = new ArrayList<>();
        try {
            // more matches than the bound: cancel (C-CANCEL) and refuse, never truncate silently
            client.find(QueryRetrieveLevel.valueOf(level.name()), keys, m -> matches.add(m)
                    && matches.size() <= DicomwebPacs.MAX_MATCHES);
        } catch (DimseException e) {
            throw map(e);
        }
        if (matches.size() > DicomwebPacs.MAX_MATCHES) {
            throw new PacsException(PacsException.Kind.FAILED, -1,
                    "more than " + DicomwebPacs.MAX_MATCHES + " C-FIND matches; narrow the keys", null);
        }
        for (DataSet m : matches) {
            m.remove(Tag.QueryRetrieveLevel);
        }
        return matches;
    }

    @Override
    public Optional<DataSet> studyContext(String studyInstanceUid) throws PacsException {
        return find(QueryLevel.STUDY, StudyContext.queryKeys(studyInstanceUid)).stream()
                .filter(m -> studyInstanceUid.equals(m.getString(Tag.StudyInstanceUID)))
                .findFirst().map(StudyContext::project);
    }

    @Override
    public Optional<byte[]> retrieve(String studyInstanceUid, String seriesInstanceUid, String sopInstanceUid)
            throws PacsException {
        DataSet keys = new DataSet();
        keys.setString(Tag.StudyInstanceUID, Vr.UI, studyInstanceUid);
        keys.setString(Tag.SeriesInstanceUID, Vr.UI, seriesInstanceUid);
        keys.setString(Tag.SOPInstanceUID, Vr.UI, sopInstanceUid);
        if (moveDestination != null) {
            return move(keys, sopInstanceUid);
        }
        List<byte[]> received = new ArrayList<>();
        DimseClient.GetResult result;
        try {
            result = client.get(QueryRetrieveLevel.IMAGE, keys, (sopClass, sopInstance, dataSet, ts) -> {
                if (!sopInstanceUid.equals(sopInstance)) {
                    throw new IllegalStateException("asked for " + sopInstanceUid + ", offered " + sopInstance);
                }
                received.add(part10(dataSet, ts));
            });
        } catch (DimseException e) {
            // PS3.4 C.4.3.3.1: a C-GET that matches nothing may end in failure (Orthanc: C000H); only a
            // C-FIND tells "not there" apart from a real failure, and it is asked only in this case
            if (e.kind() == DimseException.Kind.FAILURE_STATUS && received.isEmpty() && !exists(keys)) {
                return Optional.empty();
            }
            throw map(e);
        }
        if (received.isEmpty() && result.failed() + result.warning() > 0) {
            // PS3.4 C.4.3.1.3.1: the PACS holds it but its C-STORE sub-operation to us failed, e.g. because
            // we did not offer the instance's SOP class
            throw new PacsException(PacsException.Kind.FAILED, result.status().code(), String.format(
                    "C-GET of %s: status %04XH, %d sub-operations failed, %d with warnings", sopInstanceUid,
                    result.status().code(), result.failed(), result.warning()), null);
        }
        return received.stream().findFirst();
    }

    /**
     * C-MOVE of one instance to the gateway's SCP (PS3.4 C.4.2): wait for it there before asking, so
     * that it cannot arrive unawaited and be taken for an ordinary store.
     */
    private Optional<byte[]> move(DataSet keys, String sopInstanceUid) throws PacsException {
        try (MoveArrivals.Expected expected = arrivals.expect(moveDestination, sopInstanceUid)) {
            DimseClient.MoveResult result;
            try {
                result = client.move(QueryRetrieveLevel.IMAGE, keys, moveDestination);
            } catch (DimseException e) {
                // as for C-GET, a C-MOVE that matches nothing may end in failure; A801 never means "not there"
                if (e.kind() == DimseException.Kind.FAILURE_STATUS && e.status().code() != PacsException.MOVE_DESTINATION_UNKNOWN
                        && expected.await(Duration.ZERO).isEmpty() && !exists(keys)) {
                    return Optional.empty();
                }
                PacsException failure = map(e);
                String hint = e.kind() == DimseException.Kind.FAILURE_STATUS && e.status().code()
                        == PacsException.MOVE_DESTINATION_UNKNOWN ? " (the archive does not know AE " + moveDestination
                        + ": add it with the gateway's SCP host and port to the archive's configuration)" : "";
                throw new PacsException(failure.kind(), failure.status(), "C-MOVE of " + sopInstanceUid + ": "
                        + e.getMessage() + hint, e);
            }
            // the SCP answered the sub-operation only after the hand-over, so a completed one is here already;
            // the short wait covers only an archive that counts a sub-operation before its answer
            Duration wait = result.completed() > 0 ? ARRIVAL_GRACE : Duration.ZERO;
            Optional<MoveArrivals.Arrival> arrival = expected.await(wait);
            if (arrival.isPresent()) {
                return Optional.of(part10(arrival.get().dataSet(), arrival.get().transferSyntaxUid()));
            }
            if (result.completed() + result.failed() + result.warning() == 0) {
                return Optional.empty(); // matched nothing: the archive does not hold it
            }
            String message = String.format("C-MOVE of %s to %s: status %04XH, %d sub-operations completed, %d failed,"
                    + " %d with warnings%s%s", sopInstanceUid, moveDestination, result.status().code(),
                    result.completed(), result.failed(), result.warning(),
                    result.failedSopInstanceUids().isEmpty() ? "" : ", failed " + result.failedSopInstanceUids(),
                    result.completed() > 0 ? "; the archive sent it elsewhere: check its address for AE "
                            + moveDestination : "");
            throw new PacsException(PacsException.Kind.FAILED, result.status().code(), message, null);
        }
    }

    /** The data set travels without file meta: make it a Part 10 object in the syntax it came in. */
    private static byte[] part10(byte[] dataSet, String ts) {
        return Part10.write(DataSetReader.read(dataSet, 0, dataSet.length, ts), ts);
    }

    private boolean exists(DataSet instanceKeys) throws PacsException {
        return !find(QueryLevel.IMAGE, instanceKeys).isEmpty();
    }

    @Override
    public void remove(InstanceRef kos, SupersededPolicy policy) throws PacsException {
        switch (policy) {
            case KEEP -> { }
            case REJECT -> RejectionNote.reject(this, kos);
            case DELETE -> throw PacsErrors.unsupported("DELETE of an instance", PacsBinding.Kind.DIMSE);
        }
    }

    @Override
    public KosChanges kosSince(String cursor, int limit) throws PacsException {
        return kosSince(cursor, limit, KosLedger.WATERMARK_ONLY);
    }

    @Override
    public KosChanges kosSince(String cursor, int limit, KosLedger ledger) throws PacsException {
        DataSet studyKeys = new DataSet();
        studyKeys.setString(Tag.ModalitiesInStudy, Vr.CS, "KO");
        studyKeys.setEmpty(Tag.StudyInstanceUID, Vr.UI);
        List<DataSet> candidates = new ArrayList<>();
        for (DataSet study : find(QueryLevel.STUDY, studyKeys)) {
            String studyUid = study.getString(Tag.StudyInstanceUID);
            DataSet seriesKeys = new DataSet();
            seriesKeys.setString(Tag.StudyInstanceUID, Vr.UI, studyUid);
            seriesKeys.setString(Tag.Modality, Vr.CS, "KO");
            seriesKeys.setEmpty(Tag.SeriesInstanceUID, Vr.UI);
            for (DataSet series : find(QueryLevel.SERIES, seriesKeys)) {
                DataSet imageKeys = new DataSet();
                imageKeys.setString(Tag.StudyInstanceUID, Vr.UI, studyUid);
                imageKeys.setString(Tag.SeriesInstanceUID, Vr.UI, series.getString(Tag.SeriesInstanceUID));
                imageKeys.setEmpty(Tag.SOPInstanceUID, Vr.UI);
                imageKeys.setEmpty(Tag.SOPClassUID, Vr.UI);
                imageKeys.setEmpty(Tag.ContentDate, Vr.DA);
                imageKeys.setEmpty(Tag.ContentTime, Vr.TM);
                for (DataSet image : find(QueryLevel.IMAGE, imageKeys)) {
                    // identifiers of lower levels carry the parent UIDs (PS3.4 C.4.1.2.1); set them anyway
                    image.setString(Tag.StudyInstanceUID, Vr.UI, studyUid);
                    image.setString(Tag.SeriesInstanceUID, Vr.UI, series.getString(Tag.SeriesInstanceUID));
                    candidates.add(image);
                }
            }
        }
        return KosWatermark.select(candidates, cursor, limit, ledger);
    }

    @Override
    public void close() {
        client.close();
    }

    static PacsException map(DimseException e) {
        return switch (e.kind()) {
            case UNREACHABLE -> new PacsException(PacsException.Kind.UNREACHABLE, -1, e.getMessage(), e);
            case REJECTED -> new PacsException(PacsException.Kind.REFUSED, -1, e.getMessage(), e);
            case TIMEOUT -> new PacsException(PacsException.Kind.TIMEOUT, -1, e.getMessage(), e);
            case FAILURE_STATUS -> new PacsException(PacsException.Kind.FAILED, e.status().code(), e.getMessage(), e);
            // PS3.7 C.5.7: what an SCP answers for a SOP class it does not support
            case NO_PRESENTATION_CONTEXT -> new PacsException(PacsException.Kind.FAILED,
                    DimseStatus.SOP_CLASS_NOT_SUPPORTED, e.getMessage(), e);
            case ABORTED -> new PacsException(PacsException.Kind.FAILED, -1, e.getMessage(), e);
        };
    }
}
