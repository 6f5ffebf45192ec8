package com.imagingmanifest.gateway.manifest;

import ca.uhn.fhir.context.FhirContext;
import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.dicom.io.Part10Object;
import com.imagingmanifest.gateway.store.ConcurrentWriteException;
import com.imagingmanifest.gateway.store.IndexEntries;
import com.imagingmanifest.gateway.store.IntentTakenOverException;
import com.imagingmanifest.gateway.store.ManifestKos;
import com.imagingmanifest.gateway.store.ManifestVersions;
import com.imagingmanifest.gateway.store.StoredVersion;
import com.imagingmanifest.gateway.store.VersionKey;
import com.imagingmanifest.gateway.store.WriteIntents;
import com.imagingmanifest.gateway.tenant.PacsConnections;
import com.imagingmanifest.gateway.tenant.Tenant;
import com.imagingmanifest.pacs.InstanceRef;
import com.imagingmanifest.pacs.Pacs;
import com.imagingmanifest.pacs.PacsException;
import com.imagingmanifest.pacs.SupersededPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.hl7.fhir.dstu3.model.Identifier;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Service;

/**
 * The write path (docs/architecture.md §3): validate, read each selected study's context from
 * the PACS, translate to KOS, record the intent, store the KOS, commit the version with its index
 * and KOS UIDs (closing the intent), then retire the previous version's KOS by the binding's policy.
 * A write is acknowledged only after both the KOS is on the PACS and the version is committed.
 */
@Service
public class ManifestWriter {
    private static final String DICOM_UID_SYSTEM = ManifestIndexer.DICOM_UID_SYSTEM;
    /** How long a conditional create waits for an identical one in flight before it answers 409. */
    static final Duration CONDITION_WAIT = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(ManifestWriter.class);

    private final ManifestVersions versions;
    private final WriteIntents intents;
    private final ManifestKos kos;
    private final PacsConnections connections;
    private final KosTranslation translation;
    private final FhirContext fhir;
    private final Clock clock;
    private final GatewayRejections rejections;

    /** A writer whose rejections of abandoned KOS are not remembered for ingestion. */
    public ManifestWriter(ManifestVersions versions, WriteIntents intents, ManifestKos kos,
            PacsConnections connections, KosTranslation translation, FhirContext fhir, Clock clock) {
        this(versions, intents, kos, connections, translation, fhir, clock, GatewayRejections.NONE);
    }

    @Autowired
    public ManifestWriter(ManifestVersions versions, WriteIntents intents, ManifestKos kos,
            PacsConnections connections, KosTranslation translation, FhirContext fhir, Clock clock,
            GatewayRejections rejections) {
        this.rejections = rejections;
        this.versions = versions;
        this.intents = intents;
        this.kos = kos;
        this.connections = connections;
        this.translation = translation;
        this.fhir = fhir;
        this.clock = clock;
    }

    /** Creates a manifest with a new server-assigned id (a random UUID). */
    public StoredVersion create(Tenant tenant, ImagingManifest manifest) {
        return write(tenant, UUID.randomUUID().toString(), null, manifest, null);
    }

    /** A conditional create's answer: the manifest it made, or the one that already matched. */
    public record ConditionalCreate(StoredVersion version, boolean created) {
    }

