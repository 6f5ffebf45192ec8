package com.imagingmanifest.gateway.store;

import com.imagingmanifest.pacs.InstanceRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The gateway's FHIR store (DESIGN.md section 5): the current state and every version of each
 * manifest, its search index and its KOS, kept per organization. A version, its index and its KOS
 * UIDs are written in one transaction, which also closes the write intent that covered the KOS.
 */
@Repository
public class ManifestStore {
    private final JdbcClient jdbc;
    private final JdbcTemplate batches;
    private final TransactionTemplate transactions;

    public ManifestStore(JdbcClient jdbc, JdbcTemplate batches, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.batches = batches;
        this.transactions = transactions;
    }

    /** The current version (possibly a delete), if the manifest ever existed in this organization. */
    public Optional<StoredVersion> current(String org, String id) {
        return jdbc.sql("SELECT v.res_id, v.version_id, v.last_updated, v.deleted, v.resource_json"
                        + " FROM manifest_resource r JOIN manifest_version v ON v.org_id = r.org_id"
                        + " AND v.res_id = r.res_id AND v.version_id = r.version_id"
                        + " WHERE r.org_id = ? AND r.res_id = ?")
                .params(org, id).query(ManifestStore::version).optional();
    }

    public Optional<StoredVersion> version(String org, String id, long versionId) {
        return jdbc.sql("SELECT res_id, version_id, last_updated, deleted, resource_json FROM manifest_version"
                        + " WHERE org_id = ? AND res_id = ? AND version_id = ?")
                .params(org, id, versionId).query(ManifestStore::version).optional();
    }

    /**
     * Versions newest first, of one manifest ({@code id} non-null) or of all; {@code since}
     * (inclusive) limits them to those changed at or after it.
     */
    public List<VersionKey> history(String org, String id, Instant since) {
        StringBuilder sql = new StringBuilder("SELECT res_id, version_id FROM manifest_version WHERE org_id = ?");
        List<Object> args = new ArrayList<>(List.of(org));
        if (id != null) {
            sql.append(" AND res_id = ?");
            args.add(id);
        }
        if (since != null) {
            sql.append(" AND last_updated >= ?");
            args.add(since.toEpochMilli());
        }
        sql.append(" ORDER BY last_updated DESC, version_id DESC, res_id");
        return jdbc.sql(sql.toString()).params(args)
                .query((rs, n) -> new VersionKey(rs.getString(1), rs.getLong(2))).list();
    }

    /** The current versions that match, in the query's order. */
    public List<VersionKey> search(String org, SearchQuery query) {
        List<Object> args = new ArrayList<>();
        args.add(org);
        Long widest = query.needsWidestAuthoringSpan() ? widestAuthoringSpan(org) : null;
        for (Object arg : query.args()) {
            args.add(arg instanceof SearchQuery.LowerBoundOfLow bound ? bound.value(widest) : arg);
        }
        return jdbc.sql(query.sql()).params(args)
                .query((rs, n) -> new VersionKey(rs.getString(1), rs.getLong(2))).list();
    }

    /**
     * Loads the named versions, keeping the order of {@code keys}: one query per page of a search
     * or history (primary-key lookups OR-ed together), not one per entry.
     */
    public List<StoredVersion> load(String org, List<VersionKey> keys) {
        if (keys.isEmpty()) {
            return List.of();
        }
        StringBuilder sql = new StringBuilder("SELECT res_id, version_id, last_updated, deleted, resource_json"
                + " FROM manifest_version WHERE org_id = ? AND (");
        List<Object> args = new ArrayList<>(1 + 2 * keys.size());
        args.add(org);
        for (int i = 0; i < keys.size(); i++) {
            sql.append(i == 0 ? "" : " OR ").append("(res_id = ? AND version_id = ?)");
            args.add(keys.get(i).resourceId());
            args.add(keys.get(i).versionId());
        }
        sql.append(')');
        Map<VersionKey, StoredVersion> found = new HashMap<>();
        jdbc.sql(sql.toString()).params(args).query(ManifestStore::version).list()
                .forEach(v -> found.put(new VersionKey(v.resourceId(), v.versionId()), v));
        return keys.stream().map(found::get).filter(java.util.Objects::nonNull).toList();
    }

