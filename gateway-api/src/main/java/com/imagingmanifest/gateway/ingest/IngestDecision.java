package com.imagingmanifest.gateway.ingest;

import com.imagingmanifest.dicom.data.Uid;

/**
 * The rules that decide what becomes of a received KOS (docs/architecture.md §5), as one function of
 * what is known of it, shared by the one-by-one path and the page path of {@link KosIngestion}. It
 * reads nothing itself: when a rule needs a fact not yet looked up it answers with the question
 * ({@link Verdict#isQuestion()}), and the caller looks it up, or (the page path) decides that KOS on
 * its own. The rules, in order:
 * <ol>
 * <li>no valid SOP Instance UID, or another than the one announced: quarantine;</li>
 * <li>ingested before: a duplicate (ingested KOS back versions too, so this comes first);</li>
 * <li>written by the gateway itself: skipped;</li>
 * <li>an IOCM rejection note: applied;</li>
 * <li>named by a rejection note from the same source before it arrived: recorded as rejected;</li>
 * <li>anything else: a new manifest.</li>
 * </ol>
 */
final class IngestDecision {
    private IngestDecision() {
    }

    /** What to do, or which fact to look up first. */
    enum Verdict {
        NO_VALID_UID, UID_DIFFERS, DUPLICATE, OWN, APPLY_REJECTION, REJECTED_EARLIER, NEW_MANIFEST,
        /** Look up whether it was ingested or named by a rejection note ({@link IngestRecords#known}). */
        ASK_RECORDS,
        /** Look up whether the gateway wrote it. */
        ASK_OWN,
        /** Look up whether the note that named it came from the same source. */
        ASK_REJECTION_SOURCE;

        boolean isQuestion() {
            return this == ASK_RECORDS || this == ASK_OWN || this == ASK_REJECTION_SOURCE;
        }
    }

    /**
     * What is known of one KOS: its SOP Instance UID as read and as announced (null: nothing was
     * announced), whether it is a rejection note; then, null until looked up, its ingestion records,
     * whether the gateway wrote it, and whether an earlier rejection of it came from its own source.
     */
    record Facts(String sop, String announcedSop, boolean rejectionNote, IngestRecords.Known known, Boolean own,
            Boolean rejectedBySource) {

        static Facts of(String sop, String announcedSop, boolean rejectionNote) {
            return new Facts(sop, announcedSop, rejectionNote, null, null, null);
        }

        Facts known(IngestRecords.Known value) {
            return new Facts(sop, announcedSop, rejectionNote, value, own, rejectedBySource);
        }

        Facts own(boolean value) {
            return new Facts(sop, announcedSop, rejectionNote, known, value, rejectedBySource);
        }

        Facts rejectedBySource(boolean value) {
            return new Facts(sop, announcedSop, rejectionNote, known, own, value);
        }
    }

    static Verdict decide(Facts f) {
        if (f.sop() == null || !Uid.isValid(f.sop())) {
            return Verdict.NO_VALID_UID;
        }
        if (f.announcedSop() != null && !f.announcedSop().equals(f.sop())) {
            return Verdict.UID_DIFFERS;
        }
        // the store is asked before the records: a write's KOS is named by its open intent until the
        // intent closes and recorded as removed (rejected_kos) before that, so in this order one of the
        // two answers says it is the gateway's, whenever the intent closes
        if (f.own() == null) {
            return Verdict.ASK_OWN;
        }
        if (f.known() == null) {
            return Verdict.ASK_RECORDS;
        }
        if (f.known().ingested()) {
            return Verdict.DUPLICATE;
        }
        if (f.own()) {
            return Verdict.OWN;
        }
        if (f.rejectionNote()) {
            return Verdict.APPLY_REJECTION;
        }
        if (f.known().rejected()) {
            if (f.rejectedBySource() == null) {
                return Verdict.ASK_REJECTION_SOURCE;
            }
            if (f.rejectedBySource()) {
                return Verdict.REJECTED_EARLIER;
            }
        }
        return Verdict.NEW_MANIFEST;
    }

    /**
     * Whether a KOS may be decided together with others of its page: only one that would become a
     * manifest if nothing were known of it. The others (quarantined, rejection notes) are decided on
     * their own, in feed order, since a note may reject a KOS of the same page.
     */
    static boolean batchable(String sop, String announcedSop, boolean rejectionNote) {
        return decide(Facts.of(sop, announcedSop, rejectionNote).known(new IngestRecords.Known(false, false))
                .own(false)) == Verdict.NEW_MANIFEST;
    }
}
