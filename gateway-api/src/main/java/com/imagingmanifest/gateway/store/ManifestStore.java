package com.imagingmanifest.gateway.store;

import com.imagingmanifest.pacs.InstanceRef;
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
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.context.annotation.DependsOn;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The gateway's FHIR store (docs/architecture.md §7): the current state and every version of each
 * manifest, its search index and its KOS, kept per organization. A version, its index and its KOS
 * UIDs are written in one transaction, which also closes the write intent that covered the KOS.
 */
@Repository
@DependsOn("storeDurability") // no write before commits are made durable
public class ManifestStore {
    /** Parameters per IN list: well below any driver's limit. */
    private static final int IN_LIST = 1000;

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
     * One page of keys in a store order, and the sort values of its last key when more rows follow
     * ({@code next} null: this is the last page).
     */
    public record Page(List<VersionKey> keys, List<Object> next) {
    }

    /**
     * One page of versions, newest first, of one manifest ({@code id} non-null) or of all;
     * {@code since} (inclusive) limits them to those changed at or after it. {@code after} is the
     * {@link Page#next()} of the previous page (null for the first). Instance history walks the
     * primary key backwards; type history the (org_id, last_updated, res_id, version_id) index.
     */
    public Page history(String org, String id, Instant since, List<Object> after, int count) {
        StringBuilder sql = new StringBuilder();
        List<Object> args = new ArrayList<>();
        List<SearchQuery.Key> keys;
        historyWhere(org, id, since, sql, args);
        if (id != null) {
            keys = List.of(new SearchQuery.Key("version_id", true));
        } else {
            keys = List.of(new SearchQuery.Key("last_updated", true), new SearchQuery.Key("res_id", true),
                    new SearchQuery.Key("version_id", true));
        }
        if (after != null) {
            sql.append(" AND ");
            SearchQuery.keyset(keys, after, sql, args);
        }
        // the equality columns ahead of the keys: H2 takes the index's order only when named from its first column
        sql.append(id != null ? " ORDER BY org_id DESC, res_id DESC, version_id DESC"
                : " ORDER BY org_id, last_updated DESC, res_id DESC, version_id DESC");
        sql.append(" LIMIT ?");
        args.add(count + 1);
        List<Object[]> rows = jdbc.sql("SELECT res_id, version_id, " + (id != null ? "version_id"
                        : "last_updated, res_id, version_id") + " FROM manifest_version WHERE " + sql)
                .params(args).query((rs, n) -> row(rs, keys.size())).list();
        return page(rows, count);
    }

    /** How many versions {@link #history} pages through ({@code _total=accurate}). */
    public long historyCount(String org, String id, Instant since) {
        StringBuilder sql = new StringBuilder("SELECT COUNT(*) FROM manifest_version WHERE ");
        List<Object> args = new ArrayList<>();
        historyWhere(org, id, since, sql, args);
        return jdbc.sql(sql.toString()).params(args).query(Long.class).single();
    }

    private static void historyWhere(String org, String id, Instant since, StringBuilder sql, List<Object> args) {
        sql.append("org_id = ?");
        args.add(org);
        if (id != null) {
            sql.append(" AND res_id = ?");
            args.add(id);
        }
        if (since != null) {
            sql.append(" AND last_updated >= ?");
            args.add(since.toEpochMilli());
        }
    }

    /**
     * One page of the current versions that match, in the query's order, after {@code after} (the
     * {@link Page#next()} of the previous page; null for the first). Reads {@code count + 1} rows
     * to know whether another page follows. A manifest with two index rows of the driving
     * parameter's value (the same value in two systems) comes out twice, side by side: once here.
     */
    public Page search(String org, SearchQuery query, List<Object> after, int count) {
        Long widest = query.needsWidestAuthoringSpan() ? widestAuthoringSpan(org) : null;
        int keyLength = query.keyLength();
        List<Object[]> rows = new ArrayList<>();
        List<Object> from = after;
        while (true) {
            int wanted = count + 1 - rows.size();
            SearchQuery.Statement page = query.page(org, from, wanted);
            List<Object[]> fetched = jdbc.sql(page.sql()).params(resolve(page.args(), widest))
                    .query((rs, n) -> row(rs, keyLength)).list();
            for (Object[] row : fetched) {
                if (rows.isEmpty() || !rows.get(rows.size() - 1)[0].equals(row[0])) {
                    rows.add(row);
                }
            }
            if (fetched.size() < wanted || rows.size() > count) {
                break;
            }
            from = keyValues(fetched.get(fetched.size() - 1));
        }
        return page(rows, count);
    }