    /** The widest authoring-time range among the organization's current manifests (0 when none). */
    private long widestAuthoringSpan(String org) {
        Long widest = jdbc.sql("SELECT MAX(authoring_span) FROM manifest_resource WHERE org_id = ?").param(org)
                .query(Long.class).single();
        return widest == null ? 0 : widest;
    }

    private static Long span(Long low, Long high) {
        return low == null || high == null ? null : high - low;
    }

    /** The KOS that back one version. */
    public List<InstanceRef> kos(String org, String id, long versionId) {
        return jdbc.sql("SELECT study_uid, series_uid, sop_uid, sop_class_uid FROM manifest_kos"
                        + " WHERE org_id = ? AND res_id = ? AND version_id = ? ORDER BY sop_uid")
                .params(org, id, versionId)
                .query((rs, n) -> new InstanceRef(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)))
                .list();
    }

    /** Records, in its own committed transaction, that {@code kos} are about to be stored. */
    public String openIntent(String org, String id, List<InstanceRef> kos, Instant now) {
        return openIntent(WriteIntent.Purpose.WRITE, org, id, null, kos, now);
    }

    /** Records superseded KOS that could not be retired yet, for recovery to retry. */
    public String openRetirement(String org, String id, List<InstanceRef> kos, Instant now) {
        return openIntent(WriteIntent.Purpose.RETIRE, org, id, null, kos, now);
    }

    /**
     * Like {@link #openIntent(String, String, List, Instant)}, and for an update ({@code baseVersion}
     * non-null) also claims the right to write the version after {@code baseVersion}: one claim per
     * version, held until the intent is committed, abandoned or settled.
     *
     * @throws ConcurrentWriteException when another write already claimed that version
     */
    public String openIntent(String org, String id, Long baseVersion, List<InstanceRef> kos, Instant now) {
        return openIntent(WriteIntent.Purpose.WRITE, org, id, baseVersion, kos, now);
    }

    private String openIntent(WriteIntent.Purpose purpose, String org, String id, Long baseVersion,
            List<InstanceRef> kos, Instant now) {
        String intentId = UUID.randomUUID().toString();
        String claim = baseVersion == null ? null : org + "/" + id + "/" + baseVersion;
        try {
            transactions.executeWithoutResult(tx -> jdbc.sql("INSERT INTO write_intent (intent_id, purpose, org_id,"
                            + " res_id, created, kos, claim) VALUES (?, ?, ?, ?, ?, ?, ?)")
                    .params(intentId, purpose.name(), org, id, now.toEpochMilli(), lines(kos), claim).update());
        } catch (DuplicateKeyException e) {
            throw new ConcurrentWriteException("ImagingManifest/" + id + " version " + baseVersion
                    + " is being updated by another request");
        }
        return intentId;
    }

    /** Names the KOS an intent (opened as a claim, without them) is about to store. */
    public void recordIntentKos(String intentId, List<InstanceRef> kos) {
        transactions.executeWithoutResult(tx -> jdbc.sql("UPDATE write_intent SET kos = ? WHERE intent_id = ?")
                .params(lines(kos), intentId).update());
    }

    /** Gives up the intent's version claim (its KOS may still await clean-up). */
    public void releaseClaim(String intentId) {
        transactions.executeWithoutResult(tx -> jdbc.sql("UPDATE write_intent SET claim = NULL WHERE intent_id = ?")
                .param(intentId).update());
    }

    /** Closes an intent whose version was not committed, with what became of its KOS. */
    public void settleIntent(String intentId, String outcome, Instant now) {
        transactions.executeWithoutResult(tx -> jdbc.sql(
                        "UPDATE write_intent SET settled = ?, outcome = ?, claim = NULL WHERE intent_id = ? AND settled IS NULL")
                .params(now.toEpochMilli(), truncate(outcome, 512), intentId).update());
    }

    /**
     * Takes an open intent over for recovery, so that its writer can no longer commit; false when it
     * was closed meanwhile. {@link #reopenIntent} undoes it when recovery cannot finish.
     */
    public boolean takeOverIntent(String intentId, Instant now) {
        return Boolean.TRUE.equals(transactions.execute(tx -> jdbc.sql(
                        "UPDATE write_intent SET settled = ?, outcome = 'recovering', claim = NULL"
                                + " WHERE intent_id = ? AND (settled IS NULL OR outcome = 'recovering')")
                .params(now.toEpochMilli(), intentId).update() == 1));
    }

    /** Opens again an intent that recovery took over but could not settle. */
    public void reopenIntent(String intentId) {
        transactions.executeWithoutResult(tx -> jdbc.sql(
                        "UPDATE write_intent SET settled = NULL, outcome = NULL WHERE intent_id = ?"
                                + " AND outcome = 'recovering'")
                .param(intentId).update());
    }

    /** Records the outcome of an intent that recovery took over. */
    public void recordRecovery(String intentId, String outcome) {
        transactions.executeWithoutResult(tx -> jdbc.sql(
                        "UPDATE write_intent SET outcome = ? WHERE intent_id = ? AND outcome = 'recovering'")
                .params(truncate(outcome, 512), intentId).update());
    }

    /** Intents still open (or left half-recovered) that were opened before {@code before}. */
    public List<WriteIntent> openIntents(Instant before) {
        return jdbc.sql("SELECT intent_id, purpose, org_id, res_id, created, kos FROM write_intent"
                        + " WHERE (settled IS NULL OR outcome = 'recovering') AND created < ? ORDER BY created")
                .params(before.toEpochMilli())
                .query((rs, n) -> new WriteIntent(rs.getString(1), WriteIntent.Purpose.valueOf(rs.getString(2)),
                        rs.getString(3), rs.getString(4), Instant.ofEpochMilli(rs.getLong(5)),
                        parseKos(rs.getString(6))))
                .list();
    }

    /** True when {@code sopUid} backs some committed version (of any organization). */
    public boolean isCommittedKos(String sopUid) {
        return jdbc.sql("SELECT COUNT(*) FROM manifest_kos WHERE sop_uid = ?").param(sopUid)
                .query(Long.class).single() > 0;
    }

    /** True when {@code sopUid} backs the current, not deleted, version of some manifest. */
    public boolean isCurrentKos(String sopUid) {
        return jdbc.sql("SELECT COUNT(*) FROM manifest_kos k JOIN manifest_resource r ON r.org_id = k.org_id"
                        + " AND r.res_id = k.res_id AND r.version_id = k.version_id"
                        + " WHERE k.sop_uid = ? AND r.deleted = FALSE")
                .param(sopUid).query(Long.class).single() > 0;
    }

    /**
     * True when the gateway wrote {@code sopUid} itself: it backs a committed version, or an open
     * write intent names it (stored on the PACS, version not yet committed). Ingestion skips these.
     */
    public boolean isGatewayKos(String sopUid) {
        // one round trip: ingestion asks this of every KOS. Intent lines are "study series sop class":
        // a UID holds only digits and dots, so LIKE is exact here; the OR of the open-intent condition
        // is two index scans (write_intent_open, write_intent_outcome), not a scan of every intent
        return jdbc.sql("SELECT CASE WHEN EXISTS (SELECT 1 FROM manifest_kos WHERE sop_uid = ?)"
                        + " OR EXISTS (SELECT 1 FROM write_intent WHERE (settled IS NULL OR outcome = 'recovering')"
                        + " AND kos LIKE ?) THEN 1 ELSE 0 END")
                .params(sopUid, "% " + sopUid + " %").query(Integer.class).single() == 1;
    }

    /** The current, not deleted, version of the manifest of {@code org} that KOS {@code sopUid} backs. */
    public Optional<StoredVersion> currentBackedBy(String org, String sopUid) {
        return jdbc.sql("SELECT v.res_id, v.version_id, v.last_updated, v.deleted, v.resource_json"
                        + " FROM manifest_kos k JOIN manifest_resource r ON r.org_id = k.org_id"
                        + " AND r.res_id = k.res_id AND r.version_id = k.version_id"
                        + " JOIN manifest_version v ON v.org_id = r.org_id AND v.res_id = r.res_id"
                        + " AND v.version_id = r.version_id"
                        + " WHERE k.org_id = ? AND k.sop_uid = ? AND r.deleted = FALSE")
                .params(org, sopUid).query(ManifestStore::version).optional();
    }

    /**
     * Commits a new version: {@code expectedVersion} is the current version (null for a new
     * manifest); {@code json} null makes the version a delete. Closes {@code intentId} if given.
     *
     * @throws ConcurrentWriteException when the current version is no longer {@code expectedVersion}
     */
    public StoredVersion commit(String org, String id, Long expectedVersion, long newVersion, Instant now,
            String json, IndexEntries index, List<InstanceRef> kos, String intentId) {
        return transactions.execute(tx -> {
            boolean deleted = json == null;
            long millis = now.toEpochMilli();
            String language = deleted ? null : index.language();
            Long low = deleted ? null : index.authoringLow();
            Long high = deleted ? null : index.authoringHigh();
            if (expectedVersion == null) {
                jdbc.sql("INSERT INTO manifest_resource (org_id, res_id, version_id, deleted, last_updated,"
                                + " language, authoring_low, authoring_high, authoring_span)"
                                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
                        .params(org, id, newVersion, deleted, millis, language, low, high, span(low, high)).update();
            } else {
                int changed = jdbc.sql("UPDATE manifest_resource SET version_id = ?, deleted = ?, last_updated = ?,"
                                + " language = ?, authoring_low = ?, authoring_high = ?, authoring_span = ?"
                                + " WHERE org_id = ? AND res_id = ? AND version_id = ?")
                        .params(newVersion, deleted, millis, language, low, high, span(low, high), org, id,
                                expectedVersion)
                        .update();
                if (changed != 1) {
                    throw new ConcurrentWriteException("ImagingManifest/" + id + " changed while it was being written");
                }
            }
            jdbc.sql("INSERT INTO manifest_version (org_id, res_id, version_id, last_updated, deleted, resource_json)"
                            + " VALUES (?, ?, ?, ?, ?, ?)")
                    .params(org, id, newVersion, millis, deleted, json).update();
            if (expectedVersion != null) {
                // a new resource has no index rows yet (its resource row was just inserted): two round trips saved
                jdbc.sql("DELETE FROM search_token WHERE org_id = ? AND res_id = ?").params(org, id).update();
                jdbc.sql("DELETE FROM search_reference WHERE org_id = ? AND res_id = ?").params(org, id).update();
            }
            // index rows and KOS in one batch per table: a manifest has several of each, and each row
            // was a database round trip inside the write's transaction
            if (!deleted) {
                batches.batchUpdate("INSERT INTO search_token (org_id, res_id, param, token_system, token_value)"
                                + " VALUES (?, ?, ?, ?, ?)",
                        index.tokens().stream().map(t -> new Object[] {org, id, t.param(), truncate(t.system(), 512),
                            truncate(t.value(), 512)}).toList());
                batches.batchUpdate("INSERT INTO search_reference (org_id, res_id, param, reference) VALUES (?, ?, ?, ?)",
                        index.references().stream().map(ref -> new Object[] {org, id, ref.param(),
                            truncate(ref.reference(), 1024)}).toList());
            }
            batches.batchUpdate("INSERT INTO manifest_kos (org_id, res_id, version_id, study_uid, series_uid, sop_uid,"
                            + " sop_class_uid) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    kos.stream().map(ref -> new Object[] {org, id, newVersion, ref.studyInstanceUid(),
                        ref.seriesInstanceUid(), ref.sopInstanceUid(), ref.sopClassUid()}).toList());
            if (intentId != null) {
                int closed = jdbc.sql("UPDATE write_intent SET settled = ?, outcome = 'committed', claim = NULL"
                                + " WHERE intent_id = ? AND settled IS NULL")
                        .params(millis, intentId).update();
                if (closed != 1) {
                    // the recovery pass took the intent over (the write outlived the grace): its KOS may be gone
                    throw new IntentTakenOverException("write intent " + intentId + " was settled by recovery");
                }
            }
            return new StoredVersion(id, newVersion, Instant.ofEpochMilli(millis), deleted, json);
        });
    }

    private static StoredVersion version(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new StoredVersion(rs.getString(1), rs.getLong(2), Instant.ofEpochMilli(rs.getLong(3)),
                rs.getBoolean(4), rs.getString(5));
    }

    private static String lines(List<InstanceRef> kos) {
        StringBuilder lines = new StringBuilder();
        for (InstanceRef ref : kos) {
            lines.append(ref.studyInstanceUid()).append(' ').append(ref.seriesInstanceUid()).append(' ')
                    .append(ref.sopInstanceUid()).append(' ').append(ref.sopClassUid()).append('\n');
        }
        return lines.toString();
    }

    private static List<InstanceRef> parseKos(String lines) {
        List<InstanceRef> refs = new ArrayList<>();
        for (String line : lines.split("\n")) {
            String[] f = line.trim().split(" ");
            if (f.length == 4) {
                refs.add(new InstanceRef(f[0], f[1], f[2], f[3]));
            }
        }
        return refs;
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
