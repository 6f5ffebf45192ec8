package com.imagingmanifest.gateway.ingest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * KOS that could not be parsed or mapped (docs/architecture.md §5): kept with their reason, source and
 * time so that an operator can look at them; never silently dropped.
 */
@Repository
public class Quarantine implements com.imagingmanifest.gateway.metrics.QuarantineCount {
    /** Parameters per IN list. */
    private static final int IN_LIST = 1000;

    private static final String SELECT_ITEM =
            "SELECT item_id, org_id, source, sop_uid, reason, received, size_bytes FROM ingest_quarantine";

    private final JdbcClient jdbc;

    Quarantine(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** One quarantined object, without its bytes. */
    public record Item(long id, String organization, String source, String sopInstanceUid, String reason,
            Instant received, long size) {
    }

    /**
     * Adds an item, unless the same object is already there for the same reason (an SCU that retries
     * after the failure status would otherwise fill the table); returns whether it added one.
     */
    boolean add(String org, String source, String sopUid, String reason, Instant received, byte[] part10) {
        String sop = Text.truncate(sopUid, 256);
        String why = Text.truncate(reason, 1024);
        boolean known = jdbc.sql("SELECT COUNT(*) FROM ingest_quarantine WHERE org_id = ? AND sop_uid = ?"
                        + " AND reason = ? AND size_bytes = ?")
                .params(org, sop, why, part10.length).query(Long.class).single() > 0;
        if (known) {
            return false;
        }
        return 1 == jdbc.sql("INSERT INTO ingest_quarantine"
                        + " (org_id, source, sop_uid, reason, received, size_bytes, content)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?)")
                .params(org, Text.truncate(source, 256), sop, why, received.toEpochMilli(), part10.length, part10)
                .update();
    }

    /**
     * Drops the organization's oldest items until what is kept fits {@code quotaBytes} (the newest
     * item always stays); returns how many were dropped.
     */
    int trim(String org, long quotaBytes) {
        long total = jdbc.sql("SELECT COALESCE(SUM(size_bytes), 0) FROM ingest_quarantine WHERE org_id = ?")
                .param(org).query(Long.class).single();
        if (total <= quotaBytes) {
            return 0;
        }
        List<long[]> oldestFirst = jdbc.sql("SELECT item_id, size_bytes FROM ingest_quarantine WHERE org_id = ?"
                        + " ORDER BY received, item_id").param(org)
                .query((rs, n) -> new long[] {rs.getLong(1), rs.getLong(2)}).list();
        int dropped = 0;
        for (int i = 0; i < oldestFirst.size() - 1 && total > quotaBytes; i++) {
            dropped += jdbc.sql("DELETE FROM ingest_quarantine WHERE item_id = ?").param(oldestFirst.get(i)[0]).update();
            total -= oldestFirst.get(i)[1];
        }
        return dropped;
    }

    /** The newest {@code limit} items, newest first. */
    public List<Item> list(int limit) {
        return jdbc.sql(SELECT_ITEM + " ORDER BY received DESC, item_id DESC")
                .withMaxRows(limit)
                .query(Quarantine::item)
                .list();
    }

    public Optional<Item> item(long id) {
        return jdbc.sql(SELECT_ITEM + " WHERE item_id = ?")
                .param(id)
                .query(Quarantine::item)
                .optional();
    }

    /** The object as a DICOM Part 10 file. */
    public Optional<byte[]> content(long id) {
        return jdbc.sql("SELECT content FROM ingest_quarantine WHERE item_id = ?").param(id)
                .query((rs, n) -> rs.getBytes(1)).optional();
    }

    /** Those of {@code sopUids} that have an item in the organization's quarantine. */
    Set<String> quarantined(String org, Collection<String> sopUids) {
        Set<String> found = new HashSet<>();
        List<String> all = List.copyOf(new LinkedHashSet<>(sopUids));
        for (int from = 0; from < all.size(); from += IN_LIST) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + IN_LIST));
            List<Object> params = new ArrayList<>();
            params.add(org);
            params.addAll(chunk);
            found.addAll(jdbc.sql("SELECT DISTINCT sop_uid FROM ingest_quarantine WHERE org_id = ? AND sop_uid IN ("
                    + String.join(", ", Collections.nCopies(chunk.size(), "?")) + ")")
                    .params(params).query(String.class).list());
        }
        return found;
    }

    /** Removes an item an operator has dealt with; false when there was none. */
    public boolean remove(long id) {
        return jdbc.sql("DELETE FROM ingest_quarantine WHERE item_id = ?").param(id).update() > 0;
    }

    private static Item item(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new Item(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                Instant.ofEpochMilli(rs.getLong(6)), rs.getLong(7));
    }

    @Override
    public long count(String org) {
        return jdbc.sql("SELECT COUNT(*) FROM ingest_quarantine WHERE org_id = ?").param(org)
                .query(Long.class).single();
    }
}