    /** How many current versions match ({@code _total=accurate}): the one query that reads every match. */
    public long count(String org, SearchQuery query) {
        Long widest = query.needsWidestAuthoringSpan() ? widestAuthoringSpan(org) : null;
        SearchQuery.Statement count = query.count(org);
        return jdbc.sql(count.sql()).params(resolve(count.args(), widest)).query(Long.class).single();
    }

    private static List<Object> resolve(List<Object> args, Long widest) {
        List<Object> resolved = new ArrayList<>(args.size());
        for (Object arg : args) {
            resolved.add(arg instanceof SearchQuery.LowerBoundOfLow bound ? bound.value(widest) : arg);
        }
        return resolved;
    }

    /** res_id, version_id, then the sort values of the row (columns 3 ...). */
    private static Object[] row(java.sql.ResultSet rs, int keyLength) throws java.sql.SQLException {
        Object[] row = new Object[2 + keyLength];
        row[0] = rs.getString(1);
        row[1] = rs.getLong(2);
        for (int i = 0; i < keyLength; i++) {
            Object value = rs.getObject(3 + i);
            row[2 + i] = value instanceof Number number ? (Object) number.longValue() : value;
        }
        return row;
    }

    private static List<Object> keyValues(Object[] row) {
        return List.of(java.util.Arrays.copyOfRange(row, 2, row.length));
    }

    private static Page page(List<Object[]> rows, int count) {
        List<VersionKey> keys = rows.stream().limit(count).map(r -> new VersionKey((String) r[0], (Long) r[1]))
                .toList();
        return new Page(keys, rows.size() > count && count > 0 ? keyValues(rows.get(count - 1)) : null);
    }

    /**
     * Loads the named versions, keeping the order of {@code keys}: one query per page of a search
     * or history, not one per entry. The keys are a {@code VALUES} table joined on the primary key:
     * H2 ranges neither an OR chain of key pairs nor a row-value IN list over the index, and walked
     * the organization's versions for each page (0.14 s at 100,000 manifests; docs/performance.md).
     */
    public List<StoredVersion> load(String org, List<VersionKey> keys) {
        if (keys.isEmpty()) {
            return List.of();
        }
        StringBuilder sql = new StringBuilder("SELECT v.res_id, v.version_id, v.last_updated, v.deleted,"
                + " v.resource_json FROM (VALUES ");
        List<Object> args = new ArrayList<>(1 + 2 * keys.size());
        for (int i = 0; i < keys.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("(?, ?)");
            args.add(keys.get(i).resourceId());
            args.add(keys.get(i).versionId());
        }
        sql.append(") k(res_id, version_id) JOIN manifest_version v ON v.org_id = ? AND v.res_id = k.res_id"
                + " AND v.version_id = k.version_id");
        args.add(org);
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
        return openIntent(WriteIntent.Purpose.WRITE, org, id, kos, now);
    }

    /** Records superseded KOS that could not be retired yet, for recovery to retry. */
    public String openRetirement(String org, String id, List<InstanceRef> kos, Instant now) {
        return openIntent(WriteIntent.Purpose.RETIRE, org, id, kos, now);
    }

    /**
     * Like {@link #openIntent(String, String, List, Instant)}, and for an update ({@code baseVersion}
     * non-null) also claims the right to write the version after {@code baseVersion}: one claim per
     * version, held until the intent is committed, abandoned or settled.
     *
     * @throws ConcurrentWriteException when another write already claimed that version
     */
    public String openIntent(String org, String id, Long baseVersion, List<InstanceRef> kos, Instant now) {
        return openIntent(WriteIntent.Purpose.WRITE, org, id, baseVersion == null ? null
                : org + "/" + id + "/" + baseVersion, kos, now, "ImagingManifest/" + id + " version " + baseVersion
                + " is being updated by another request");
    }

