package com.imagingmanifest.gateway.store;

import com.imagingmanifest.pacs.InstanceRef;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.context.annotation.DependsOn;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The write-intent journal (docs/architecture.md §3 and §8, table {@code write_intent}): before a
 * write stores a KOS, an intent naming it is committed, so that a crash leaves a record of what may
 * be on the PACS without a version. An intent may hold a unique claim (the version an update
 * replaces, or a conditional create's condition): one writer per claim across every instance on the
 * store. {@link ManifestVersions#commit} closes the intent in the version's own transaction; recovery
 * settles the others.
 */
@Repository
@DependsOn("storeDurability") // no write before commits are made durable
public class WriteIntents {
    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;

    public WriteIntents(JdbcClient jdbc, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.transactions = transactions;
    }

    /** Records, in its own committed transaction, that {@code kos} are about to be stored. */
    public String openWrite(String org, String id, List<InstanceRef> kos, Instant now) {
        return open(WriteIntent.Purpose.WRITE, org, id, null, kos, now, null);
    }

    /** Records superseded KOS that could not be retired yet, for recovery to retry. */
    public String openRetirement(String org, String id, List<InstanceRef> kos, Instant now) {
        return open(WriteIntent.Purpose.RETIRE, org, id, null, kos, now, null);
    }

    /**
     * Opens the intent of an update and claims the right to write the version after {@code base}:
     * one claim per version, held until the intent is committed, abandoned or settled. The intent
     * names no KOS yet ({@link #recordKos}).
     *
     * @throws ConcurrentWriteException when another write already claimed that version
     */
    public String claimVersion(String org, VersionKey base, Instant now) {
        return open(WriteIntent.Purpose.WRITE, org, base.resourceId(), org + "/" + base.resourceId() + "/"
                + base.versionId(), List.of(), now, "ImagingManifest/" + base.resourceId() + " version "
                + base.versionId() + " is being updated by another request");
    }

    /**
     * Opens the intent of a conditional create and claims its condition ({@code conditionKey}, a
     * digest of the If-None-Exist query): one create per condition in flight, across every instance
     * on this store, until the intent is committed, abandoned or settled.
     *
     * @throws ConcurrentWriteException when a create with the same condition holds the claim
     */
    public String claimCondition(String org, String id, String conditionKey, Instant now) {
        return open(WriteIntent.Purpose.WRITE, org, id, org + "?if-none-exist=" + conditionKey, List.of(), now,
                "a create with the same If-None-Exist is in progress");
    }

    private String open(WriteIntent.Purpose purpose, String org, String id, String claim, List<InstanceRef> kos,
            Instant now, String claimedBy) {
        String intentId = UUID.randomUUID().toString();
        try {
            transactions.executeWithoutResult(tx -> jdbc.sql("INSERT INTO write_intent (intent_id, purpose, org_id,"
                            + " res_id, created, kos, claim) VALUES (?, ?, ?, ?, ?, ?, ?)")
                    .params(intentId, purpose.name(), org, id, now.toEpochMilli(), KosLines.format(kos), claim)
                    .update());
        } catch (DuplicateKeyException e) {
            throw new ConcurrentWriteException(claimedBy);
        }
        return intentId;
    }

    /** Names the KOS an intent (opened as a claim, without them) is about to store. */
    public void recordKos(String intentId, List<InstanceRef> kos) {
        transactions.executeWithoutResult(tx -> jdbc.sql("UPDATE write_intent SET kos = ? WHERE intent_id = ?")
                .params(KosLines.format(kos), intentId).update());
    }

    /** Gives up the intent's version claim (its KOS may still await clean-up). */
    public void releaseClaim(String intentId) {
        transactions.executeWithoutResult(tx -> jdbc.sql("UPDATE write_intent SET claim = NULL WHERE intent_id = ?")
                .param(intentId).update());
    }

    /**
     * Closes the intent as committed, inside the caller's transaction (the version's commit): 1 when
     * it was open, 0 when recovery took it over meanwhile.
     */
    int closeCommitted(String intentId, long millis) {
        return jdbc.sql("UPDATE write_intent SET settled = ?, outcome = 'committed', claim = NULL"
                        + " WHERE intent_id = ? AND settled IS NULL")
                .params(millis, intentId).update();
    }

    /** Closes an intent whose version was not committed, with what became of its KOS. */
    public void settle(String intentId, String outcome, Instant now) {
        transactions.executeWithoutResult(tx -> jdbc.sql(
                        "UPDATE write_intent SET settled = ?, outcome = ?, claim = NULL WHERE intent_id = ? AND settled IS NULL")
                .params(now.toEpochMilli(), truncate(outcome, 512), intentId).update());
    }

    /**
     * Takes an open intent over for recovery, so that its writer can no longer commit; false when it
     * was closed meanwhile. {@link #reopen} undoes it when recovery cannot finish.
     */
    public boolean takeOver(String intentId, Instant now) {
        return Boolean.TRUE.equals(transactions.execute(tx -> jdbc.sql(
                        "UPDATE write_intent SET settled = ?, outcome = 'recovering', claim = NULL"
                                + " WHERE intent_id = ? AND (settled IS NULL OR outcome = 'recovering')")
                .params(now.toEpochMilli(), intentId).update() == 1));
    }

    /** Opens again an intent that recovery took over but could not settle. */
    public void reopen(String intentId) {
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
    public List<WriteIntent> openBefore(Instant before) {
        return jdbc.sql("SELECT intent_id, purpose, org_id, res_id, created, kos FROM write_intent"
                        + " WHERE (settled IS NULL OR outcome = 'recovering') AND created < ? ORDER BY created")
                .params(before.toEpochMilli())
                .query((rs, n) -> new WriteIntent(rs.getString(1), WriteIntent.Purpose.valueOf(rs.getString(2)),
                        rs.getString(3), rs.getString(4), Instant.ofEpochMilli(rs.getLong(5)),
                        KosLines.parse(rs.getString(6))))
                .list();
    }

    /** How many write intents of {@code orgId} are open or half-recovered, whatever their age. */
    public long openCount(String orgId) {
        return jdbc.sql("SELECT COUNT(*) FROM write_intent WHERE org_id = ?"
                        + " AND (settled IS NULL OR outcome = 'recovering')")
                .param(orgId).query(Long.class).single();
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
