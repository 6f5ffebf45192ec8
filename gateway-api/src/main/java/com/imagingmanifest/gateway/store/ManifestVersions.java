package com.imagingmanifest.gateway.store;

import com.imagingmanifest.pacs.InstanceRef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.context.annotation.DependsOn;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The manifests of each organization (docs/architecture.md §7): the current state and every version,
 * the search index, the selected instances and the KOS behind each version. A version, its index and
 * its KOS UIDs are written in one transaction, which also closes the write intent
 * ({@link WriteIntents}) that covered the KOS. Searches and history read pages by key
 * ({@link SearchQuery}, {@link PlannerHints}).
 */
@Repository
@DependsOn("storeDurability") // no write before commits are made durable
public class ManifestVersions {
    private final JdbcClient jdbc;
    private final JdbcTemplate batches;
    private final TransactionTemplate transactions;
    private final WriteIntents intents;
    /** Per organization: updates and deletes this process committed (see {@link #changes}). */
    private final ConcurrentHashMap<String, AtomicLong> changes = new ConcurrentHashMap<>();

    public ManifestVersions(JdbcClient jdbc, JdbcTemplate batches, TransactionTemplate transactions,
            WriteIntents intents) {
        this.jdbc = jdbc;
        this.batches = batches;
        this.transactions = transactions;
        this.intents = intents;
    }

    /**
     * How many updates and deletes of the organization's manifests this process has committed: a
     * cache of what the current versions select (the viewer's) keys its answers by it, so that a
     * selection this process ended is not served from the cache. Counted after the commit, so an
     * answer read before it cannot be kept under the new count.
     */
    public long changes(String org) {
        AtomicLong n = changes.get(org);
        return n == null ? 0 : n.get();
    }

    private void changed(String org) {
        changes.computeIfAbsent(org, k -> new AtomicLong()).incrementAndGet();
    }

    /** The current version (possibly a delete), if the manifest ever existed in this organization. */
    public Optional<StoredVersion> current(String org, String id) {
        return jdbc.sql("SELECT v.res_id, v.version_id, v.last_updated, v.deleted, v.resource_json"
                        + " FROM manifest_resource r JOIN manifest_version v ON v.org_id = r.org_id"
                        + " AND v.res_id = r.res_id AND v.version_id = r.version_id"
                        + " WHERE r.org_id = ? AND r.res_id = ?")
                .params(org, id).query(ManifestVersions::version).optional();
    }