    /**
     * Opens the intent of a conditional create and claims its condition ({@code conditionKey}, a
     * digest of the If-None-Exist query): one create per condition in flight, across every instance
     * on this store, until the intent is committed, abandoned or settled.
     *
     * @throws ConcurrentWriteException when a create with the same condition holds the claim
     */
    public String openConditionalIntent(String org, String id, String conditionKey, Instant now) {
        return openIntent(WriteIntent.Purpose.WRITE, org, id, org + "?if-none-exist=" + conditionKey, List.of(), now,
                "a create with the same If-None-Exist is in progress");
    }

    private String openIntent(WriteIntent.Purpose purpose, String org, String id, List<InstanceRef> kos,
            Instant now) {
        return openIntent(purpose, org, id, null, kos, now, null);
    }

    private String openIntent(WriteIntent.Purpose purpose, String org, String id, String claim,
            List<InstanceRef> kos, Instant now, String claimedBy) {
        String intentId = UUID.randomUUID().toString();
        try {
            transactions.executeWithoutResult(tx -> jdbc.sql("INSERT INTO write_intent (intent_id, purpose, org_id,"
                            + " res_id, created, kos, claim) VALUES (?, ?, ?, ?, ?, ?, ?)")
                    .params(intentId, purpose.name(), org, id, now.toEpochMilli(), lines(kos), claim).update());
        } catch (DuplicateKeyException e) {
            throw new ConcurrentWriteException(claimedBy);
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

    /** How many write intents of {@code orgId} are open or half-recovered, whatever their age. */
    public long openIntentCount(String orgId) {
        return jdbc.sql("SELECT COUNT(*) FROM write_intent WHERE org_id = ?"
                        + " AND (settled IS NULL OR outcome = 'recovering')")
                .param(orgId).query(Long.class).single();
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
     * True when the gateway wrote {@code sopUid} itself: it backs a committed version that was not
     * ingested from the PACS, or an open write intent names it (stored on the PACS, version not yet
     * committed). Ingestion skips these.
     */
    public boolean isGatewayKos(String sopUid) {
        return !gatewayKos(List.of(sopUid)).isEmpty();
    }

    /**
     * Those of {@code sopUids} that {@link #isGatewayKos} is true of, in one round trip per
     * thousand. Open intents are few (writes in flight, retirements awaiting the PACS), so all of
     * them are read and their KOS lines matched here; the OR is two index scans (write_intent_open,
     * write_intent_outcome), not a scan of every intent ever settled.
     */
    public Set<String> gatewayKos(Collection<String> sopUids) {
        Set<String> wanted = new LinkedHashSet<>(sopUids);
        Set<String> found = new HashSet<>();
        List<String> all = List.copyOf(wanted);
        for (int from = 0; from < all.size(); from += IN_LIST) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + IN_LIST));
            jdbc.sql("SELECT 'k', k.sop_uid FROM manifest_kos k WHERE k.sop_uid IN ("
                            + String.join(", ", Collections.nCopies(chunk.size(), "?")) + ")"
                            // a KOS ingested for one organization is not the gateway's for another
                            + " AND NOT EXISTS (SELECT 1 FROM ingested_kos i WHERE i.org_id = k.org_id"
                            + " AND i.sop_uid = k.sop_uid)"
                            + " UNION ALL SELECT 'i', kos FROM write_intent"
                            + " WHERE settled IS NULL OR outcome = 'recovering'")
                    .params(new ArrayList<Object>(chunk))
                    .query(rs -> {
                        if ("k".equals(rs.getString(1))) {
                            found.add(rs.getString(2));
                        } else {
                            parseKos(rs.getString(2)).stream().map(InstanceRef::sopInstanceUid)
                                    .filter(wanted::contains).forEach(found::add);
                        }
                    });
        }
        return found;
    }

    /** The id of the organization's most recently written current, not deleted, manifest (index manifest_resource_updated). */
    public Optional<String> newestManifest(String org) {
        return jdbc.sql("SELECT res_id FROM manifest_resource WHERE org_id = ? AND deleted = FALSE"
                        + " ORDER BY last_updated DESC, res_id DESC LIMIT 1")
                .param(org).query(String.class).optional();
    }

    /** What a current manifest of an organization selects of one instance. */
    public enum Selection {
        /** No current manifest selects it. */
        NONE,
        /** Only some of its frames are selected. */
        FRAMES,
        /** Some current manifest selects it whole. */
        WHOLE
    }

