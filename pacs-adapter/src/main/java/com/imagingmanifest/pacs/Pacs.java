package com.imagingmanifest.pacs;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Vr;
import com.imagingmanifest.dicom.io.Part10Object;
import com.imagingmanifest.dicomweb.DicomwebClient;
import com.imagingmanifest.net.dimse.DimseClient;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The gateway's one port to a tenant's PACS (docs/architecture.md §4). Implementations: DIMSE, DICOMweb,
 * Orthanc. Every method either returns or throws a {@link PacsException}; none waits forever.
 */
public interface Pacs extends AutoCloseable {

    /** What this binding can do, so the gateway refuses an impossible policy at start-up. */
    Set<PacsCapability> capabilities();

    /**
     * Whether {@link #remove} can honour {@code policy}: KEEP always, DELETE and REJECT when the
     * matching capability is declared. The gateway checks this at start-up.
     */
    default boolean supports(SupersededPolicy policy) {
        return supports(capabilities(), policy);
    }

    /** Whether a binding with {@code capabilities} can honour {@code policy}. */
    static boolean supports(Set<PacsCapability> capabilities, SupersededPolicy policy) {
        return switch (policy) {
            case KEEP -> true;
            case DELETE -> capabilities.contains(PacsCapability.DELETE);
            case REJECT -> capabilities.contains(PacsCapability.REJECT);
        };
    }

    /**
     * Removes a KOS that was stored but never acknowledged (an abandoned write): DELETE where the
     * binding can, otherwise an IOCM rejection note titled {@link RejectionNote.Reason#PATIENT_SAFETY}
     * (113037), the CID 7011 title every IOCM consumer must hide, never show: nobody was told the KOS
     * exists, so no reader may take it for a confirmed selection. Removing what the PACS no longer
     * holds is not an error; a KOS it does not hold (the failed write never got it there) gets no note. Returns the SOP Instance UID of the note stored, empty when none was.
     */
    default Optional<String> discard(InstanceRef kos) throws PacsException {
        if (supports(SupersededPolicy.DELETE)) {
            remove(kos, SupersededPolicy.DELETE);
            return Optional.empty();
        } else if (supports(SupersededPolicy.REJECT)) {
            // a write that failed may have failed before its KOS arrived: a note for nothing is not stored
            if (!holds(kos)) {
                return Optional.empty();
            }
            return RejectionNote.reject(this, kos, RejectionNote.Reason.PATIENT_SAFETY);
        } else {
            throw new PacsException(PacsException.Kind.UNSUPPORTED, -1,
                    "this PACS can neither delete nor reject a KOS", null);
        }
    }

    /** Whether the PACS holds instance {@code ref} (an IMAGE-level query naming its study and series). */
    default boolean holds(InstanceRef ref) throws PacsException {
        DataSet keys = new DataSet();
        keys.setString(Tag.StudyInstanceUID, Vr.UI, ref.studyInstanceUid());
        keys.setString(Tag.SeriesInstanceUID, Vr.UI, ref.seriesInstanceUid());
        keys.setString(Tag.SOPInstanceUID, Vr.UI, ref.sopInstanceUid());
        return find(QueryLevel.IMAGE, keys).stream()
                .anyMatch(m -> ref.sopInstanceUid().equals(m.getString(Tag.SOPInstanceUID)));
    }

    /** Reachability check (C-ECHO, QIDO or Orthanc /system). */
    void check() throws PacsException;

    /**
     * Stores one Part 10 object (a KOS) as it was written, without parsing it again. Duplicates are not
     * an error. Throws IllegalArgumentException when {@code object} lacks the SOP class, SOP instance,
     * study or series UID.
     */
    StoreResult store(Part10Object object) throws PacsException;

    /**
     * Query at {@code level} with matching and return keys in {@code keys} (empty value = return
     * key). Returns the matches as data sets.
     */
    List<DataSet> find(QueryLevel level, DataSet keys) throws PacsException;

    /** The Patient and General Study attributes the PACS holds for a study, or empty if unknown. */
    Optional<DataSet> studyContext(String studyInstanceUid) throws PacsException;

    /** One instance as Part 10 bytes, or empty when the PACS does not have it. */
    Optional<byte[]> retrieve(String studyInstanceUid, String seriesInstanceUid, String sopInstanceUid)
            throws PacsException;

    /**
     * Removes a superseded KOS by {@code policy}: deletes it, or stores an IOCM rejection note for it
     * ({@link RejectionNote}, title 113001), or (KEEP) does nothing. Removing what the PACS no longer
     * holds is not an error. Throws {@link PacsException} with {@code UNSUPPORTED} when
     * {@link #supports} is false for the policy.
     */
    void remove(InstanceRef kos, SupersededPolicy policy) throws PacsException;

    /**
     * KOS instances that appeared since {@code cursor} (null for the beginning), at most
     * {@code limit}, with the cursor to continue from ({@code done} when nothing more is known now).
     * Cursors are opaque and belong to one implementation: Orthanc's is its change sequence number;
     * DICOMweb and DIMSE use a (Content Date/Time, SOP Instance UID) watermark whose limits are
     * described on each implementation. Deleted instances are never reported. Throws
     * IllegalArgumentException for a cursor of another implementation or a limit below 1.
     */
    KosChanges kosSince(String cursor, int limit) throws PacsException;

    /**
     * Like {@link #kosSince(String, int)}; a feed without an insertion order also reports, before the
     * KOS after its watermark, every KOS it lists behind the watermark that {@code ledger} does not
     * know, so a KOS made late for an old study or by a device whose clock is behind is not missed.
     * Such KOS do not move the cursor; the caller must make them known once it has dealt with them.
     * Feeds in insertion order (Orthanc's change sequence) need no ledger and ignore it.
     */
    default KosChanges kosSince(String cursor, int limit, KosLedger ledger) throws PacsException {
        return kosSince(cursor, limit);
    }

    /**
     * The binding's DICOMweb client, for relaying WADO-RS requests (a viewer's) as they are: present
     * for the kinds that speak DICOMweb ({@code orthanc}, {@code dicomweb}), empty for DIMSE.
     */
    default Optional<DicomwebClient> dicomweb() {
        return Optional.empty();
    }

    /** The pooled DICOM associations to the PACS, for kinds that keep them (DIMSE); empty otherwise. */
    default Optional<DimseClient.PoolState> associations() {
        return Optional.empty();
    }

    @Override
    void close();
}