    public Optional<StoredVersion> version(String org, String id, long versionId) {
        return jdbc.sql("SELECT res_id, version_id, last_updated, deleted, resource_json FROM manifest_version"
                        + " WHERE org_id = ? AND res_id = ? AND version_id = ?")
                .params(org, id, versionId).query(ManifestVersions::version).optional();
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
        List<PlannerHints.Key> keys;
        historyWhere(org, id, since, sql, args);
        if (id != null) {
            keys = List.of(new PlannerHints.Key("version_id", true));
        } else {
            keys = List.of(new PlannerHints.Key("last_updated", true), new PlannerHints.Key("res_id", true),
                    new PlannerHints.Key("version_id", true));
        }
        if (after != null) {
            sql.append(" AND ");
            PlannerHints.keyset(keys, after, sql, args);
        }
        // the equality columns ahead of the keys (PlannerHints#orderBy)
        sql.append(PlannerHints.orderBy(id != null ? List.of("org_id DESC", "res_id DESC") : List.of("org_id"), keys));
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
     * or history, not one per entry. The keys are a {@code VALUES} table joined on the primary key
     * ({@link PlannerHints#valuesTable}): otherwise H2 walked the organization's versions for each page
     * (0.14 s at 100,000 manifests; docs/performance.md).
     */
    public List<StoredVersion> load(String org, List<VersionKey> keys) {
        if (keys.isEmpty()) {
            return List.of();
        }
        StringBuilder sql = new StringBuilder("SELECT v.res_id, v.version_id, v.last_updated, v.deleted,"
                + " v.resource_json FROM ").append(PlannerHints.valuesTable(keys.size(), "k", "res_id", "version_id"))
                .append(" JOIN manifest_version v ON v.org_id = ? AND v.res_id = k.res_id AND v.version_id = k.version_id");
        List<Object> args = new ArrayList<>(1 + 2 * keys.size());
        for (VersionKey key : keys) {
            args.add(key.resourceId());
            args.add(key.versionId());
        }
        args.add(org);
        Map<VersionKey, StoredVersion> found = new HashMap<>();
        jdbc.sql(sql.toString()).params(args).query(ManifestVersions::version).list()
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

    /** The id of the organization's most recently written current, not deleted, manifest (index manifest_resource_updated). */
    public Optional<String> newestManifest(String org) {
        return jdbc.sql("SELECT res_id FROM manifest_resource WHERE org_id = ? AND deleted = FALSE"
                        + " ORDER BY last_updated DESC, res_id DESC LIMIT 1")
                .param(org).query(String.class).optional();
    }

    /** The current, not deleted, version of the manifest of {@code org} that KOS {@code sopUid} backs. */
    public Optional<StoredVersion> currentBackedBy(String org, String sopUid) {
        return jdbc.sql("SELECT v.res_id, v.version_id, v.last_updated, v.deleted, v.resource_json"
                        + " FROM manifest_kos k JOIN manifest_resource r ON r.org_id = k.org_id"
                        + " AND r.res_id = k.res_id AND r.version_id = k.version_id"
                        + " JOIN manifest_version v ON v.org_id = r.org_id AND v.res_id = r.res_id"
                        + " AND v.version_id = r.version_id"
                        + " WHERE k.org_id = ? AND k.sop_uid = ? AND r.deleted = FALSE")
                .params(org, sopUid).query(ManifestVersions::version).optional();
    }

    /**
     * A new version to commit over {@code expectedVersion} (the current version; null for a new
     * manifest), with its search index and the KOS that back it. {@code intentId}, if given, is the
     * write intent the commit closes.
     */
    public record VersionWrite(String org, String id, Long expectedVersion, long newVersion, Instant at, String json,
            IndexEntries index, List<InstanceRef> kos, String intentId) {
        public VersionWrite {
            if (json == null || index == null) {
                throw new IllegalArgumentException("a version write has a resource and its index; a delete is"
                        + " commitDelete");
            }
        }
    }

    /**
     * Commits a new version and closes its intent, in one transaction.
     *
     * @throws ConcurrentWriteException when the current version is no longer the expected one
     * @throws IntentTakenOverException when recovery took the intent over (its KOS may be gone)
     */
    public StoredVersion commit(VersionWrite write) {
        return commit(write.org(), write.id(), write.expectedVersion(), write.newVersion(), write.at(), write.json(),
                write.index(), write.kos(), write.intentId());
    }

    /**
     * Commits a delete: the version after {@code current}, without resource or index rows; the
     * manifest then matches no search and selects nothing.
     *
     * @throws ConcurrentWriteException when the current version is no longer {@code current}
     */
    public StoredVersion commitDelete(String org, VersionKey current, Instant at) {
        return commit(org, current.resourceId(), current.versionId(), current.versionId() + 1, at, null, null,
                List.of(), null);
    }

    /** {@code json} null makes the version a delete. */
    private StoredVersion commit(String org, String id, Long expectedVersion, long newVersion, Instant now,
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
                TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                    @Override
                    public void afterCommit() {
                        changed(org);
                    }
                });
            }
            insertVersions(org, List.of(v));
            if (intentId != null && intents.closeCommitted(intentId, v.millis()) != 1) {
                // the recovery pass took the intent over (the write outlived the grace): its KOS may be gone
                throw new IntentTakenOverException("write intent " + intentId + " was settled by recovery");
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

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