    /**
     * What the current, not deleted manifests of {@code org} select of the instance: one range of the
     * index {@code selected_instance_sop} (V8__selected_instance.sql).
     */
    public Selection selection(String org, String studyUid, String seriesUid, String sopUid) {
        return jdbc.sql("SELECT COUNT(*), COUNT(frame) FROM selected_instance WHERE org_id = ? AND sop_uid = ?"
                        + " AND study_uid = ? AND series_uid = ?")
                .params(org, sopUid, studyUid, seriesUid)
                .query((rs, row) -> rs.getLong(1) == 0 ? Selection.NONE
                        : rs.getLong(1) > rs.getLong(2) ? Selection.WHOLE : Selection.FRAMES)
                .single();
    }

    /**
     * True when every one of {@code frames} of the instance is selected by a current manifest of
     * {@code org}: selected as a frame, or the instance selected whole.
     */
    public boolean framesSelected(String org, String studyUid, String seriesUid, String sopUid,
            Collection<Integer> frames) {
        Set<Integer> wanted = new HashSet<>(frames);
        if (wanted.isEmpty() || wanted.size() > IN_LIST) {
            return false;
        }
        List<Object> params = new ArrayList<>(List.of(org, sopUid, studyUid, seriesUid));
        params.addAll(wanted);
        Set<Integer> found = new HashSet<>();
        boolean[] whole = {false};
        jdbc.sql("SELECT DISTINCT frame FROM selected_instance WHERE org_id = ? AND sop_uid = ? AND study_uid = ?"
                        + " AND series_uid = ? AND (frame IS NULL OR frame IN ("
                        + String.join(", ", Collections.nCopies(wanted.size(), "?")) + "))")
                .params(params)
                .query(rs -> {
                    int f = rs.getInt(1);
                    if (rs.wasNull()) {
                        whole[0] = true;
                    } else {
                        found.add(f);
                    }
                });
        return whole[0] || found.containsAll(wanted);
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
            Version v = new Version(id, newVersion, now.toEpochMilli(), json, index, kos);
            if (expectedVersion == null) {
                insertResources(org, List.of(v));
            } else {
                int changed = jdbc.sql("UPDATE manifest_resource SET version_id = ?, deleted = ?, last_updated = ?,"
                                + " language = ?, authoring_low = ?, authoring_high = ?, authoring_span = ?"
                                + " WHERE org_id = ? AND res_id = ? AND version_id = ?")
                        .params(newVersion, v.deleted(), v.millis(), v.language(), v.low(), v.high(),
                                span(v.low(), v.high()), org, id, expectedVersion)
                        .update();
                if (changed != 1) {
                    throw new ConcurrentWriteException("ImagingManifest/" + id + " changed while it was being written");
                }
                // a new resource has no index rows yet (its resource row was just inserted): two round trips saved
                jdbc.sql("DELETE FROM search_token WHERE org_id = ? AND res_id = ?").params(org, id).update();
                jdbc.sql("DELETE FROM search_reference WHERE org_id = ? AND res_id = ?").params(org, id).update();
                jdbc.sql("DELETE FROM selected_instance WHERE org_id = ? AND res_id = ?").params(org, id).update();
            }
            insertVersions(org, List.of(v));
            if (intentId != null) {
                int closed = jdbc.sql("UPDATE write_intent SET settled = ?, outcome = 'committed', claim = NULL"
                                + " WHERE intent_id = ? AND settled IS NULL")
                        .params(v.millis(), intentId).update();
                if (closed != 1) {
                    // the recovery pass took the intent over (the write outlived the grace): its KOS may be gone
                    throw new IntentTakenOverException("write intent " + intentId + " was settled by recovery");
                }
            }
            return new StoredVersion(id, newVersion, Instant.ofEpochMilli(v.millis()), v.deleted(), json);
        });
    }

    /** A manifest to create as version 1, with its index rows and the KOS that back it. */
    public record NewManifest(String id, Instant created, String json, IndexEntries index, List<InstanceRef> kos) {
    }

    /**
     * Creates many manifests, each as version 1, in one transaction and with one statement per
     * table: what ingestion makes of a page of KOS. All or none.
     *
     * @throws DuplicateKeyException when one of the ids exists already
     */
    public void createAll(String org, List<NewManifest> manifests) {
        if (manifests.isEmpty()) {
            return;
        }
        transactions.executeWithoutResult(tx -> {
            List<Version> versions = manifests.stream().map(m -> new Version(m.id(), 1, m.created().toEpochMilli(),
                    m.json(), m.index(), m.kos())).toList();
            insertResources(org, versions);
            insertVersions(org, versions);
        });
    }

    /** A version's rows; {@code json} null is a delete, which has no index rows. */
    private record Version(String id, long versionId, long millis, String json, IndexEntries index,
            List<InstanceRef> kos) {
        boolean deleted() {
            return json == null;
        }

        String language() {
            return deleted() ? null : index.language();
        }

        Long low() {
            return deleted() ? null : index.authoringLow();
        }

        Long high() {
            return deleted() ? null : index.authoringHigh();
        }
    }

    private void insertResources(String org, List<Version> versions) {
        batches.batchUpdate("INSERT INTO manifest_resource (org_id, res_id, version_id, deleted, last_updated,"
                        + " language, authoring_low, authoring_high, authoring_span) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                versions.stream().map(v -> new Object[] {org, v.id(), v.versionId(), v.deleted(), v.millis(),
                    v.language(), v.low(), v.high(), span(v.low(), v.high())}).toList());
    }

    /**
     * The version rows, the search index of the current version and the backing KOS: one batch per
     * table, since a manifest has several index rows and KOS and each row was a database round trip
     * inside the write's transaction.
     */
    private void insertVersions(String org, List<Version> versions) {
        batches.batchUpdate("INSERT INTO manifest_version (org_id, res_id, version_id, last_updated, deleted,"
                        + " resource_json) VALUES (?, ?, ?, ?, ?, ?)",
                versions.stream().map(v -> new Object[] {org, v.id(), v.versionId(), v.millis(), v.deleted(),
                    v.json()}).toList());
        List<Object[]> tokens = new ArrayList<>();
        List<Object[]> references = new ArrayList<>();
        List<Object[]> kos = new ArrayList<>();
        List<Object[]> selected = new ArrayList<>();
        for (Version v : versions) {
            if (!v.deleted()) {
                for (IndexEntries.Selected sel : v.index().selected()) {
                    selected.add(new Object[] {org, v.id(), sel.studyUid(), sel.seriesUid(), sel.sopUid(), sel.frame()});
                }
                for (IndexEntries.Token t : v.index().tokens()) {
                    tokens.add(new Object[] {org, v.id(), t.param(), truncate(t.system(), 512),
                        truncate(t.value(), 512), v.millis()});
                }
                for (IndexEntries.Reference ref : v.index().references()) {
                    references.add(new Object[] {org, v.id(), ref.param(), truncate(ref.reference(), 1024),
                        v.millis()});
                }
            }
            for (InstanceRef ref : v.kos()) {
                kos.add(new Object[] {org, v.id(), v.versionId(), ref.studyInstanceUid(), ref.seriesInstanceUid(),
                    ref.sopInstanceUid(), ref.sopClassUid()});
            }
        }
        // last_updated: the driving index of a search gives the page's order (V7__keyset_paging.sql)
        batches.batchUpdate("INSERT INTO search_token (org_id, res_id, param, token_system, token_value,"
                + " last_updated) VALUES (?, ?, ?, ?, ?, ?)", tokens);
        batches.batchUpdate("INSERT INTO search_reference (org_id, res_id, param, reference, last_updated)"
                + " VALUES (?, ?, ?, ?, ?)", references);
        batches.batchUpdate("INSERT INTO manifest_kos (org_id, res_id, version_id, study_uid, series_uid, sop_uid,"
                + " sop_class_uid) VALUES (?, ?, ?, ?, ?, ?, ?)", kos);
        batches.batchUpdate("INSERT INTO selected_instance (org_id, res_id, study_uid, series_uid, sop_uid, frame)"
                + " VALUES (?, ?, ?, ?, ?, ?)", selected, SELECTED_TYPES);
    }

    /** Column types of a selected_instance row: a null frame must be bound as an INTEGER null. */
    private static final int[] SELECTED_TYPES = {java.sql.Types.VARCHAR, java.sql.Types.VARCHAR,
        java.sql.Types.VARCHAR, java.sql.Types.VARCHAR, java.sql.Types.VARCHAR, java.sql.Types.INTEGER};

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