    /**
     * Conditional create (If-None-Exist): creates {@code manifest} unless {@code existing} (the
     * condition's search, which refuses more than one match) finds one. Before it searches a second
     * time and before anything reaches the PACS, the create claims {@code conditionKey} in the store
     * (see {@link WriteIntents#claimCondition}); the claim is released in the commit that
     * makes the manifest visible. So of identical conditional creates on any number of instances one
     * creates, and every other one, on finding the claim taken, waits and then finds that manifest.
     */
    public ConditionalCreate createIfNoneExist(Tenant tenant, ImagingManifest manifest, String conditionKey,
            Supplier<Optional<StoredVersion>> existing) {
        List<KosTranslation.Problem> problems = translation.validate(manifest);
        if (!problems.isEmpty()) {
            throw new ManifestException.InvalidManifest(problems);
        }
        long deadline = System.nanoTime() + CONDITION_WAIT.toNanos();
        while (true) {
            Optional<StoredVersion> found = existing.get();
            if (found.isPresent()) {
                return new ConditionalCreate(found.get(), false);
            }
            String id = UUID.randomUUID().toString();
            String intentId;
            try {
                intentId = intents.claimCondition(tenant.id(), id, conditionKey, now());
            } catch (ConcurrentWriteException e) {
                if (System.nanoTime() > deadline) {
                    // the holder is slow or died (recovery releases a dead one's claim after its grace)
                    throw new ManifestException.VersionConflict(e.getMessage() + " for longer than "
                            + CONDITION_WAIT.toSeconds() + " s; retry later");
                }
                pause();
                continue;
            }
            try {
                // with the claim held, every create of this condition that committed is visible here
                found = existing.get();
            } catch (RuntimeException e) {
                release(tenant, intentId, e);
                throw e;
            }
            if (found.isPresent()) {
                settle(tenant, intentId, "not needed: ImagingManifest/" + found.get().resourceId()
                        + " matched If-None-Exist");
                return new ConditionalCreate(found.get(), false);
            }
            return new ConditionalCreate(write(tenant, id, null, manifest, intentId), true);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(10, 40));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a conditional create", e);
        }
    }

    /** Writes a new version over {@code previous} (the current version, possibly a delete). */
    public StoredVersion update(Tenant tenant, StoredVersion previous, ImagingManifest manifest) {
        return write(tenant, previous.resourceId(), previous, manifest, null);
    }

    /** Deletes the manifest and retires its KOS by the binding's policy. */
    public StoredVersion delete(Tenant tenant, StoredVersion previous) {
        if (tenant.pacs().superseded() != SupersededPolicy.KEEP) {
            // the KOS must go too: with the PACS down, answer 503 and change nothing
            try {
                connections.of(tenant).check();
            } catch (PacsException e) {
                throw PacsFailures.of(e);
            }
        }
        StoredVersion deleted;
        try {
            deleted = versions.commitDelete(tenant.id(), key(previous), now());
        } catch (ConcurrentWriteException e) {
            throw new ManifestException.VersionConflict(e.getMessage());
        }
        retire(tenant, previous);
        return deleted;
    }

    /** {@code heldIntent}: the intent a conditional create opened with its claim, else null. */
    private StoredVersion write(Tenant tenant, String id, StoredVersion previous, ImagingManifest manifest,
            String heldIntent) {
        if (heldIntent == null) {
            // a conditional create (heldIntent set) validated before it claimed its condition
            List<KosTranslation.Problem> problems = translation.validate(manifest);
            if (!problems.isEmpty()) {
                throw new ManifestException.InvalidManifest(problems);
            }
        }
        Pacs pacs = connections.of(tenant);
        // an update claims its version before it asks the PACS anything: a concurrent loser is refused
        // at once and never stores a KOS (one writer per version)
        String intentId = heldIntent != null ? heldIntent : previous == null ? null
                : claim(tenant, id, previous.versionId());
        Prepared prepared;
        try {
            prepared = prepare(tenant, pacs, id, previous, manifest);
        } catch (RuntimeException e) {
            if (intentId != null) {
                release(tenant, intentId, e);
            }
            throw e;
        }
        List<Part10Object> documents = prepared.kos();
        List<InstanceRef> refs = prepared.refs();
        if (intentId == null) {
            intentId = intents.openWrite(tenant.id(), id, refs, prepared.now());
        } else {
            intents.recordKos(intentId, refs);
        }

        List<InstanceRef> stored = new ArrayList<>();
        try {
            for (int i = 0; i < documents.size(); i++) {
                pacs.store(documents.get(i));
                stored.add(refs.get(i));
            }
        } catch (PacsException e) {
            // a C-STORE or STOW that timed out may still complete on the PACS after the KOS are removed:
            // the intent then stays open for recovery to look again once the grace has passed
            abandon(tenant, pacs, intentId, refs, "store failed: " + e.getMessage(),
                    e.kind() == PacsException.Kind.TIMEOUT);
            throw PacsFailures.of(e);
        }
        StoredVersion committed;
        try {
            committed = versions.commit(new ManifestVersions.VersionWrite(tenant.id(), id,
                    previous == null ? null : previous.versionId(), prepared.version(), prepared.now(), prepared.json(),
                    prepared.index(), refs, intentId));
        } catch (ConcurrentWriteException e) {
            abandon(tenant, pacs, intentId, stored, "lost a concurrent write", false);
            throw new ManifestException.VersionConflict(e.getMessage());
        } catch (IntentTakenOverException e) {
            // recovery took the intent over while this write was still storing: it may have looked for
            // these KOS before they arrived and found nothing to remove, so the one who knows they are
            // there removes them
            discardAfterTakeOver(tenant, pacs, id, stored);
            throw new ManifestException.WriteUndone("the write took longer than the recovery grace"
                    + " and was undone; nothing was changed");
        } catch (RuntimeException e) {
            // the store failed: the commit may or may not have happened (a lost connection hides it)
            settleUncertainCommit(tenant, pacs, intentId, stored, e);
            throw e;
        }
        if (previous != null && !previous.deleted()) {
            retire(tenant, previous);
        }
        return committed;
    }

    /** What a write stores: its KOS (one per selected study), the version and its index. */
    private record Prepared(List<Part10Object> kos, List<InstanceRef> refs, long version, Instant now,
            String json, IndexEntries index) {
    }

    /** Reads the studies' context from the PACS and translates the manifest; stores nothing. */
    private Prepared prepare(Tenant tenant, Pacs pacs, String id, StoredVersion previous, ImagingManifest manifest) {
        Map<String, DataSet> contexts = studyContexts(pacs, manifest);

        // KOS never change (docs/architecture.md §6): every version gets new SOP Instance UIDs, one per
        // selected study; only a create may name its (first) KOS by a DICOM identifier
        boolean dicomIdentifier = !manifest.hasIdentifier()
                || DICOM_UID_SYSTEM.equals(manifest.getIdentifier().getSystem());
        List<String> sopUids = new ArrayList<>();
        for (int i = 0; i < manifest.getStudy().size(); i++) {
            sopUids.add(Uid.generate());
        }
        String clientUid = null;
        if (previous == null && manifest.hasIdentifier() && dicomIdentifier) {
            String given = ManifestIndexer.bareUid(manifest.getIdentifier().getValue());
            if (!Uid.isValid(given)) {
                throw new ManifestException.InvalidManifest(List.of(new KosTranslation.Problem("ImagingManifest.identifier.value",
                        "a urn:dicom:uid identifier must be urn:oid: and a valid DICOM UID")));
            }
            sopUids.set(0, given);
            clientUid = given;
        }
        List<Part10Object> documents;
        try {
            documents = translation.translate(manifest, contexts, tenant.pacs(), sopUids);
        } catch (KosTranslation.ContradictionException e) {
            throw new ManifestException.Unprocessable(ManifestException.Unprocessable.Reason.CONTRADICTS_PACS,
                    e.getMessage(), e.problems());
        }
        List<InstanceRef> refs = documents.stream().map(InstanceRef::of).toList();
        // only a client-given UID can name a KOS already stored: the generated ones are new UUID-derived
        // UIDs (2.25), so asking the store about them would be a round trip per study for nothing
        if (clientUid != null && kos.isCommitted(clientUid)) {
            throw new ManifestException.Unprocessable(ManifestException.Unprocessable.Reason.KOS_EXISTS,
                    "identifier " + DICOM_UID_SYSTEM + "|urn:oid:" + clientUid
                    + " already names a stored KOS; omit it to get a new one", List.of());
        }

        long version = previous == null ? 1 : previous.versionId() + 1;
        Instant now = now();
        if (dicomIdentifier && !refs.isEmpty()) {
            // the manifest's one identifier names its (first) KOS; a client identifier of another system stays
            manifest.setIdentifier(new Identifier().setSystem(DICOM_UID_SYSTEM)
                    .setValue("urn:oid:" + refs.get(0).sopInstanceUid()));
        }
        manifest.setId(id);
        manifest.getMeta().setVersionId(Long.toString(version)).setLastUpdated(Date.from(now));
        String json = fhir.newJsonParser().encodeResourceToString(manifest);
        IndexEntries index = ManifestIndexer.index(manifest, contexts.values(),
                refs.stream().map(InstanceRef::sopInstanceUid).toList());
        return new Prepared(documents, refs, version, now, json, index);
    }

    private String claim(Tenant tenant, String id, long baseVersion) {
        try {
            return intents.claimVersion(tenant.id(), new VersionKey(id, baseVersion), now());
        } catch (ConcurrentWriteException e) {
            throw new ManifestException.VersionConflict(e.getMessage());
        }
    }

    /** Closes a claim whose write was refused before any KOS was stored. */
    private void release(Tenant tenant, String intentId, RuntimeException reason) {
        settle(tenant, intentId, "refused before any KOS was stored: " + reason.getMessage());
    }

    /** Closes a claim that stored no KOS. */
    private void settle(Tenant tenant, String intentId, String outcome) {
        try {
            intents.settle(intentId, outcome, now());
        } catch (RuntimeException e) {
            log.warn("organization {}: claim {} not released ({}); recovery will settle it", tenant.id(), intentId,
                    e.getMessage());
        }
    }

    private Map<String, DataSet> studyContexts(Pacs pacs, ImagingManifest manifest) {
        Map<String, DataSet> contexts = new LinkedHashMap<>();
        for (ImagingManifest.StudyComponent study : manifest.getStudy()) {
            String uid = ManifestIndexer.bareUid(study.getUid());
            if (contexts.containsKey(uid)) {
                continue;
            }
            Optional<DataSet> context;
            try {
                context = pacs.studyContext(uid);
                if (context.isEmpty()) {
                    // A refusal is final for the client, so the negative answer is confirmed once: the
                    // reliability soak saw Orthanc's QIDO miss a study of ongoing writes once in
                    // thousands of queries while instances of that study were being deleted.
                    context = pacs.studyContext(uid);
                }
            } catch (PacsException e) {
                throw PacsFailures.of(e);
            }
            if (context.isEmpty()) {
                String missing = "Study " + uid + " is not on the organization's PACS";
                throw new ManifestException.Unprocessable(ManifestException.Unprocessable.Reason.STUDY_NOT_ON_PACS,
                        missing, List.of(new KosTranslation.Problem("ImagingManifest.study.uid", missing)));
            }
            contexts.put(uid, context.get());
        }
        return contexts;
    }

    /**
     * After a failed commit: removes the KOS only when the store answers that they back no version;
     * if it cannot answer, the intent stays open and {@link WriteRecovery} decides later.
     */
    private void settleUncertainCommit(Tenant tenant, Pacs pacs, String intentId, List<InstanceRef> stored,
            RuntimeException failure) {
        try {
            if (stored.stream().anyMatch(ref -> kos.isCommitted(ref.sopInstanceUid()))) {
                return; // the commit went through after all; the intent was closed with it
            }
        } catch (RuntimeException storeStillDown) {
            log.warn("organization {}: commit of write {} failed ({}) and its outcome is unknown; recovery will"
                    + " settle it", tenant.id(), intentId, failure.getMessage());
            return;
        }
        abandon(tenant, pacs, intentId, stored, "commit failed: " + failure.getMessage(), false);
    }

    /**
     * Removes KOS stored for a write that will not be committed; the intent stays open on failure, and
     * when {@code uncertain} (the PACS may yet store what it was sent), for {@link WriteRecovery} to
     * remove whatever arrived late.
     */
    private void abandon(Tenant tenant, Pacs pacs, String intentId, List<InstanceRef> stored, String reason,
            boolean uncertain) {
        try {
            intents.releaseClaim(intentId);
        } catch (RuntimeException e) {
            log.warn("organization {}: version claim of write {} not released: {}", tenant.id(), intentId,
                    e.getMessage());
        }
        try {
            for (InstanceRef ref : stored) {
                // deleted where the PACS can, else rejected (IOCM): never left for a reader to find
                rejections.discard(pacs, tenant.id(), ref);
            }
            if (uncertain) {
                log.info("organization {}: write {} abandoned ({}); recovery looks for late KOS after the grace",
                        tenant.id(), intentId, reason);
                return;
            }
            intents.settle(intentId, "abandoned (" + reason + "); KOS removed", now());
        } catch (PacsException | RuntimeException e) {
            log.warn("organization {}: could not remove KOS of abandoned write {} ({}); recovery will retry",
                    tenant.id(), intentId, e.getMessage());
        }
    }

    /**
     * Removes the KOS a write stored after recovery took its intent over. A KOS that cannot be removed
     * now gets an intent of its own, so that recovery retries it and nothing stays on the PACS.
     */
    private void discardAfterTakeOver(Tenant tenant, Pacs pacs, String id, List<InstanceRef> stored) {
        List<InstanceRef> left = new ArrayList<>();
        for (InstanceRef ref : stored) {
            try {
                rejections.discard(pacs, tenant.id(), ref);
            } catch (PacsException | RuntimeException e) {
                left.add(ref);
            }
        }
        if (!left.isEmpty()) {
            try {
                intents.openWrite(tenant.id(), id, left, now());
            } catch (RuntimeException e) {
                log.warn("organization {}: KOS {} of an undone write of ImagingManifest/{} left on the PACS: {}",
                        tenant.id(), left, id, e.getMessage());
            }
        }
    }

    /**
     * Applies the superseded-KOS policy to the KOS of a version that is no longer current. The
     * version is already committed, so a failure does not fail the request: what could not be
     * retired is recorded for {@link WriteRecovery} to retry.
     */
    private void retire(Tenant tenant, StoredVersion previous) {
        SupersededPolicy policy = tenant.pacs().superseded();
        if (policy == SupersededPolicy.KEEP) {
            return;
        }
        List<InstanceRef> left = new ArrayList<>();
        for (InstanceRef ref : kos.ofVersion(tenant.id(), key(previous))) {
            try {
                connections.of(tenant).remove(ref, policy);
            } catch (PacsException | RuntimeException e) {
                log.warn("organization {}: superseded KOS {} of ImagingManifest/{}/_history/{} not {} yet: {}",
                        tenant.id(), ref.sopInstanceUid(), previous.resourceId(), previous.versionId(),
                        policy == SupersededPolicy.DELETE ? "deleted" : "rejected", e.getMessage());
                left.add(ref);
            }
        }
        if (!left.isEmpty()) {
            try {
                // an intent over superseded KOS: the recovery pass retires them once the PACS answers
                intents.openRetirement(tenant.id(), previous.resourceId(), left, now());
            } catch (RuntimeException e) {
                log.warn("organization {}: superseded KOS of ImagingManifest/{} left on the PACS: {}", tenant.id(),
                        previous.resourceId(), e.getMessage());
            }
        }
    }

    private static VersionKey key(StoredVersion version) {
        return new VersionKey(version.resourceId(), version.versionId());
    }

    private Instant now() {
        // milliseconds: the precision of meta.lastUpdated and of the store
        return Instant.ofEpochMilli(clock.millis());
    }
}
