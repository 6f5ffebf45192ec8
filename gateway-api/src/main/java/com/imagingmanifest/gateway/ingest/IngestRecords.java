package com.imagingmanifest.gateway.ingest;

import java.time.Instant;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * What the ingestion decided per KOS, the KOS that rejection notes named, and each organization's
 * place in its PACS's KOS feed (tables of migration V2).
 */
@Repository
class IngestRecords {
    /**
     * Longest cursor saved: about 15,000 SOP Instance UIDs at one watermark second. The column has no
     * bound; this one only stops a runaway cursor from growing the row without end.
     */
    static final int MAX_CURSOR_LENGTH = 1_000_000;

    private final JdbcClient jdbc;

    IngestRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A poller's position: the cursor is null at the beginning or when the PACS kind changed. */
    record Cursor(String pacsKind, String position) {
    }

    /** What the organization's earlier decisions say about a KOS: decided about, named by a rejection note. */
    record Known(boolean ingested, boolean rejected) {
    }

    /** Both facts about {@code sopUid} in one round trip: ingestion asks them of every KOS. */
    Known known(String org, String sopUid) {
        return jdbc.sql("SELECT (SELECT COUNT(*) FROM ingested_kos WHERE org_id = ? AND sop_uid = ?),"
                        + " (SELECT COUNT(*) FROM rejected_kos WHERE org_id = ? AND sop_uid = ?)")
                .params(org, sopUid, org, sopUid)
                .query((rs, n) -> new Known(rs.getLong(1) > 0, rs.getLong(2) > 0)).single();
    }

    /**
     * Records the decision about one KOS.
     *
     * @throws DuplicateKeyException when it was decided already (perhaps right now, by another
     *     association or poller: this insert is what makes ingestion happen once)
     */
    void record(String org, String sopUid, String resourceId, String outcome, String detail, String source,
            Instant when) {
        jdbc.sql("INSERT INTO ingested_kos (org_id, sop_uid, res_id, outcome, detail, source, ingested)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?)")
                .params(org, sopUid, resourceId, outcome, Text.truncate(detail, 1024), Text.truncate(source, 256),
                        when.toEpochMilli())
                .update();
    }

    void recordRejected(String org, String kosSopUid, String noteSopUid) {
        if (!isRejected(org, kosSopUid)) {
            jdbc.sql("INSERT INTO rejected_kos (org_id, sop_uid, note_sop_uid) VALUES (?, ?, ?)")
                    .params(org, kosSopUid, noteSopUid).update();
        }
    }

    boolean isRejected(String org, String sopUid) {
        return jdbc.sql("SELECT COUNT(*) FROM rejected_kos WHERE org_id = ? AND sop_uid = ?")
                .params(org, sopUid).query(Long.class).single() > 0;
    }

    /** Creates the organization's cursor row if missing; call outside the polling transaction. */
    void ensureCursor(String org, String pacsKind, Instant now) {
        if (jdbc.sql("SELECT COUNT(*) FROM ingest_cursor WHERE org_id = ?").param(org).query(Long.class).single() > 0) {
            return;
        }
        try {
            jdbc.sql("INSERT INTO ingest_cursor (org_id, pacs_kind, feed_cursor, updated) VALUES (?, ?, NULL, ?)")
                    .params(org, pacsKind, now.toEpochMilli()).update();
        } catch (DuplicateKeyException anotherInstanceWasFaster) {
            // the row exists: that is all this method promises
        }
    }

    /**
     * Locks the organization's cursor row for the current transaction, or returns empty at once when
     * another gateway instance holds it (it is polling this organization now).
     */
    Optional<Cursor> lockCursor(String org) {
        return jdbc.sql("SELECT pacs_kind, feed_cursor FROM ingest_cursor WHERE org_id = ? FOR UPDATE SKIP LOCKED")
                .param(org).query((rs, n) -> new Cursor(rs.getString(1), rs.getString(2))).optional();
    }

    /**
     * Stores the organization's position as the PACS adapter gave it. A cursor is never shortened:
     * a cut watermark cursor forgets KOS it reported and reports them again on every poll.
     *
     * @throws IllegalStateException when the cursor is longer than {@link #MAX_CURSOR_LENGTH}; the
     *     page's transaction then rolls back and the poll fails loudly instead of going wrong quietly
     */
    void saveCursor(String org, String pacsKind, String position, Instant now) {
        if (position != null && position.length() > MAX_CURSOR_LENGTH) {
            throw new IllegalStateException("organization " + org + ": the " + pacsKind + " KOS cursor has "
                    + position.length() + " characters, more than " + MAX_CURSOR_LENGTH
                    + " (thousands of KOS with one Content Date/Time second?); not saved");
        }
        jdbc.sql("UPDATE ingest_cursor SET pacs_kind = ?, feed_cursor = ?, updated = ? WHERE org_id = ?")
                .params(pacsKind, position, now.toEpochMilli(), org).update();
    }
}
