package com.imagingmanifest.gateway.ingest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
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

    /** Parameters per IN list: well below any driver's limit, and a plan per size class is reused. */
    private static final int IN_LIST = 1000;
    private static final String INSERT_DECISION = "INSERT INTO ingested_kos (org_id, sop_uid, res_id, outcome, detail,"
            + " source, ingested) VALUES (?, ?, ?, ?, ?, ?, ?)";

    private final JdbcClient jdbc;
    private final JdbcTemplate batches;

    IngestRecords(JdbcClient jdbc, JdbcTemplate batches) {
        this.jdbc = jdbc;
        this.batches = batches;
    }

    /** A poller's position: the cursor is null at the beginning or when the PACS kind changed. */
    record Cursor(String pacsKind, String position) {
    }

    /** What the organization's earlier decisions say about a KOS: decided about, named by a rejection note. */
    record Known(boolean ingested, boolean rejected) {
    }

    /** Both facts about {@code sopUid} in one round trip: ingestion asks them of every KOS. */
    Known known(String org, String sopUid) {
        return known(org, List.of(sopUid)).get(sopUid);
    }

    /** {@link #known(String, String)} for many KOS (a poll page) in one round trip per thousand. */
    Map<String, Known> known(String org, Collection<String> sopUids) {
        Set<String> ingested = new HashSet<>();
        Set<String> rejected = new HashSet<>();
        List<String> all = List.copyOf(new LinkedHashSet<>(sopUids));
        for (int from = 0; from < all.size(); from += IN_LIST) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + IN_LIST));
            String in = String.join(", ", Collections.nCopies(chunk.size(), "?"));
            List<Object> params = new ArrayList<>();
            params.add(org);
            params.addAll(chunk);
            params.add(org);
            params.addAll(chunk);
            jdbc.sql("SELECT 'i', sop_uid FROM ingested_kos WHERE org_id = ? AND sop_uid IN (" + in + ")"
                            + " UNION ALL SELECT 'r', sop_uid FROM rejected_kos WHERE org_id = ? AND sop_uid IN (" + in + ")")
                    .params(params)
                    .query(rs -> {
                        ("i".equals(rs.getString(1)) ? ingested : rejected).add(rs.getString(2));
                    });
        }
        Map<String, Known> known = new HashMap<>();
        for (String sop : all) {
            known.put(sop, new Known(ingested.contains(sop), rejected.contains(sop)));
        }
        return known;
    }

    /**
     * Records the decision about one KOS.
     *
     * @throws DuplicateKeyException when it was decided already (perhaps right now, by another
     *     association or poller: this insert is what makes ingestion happen once)
     */
    void record(String org, String sopUid, String resourceId, String outcome, String detail, String source,
            Instant when) {
        jdbc.sql(INSERT_DECISION)
                .params(org, sopUid, resourceId, outcome, Text.truncate(detail, 1024), Text.truncate(source, 256),
                        when.toEpochMilli())
                .update();
    }

    /** A decision to record, as {@link #record} takes it. */
    record Decision(String sopUid, String resourceId, String outcome, String detail, String source, Instant when) {
    }

    /**
     * Records many decisions with one statement.
     *
     * @throws org.springframework.dao.DataIntegrityViolationException when one was decided already
     */
    void recordAll(String org, List<Decision> decisions) {
        batches.batchUpdate(INSERT_DECISION, decisions.stream().map(d -> new Object[] {org, d.sopUid(), d.resourceId(),
            d.outcome(), Text.truncate(d.detail(), 1024), Text.truncate(d.source(), 256), d.when().toEpochMilli()})
                .toList());
    }

    void recordRejected(String org, String kosSopUid, String noteSopUid) {
        if (!isRejected(org, kosSopUid)) {
            jdbc.sql("INSERT INTO rejected_kos (org_id, sop_uid, note_sop_uid) VALUES (?, ?, ?)")
                    .params(org, kosSopUid, noteSopUid).update();
        }
    }

    /** Where an ingested KOS came from ({@code source} of its decision), if it was ingested. */
    Optional<String> ingestedSource(String org, String sopUid) {
        return jdbc.sql("SELECT source FROM ingested_kos WHERE org_id = ? AND sop_uid = ?").params(org, sopUid)
                .query(String.class).optional();
    }

    /**
     * True when {@code sopUid} was rejected by the gateway itself (no ingested note behind the
     * rejection) or by a note that came from {@code source}: only then does the rejection bar a KOS
     * arriving from {@code source}.
     */
    boolean rejectedFor(String org, String sopUid, String source) {
        List<String> noteSources = jdbc.sql("SELECT i.source FROM rejected_kos r LEFT JOIN ingested_kos i"
                + " ON i.org_id = r.org_id AND i.sop_uid = r.note_sop_uid WHERE r.org_id = ? AND r.sop_uid = ?")
                .params(org, sopUid).query(String.class).list();
        return noteSources.stream().anyMatch(s -> s == null || s.equals(source));
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
