package com.imagingmanifest.gateway.ingest;

import ca.uhn.fhir.context.FhirContext;
import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.gateway.metrics.GatewayMetrics;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.dicom.io.DataSetReader;
import com.imagingmanifest.dicom.io.DicomParseException;
import com.imagingmanifest.dicom.io.Part10;
import com.imagingmanifest.gateway.manifest.ManifestIndexer;
import com.imagingmanifest.gateway.store.IndexEntries;
import com.imagingmanifest.gateway.store.ManifestKos;
import com.imagingmanifest.gateway.store.ManifestVersions;
import com.imagingmanifest.gateway.store.StoredVersion;
import com.imagingmanifest.gateway.store.VersionKey;
import com.imagingmanifest.gateway.tenant.Tenant;
import com.imagingmanifest.kos.KosMappingException;
import com.imagingmanifest.kos.KosToManifest;
import com.imagingmanifest.kos.RejectedInstance;
import com.imagingmanifest.pacs.InstanceRef;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.hl7.fhir.dstu3.model.UriType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Turns a KOS made on the PACS side into a manifest (docs/architecture.md §5), whichever way it came
 * (C-STORE to the gateway's SCP, or the poller). The rules, in order: a KOS the gateway wrote itself
 * is skipped; one already decided about is a duplicate; an IOCM rejection note deletes the manifests
 * whose KOS it rejects; any other KOS becomes manifest version 1, with the KOS recorded as backing it
 * and nothing written back to the PACS. A KOS that cannot be parsed or mapped goes to quarantine.
 *
 * <p>Each decision commits in its own transaction, or in a savepoint when the caller (the poller)
 * holds one: the insert into {@code ingested_kos} is what makes a KOS count once, so a concurrent
 * second attempt loses with a duplicate key and changes nothing.
 */
@Service
public class KosIngestion {
    /** R4's Meta.source carried into STU3 by the cross-version extension (FHIR R4 versions.html). */
    public static final String META_SOURCE_EXTENSION =
            "http://hl7.org/fhir/4.0/StructureDefinition/extension-Meta.source";

    private static final Logger log = LoggerFactory.getLogger(KosIngestion.class);

    /** How a KOS reached the gateway: the {@code source} tag of the metrics. */
    public enum Channel {
        SCP, POLL;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What became of one KOS. */
    public enum Outcome {
        /** It is now manifest version 1. */
        MANIFEST,
        /** It was decided about before (sent again, or seen by both SCP and poller). */
        DUPLICATE,
        /** The gateway wrote it itself. */
        OWN,
        /** A rejection note that deleted the manifests backed by the KOS it rejects. */
        REJECTION_APPLIED,
        /** A rejection note that rejects no KOS backing a current manifest (recorded, nothing else). */
        REJECTION_IGNORED,
        /** A KOS that a rejection note named before it arrived. */
        REJECTED_EARLIER,
        /** Unparseable or unmappable: quarantined. */
        QUARANTINED;

        String tag() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** Why a KOS was quarantined: its bytes are not a data set, or its content is not a manifest. */
    public enum Defect {
        UNPARSEABLE, UNMAPPABLE
    }

    /** The outcome, a reason for people, the manifest made or deleted (if any), the defect if quarantined. */
    public record Result(Outcome outcome, String detail, String resourceId, Defect defect) {
        Result(Outcome outcome, String detail, String resourceId) {
            this(outcome, detail, resourceId, null);
        }
    }

    private final ManifestVersions versions;
    private final ManifestKos kos;
    private final IngestRecords records;
    private final Quarantine quarantine;
    private final FhirContext fhir;
    private final GatewayMetrics metrics;
    private final Clock clock;
    private final TransactionTemplate savepoint;
    private final KosToManifest translation = new KosToManifest();
    /** A deflated KOS may expand to no more than the SCP accepts uncompressed ({@code gateway.scp.max-object-size}). */
    private final long maxInflatedBytes;
    private final Map<String, RetrieveUrlPolicy> retrieveUrls = new java.util.HashMap<>();
    private static final RetrieveUrlPolicy ANY_WEB_HOST = new RetrieveUrlPolicy(List.of());
    private static final long DEFAULT_QUARANTINE_QUOTA = 256L << 20;
    private final Map<String, Long> quarantineQuotas = new java.util.HashMap<>();

    KosIngestion(ManifestVersions versions, ManifestKos kos, IngestRecords records, Quarantine quarantine,
            FhirContext fhir, GatewayMetrics metrics, Clock clock, PlatformTransactionManager transactions,
            IngestProperties properties) {
        this.maxInflatedBytes = properties.scp().maxObjectSize().toBytes();
        for (IngestProperties.Organization o : properties.organizations()) {
            if (o.id() != null) {
                retrieveUrls.put(o.id(), new RetrieveUrlPolicy(o.retrieveHosts()));
                quarantineQuotas.put(o.id(), o.ingest().quarantineQuota().toBytes());
            }
        }
        this.versions = versions;
        this.kos = kos;
        this.records = records;
        this.quarantine = quarantine;
        this.fhir = fhir;
        this.metrics = metrics;
        this.clock = clock;
        this.savepoint = new TransactionTemplate(transactions);
        // joins the poller's page transaction as a savepoint, or runs on its own for the SCP
        this.savepoint.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
    }

    /**
     * A KOS received by C-STORE: the data set bytes in {@code transferSyntaxUid}, and the SOP
     * Instance UID the request announced.
     */
    public Result received(Tenant tenant, String source, String sopClassUid, String sopInstanceUid,
            String transferSyntaxUid, byte[] dataSet) {
        DataSet ds;
        try {
            ds = reader().readDataSet(dataSet, 0, dataSet.length, transferSyntaxUid);
        } catch (DicomParseException e) {
            return quarantine(tenant, Channel.SCP, source, sopInstanceUid, Defect.UNPARSEABLE,
                    "cannot parse: " + e.getMessage(),
                    () -> ReceivedObject.part10(sopClassUid, sopInstanceUid, transferSyntaxUid, dataSet));
        }
        return ingest(tenant, Channel.SCP, source, ds, sopInstanceUid,
                () -> ReceivedObject.part10(sopClassUid, sopInstanceUid, transferSyntaxUid, dataSet));
    }

    /** A KOS the poller retrieved from the PACS, as a Part 10 file. */
    public Result retrieved(Tenant tenant, String source, String sopInstanceUid, byte[] part10) {
        DataSet ds;
        try {
            ds = Part10.read(part10, reader()).dataSet();
        } catch (DicomParseException e) {
            return quarantine(tenant, Channel.POLL, source, sopInstanceUid, Defect.UNPARSEABLE,
                    "cannot parse: " + e.getMessage(), () -> part10);
        }
        return ingest(tenant, Channel.POLL, source, ds, sopInstanceUid, () -> part10);
    }

    /** A KOS the poller read from the PACS: the SOP Instance UID its feed named, and the Part 10 file. */
    public record Retrieved(String sopInstanceUid, byte[] part10) {
    }

    /** A retrieved KOS that parsed, with a valid SOP Instance UID equal to the announced one. */
    private record Parsed(Retrieved retrieved, DataSet ds, String sop) {
    }

    /**
     * A page of KOS the poller retrieved, in feed order, within the page's transaction: each gets the
     * outcome {@link #retrieved} would give it, with fewer database round trips. Runs of ordinary
     * KOS are looked up together and their manifests written with one statement per table; a
     * rejection note, or a KOS that is not ordinary, is decided on its own after the KOS before it
     * and before those after it (a note may reject a KOS of the same page).
     */
    public List<Result> retrievedPage(Tenant tenant, String source, List<Retrieved> page) {
        List<Result> results = new ArrayList<>(page.size());
        List<Parsed> run = new ArrayList<>();
        for (Retrieved r : page) {
            Parsed parsed = ordinary(r);
            if (parsed != null) {
                run.add(parsed);
                continue;
            }
            results.addAll(ingestRun(tenant, source, run));
            run.clear();
            results.add(retrieved(tenant, source, r.sopInstanceUid(), r.part10()));
        }
        results.addAll(ingestRun(tenant, source, run));
        return results;
    }

    /** The KOS parsed, with the announced valid SOP Instance UID, and is no rejection note; else null. */
    private Parsed ordinary(Retrieved r) {
        DataSet ds;
        try {
            ds = Part10.read(r.part10(), reader()).dataSet();
        } catch (DicomParseException e) {
            return null;
        }
        String sop = ds.getString(Tag.SOPInstanceUID);
        return IngestDecision.batchable(sop, r.sopInstanceUid(), KosToManifest.isRejectionNote(ds))
                ? new Parsed(r, ds, sop) : null;
    }

    private List<Result> ingestRun(Tenant tenant, String source, List<Parsed> run) {
        if (run.isEmpty()) {
            return List.of();
        }
        List<String> sops = run.stream().map(Parsed::sop).toList();
        // the gateway's own KOS first: a write's KOS is named by its open intent until the intent closes,
        // and recorded as removed (rejected_kos) before that, so asked in this order one of the two answers
        Set<String> own = kos.gatewayKos(sops);
        Map<String, IngestRecords.Known> known = records.known(tenant.id(), sops);
        Result[] results = new Result[run.size()];
        List<Integer> alone = new ArrayList<>(); // decided one by one, after the batch
        List<Integer> batched = new ArrayList<>();
        List<Prepared> prepared = new ArrayList<>();
        Set<String> inBatch = new HashSet<>();
        for (int i = 0; i < run.size(); i++) {
            Parsed p = run.get(i);
            IngestDecision.Verdict verdict = IngestDecision.decide(IngestDecision.Facts.of(p.sop(), p.sop(), false)
                    .known(known.get(p.sop())).own(own.contains(p.sop())));
            switch (verdict) {
                case DUPLICATE, OWN -> results[i] = skipped(tenant, Channel.POLL, verdict);
                case NEW_MANIFEST -> {
                    if (!inBatch.add(p.sop())) {
                        alone.add(i); // the same KOS twice in a page: the second is a duplicate of the first
                        continue;
                    }
                    try {
                        prepared.add(prepare(tenant, source, p.sop(), p.ds(),
                                mapped(() -> translation.translate(p.ds()))));
                        batched.add(i);
                    } catch (KosMappingException e) {
                        alone.add(i); // quarantined by the single path, with its reason
                    }
                }
                // a rejection recorded earlier may come from another source (ASK_REJECTION_SOURCE): decided alone
                default -> alone.add(i);
            }
        }
        try {
            savepoint.executeWithoutResult(tx -> {
                records.recordAll(tenant.id(), prepared.stream().map(m -> new IngestRecords.Decision(
                        m.manifest().kos().get(0).sopInstanceUid(), m.result().resourceId(),
                        m.result().outcome().tag(), m.result().detail(), source, m.manifest().created())).toList());
                versions.createAll(tenant.id(), prepared.stream().map(Prepared::manifest).toList());
            });
            for (int j = 0; j < batched.size(); j++) {
                results[batched.get(j)] = count(tenant, Channel.POLL, prepared.get(j).result());
            }
        } catch (DataIntegrityViolationException e) {
            // some KOS was ingested meanwhile (by the SCP, say): the savepoint undid the batch; one by one
            // each gets its own answer
            alone.addAll(batched);
        }
        for (int i : alone) {
            Parsed p = run.get(i);
            results[i] = ingest(tenant, Channel.POLL, source, p.ds(), p.sop(), () -> p.retrieved().part10());
        }
        return Arrays.asList(results);
    }

    private Result ingest(Tenant tenant, Channel channel, String source, DataSet ds, String announcedSopUid,
            Supplier<byte[]> original) {
        String sop = ds.getString(Tag.SOPInstanceUID);
        IngestDecision.Facts facts = IngestDecision.Facts.of(sop, announcedSopUid, KosToManifest.isRejectionNote(ds));
        IngestDecision.Verdict verdict;
        while ((verdict = IngestDecision.decide(facts)).isQuestion()) {
            facts = switch (verdict) {
                case ASK_RECORDS -> facts.known(records.known(tenant.id(), sop));
                case ASK_OWN -> facts.own(kos.isGatewayKos(sop));
                case ASK_REJECTION_SOURCE -> facts.rejectedBySource(records.rejectedFor(tenant.id(), sop, source));
                default -> throw new IllegalStateException("not a question: " + verdict);
            };
        }
        switch (verdict) {
            case NO_VALID_UID -> {
                return quarantine(tenant, channel, source, announcedSopUid, Defect.UNMAPPABLE,
                        "no valid SOP Instance UID (0008,0018): " + sop, original);
            }
            case UID_DIFFERS -> {
                return quarantine(tenant, channel, source, announcedSopUid, Defect.UNMAPPABLE,
                        "the data set's SOP Instance UID " + sop + " differs from the announced " + announcedSopUid,
                        original);
            }
            case DUPLICATE, OWN -> {
                return skipped(tenant, channel, verdict);
            }
            default -> {
                // decided below, with a change to the store
            }
        }
        Result result;
        try {
            if (verdict == IngestDecision.Verdict.APPLY_REJECTION) {
                result = applyRejection(tenant, source, sop, mapped(() -> KosToManifest.rejectedInstances(ds)));
            } else if (verdict == IngestDecision.Verdict.REJECTED_EARLIER) {
                result = decide(tenant, sop, source, new Result(Outcome.REJECTED_EARLIER,
                        "a rejection note named it before it arrived", null), () -> { });
            } else {
                result = commitManifest(tenant, source, sop, ds, mapped(() -> translation.translate(ds)));
            }
        } catch (KosMappingException e) {
            return quarantine(tenant, channel, source, sop, Defect.UNMAPPABLE, "cannot map: " + e.getMessage(),
                    original);
        } catch (DuplicateKeyException e) {
            result = new Result(Outcome.DUPLICATE, "ingested at the same time by another association or poller",
                    null);
        }
        return count(tenant, channel, result);
    }

    /** The answer to a KOS that changes nothing: ingested before, or the gateway's own. */
    private Result skipped(Tenant tenant, Channel channel, IngestDecision.Verdict verdict) {
        return count(tenant, channel, verdict == IngestDecision.Verdict.DUPLICATE
                ? new Result(Outcome.DUPLICATE, "ingested before", null)
                : new Result(Outcome.OWN, "written by the gateway", null));
    }

    /**
     * Runs a translation step; any failure of it is the KOS's fault, so that one odd KOS goes to
     * quarantine instead of failing its poll page again and again.
     */
    private static <T> T mapped(Supplier<T> step) {
        try {
            return step.get();
        } catch (KosMappingException e) {
            throw e;
        } catch (RuntimeException e) {
            log.warn("KOS translation failed unexpectedly", e);
            throw new KosMappingException(e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** A new manifest ready to be written, and what ingestion will answer once it is. */
    private record Prepared(ManifestVersions.NewManifest manifest, Result result) {
    }

    private Prepared prepare(Tenant tenant, String source, String sop, DataSet ds, ImagingManifest manifest) {
        retrieveUrls.getOrDefault(tenant.id(), ANY_WEB_HOST).apply(tenant.id(), sop, manifest);
        String id = UUID.randomUUID().toString();
        Instant now = now();
        manifest.setId(id);
        manifest.getMeta().setVersionId("1").setLastUpdated(Date.from(now))
                .addExtension(META_SOURCE_EXTENSION, new UriType(source));
        String json = fhir.newJsonParser().encodeResourceToString(manifest);
        IndexEntries index = ManifestIndexer.index(manifest, List.of(ds), List.of(sop));
        InstanceRef kos = new InstanceRef(ds.getString(Tag.StudyInstanceUID), ds.getString(Tag.SeriesInstanceUID),
                sop, Uid.KeyObjectSelectionDocumentStorage);
        if (kos.studyInstanceUid() == null || kos.seriesInstanceUid() == null) {
            throw new KosMappingException("KOS " + sop + " lacks its Study or Series Instance UID");
        }
        return new Prepared(new ManifestVersions.NewManifest(id, now, json, index, List.of(kos)),
                new Result(Outcome.MANIFEST, "ImagingManifest/" + id, id));
    }

    private Result commitManifest(Tenant tenant, String source, String sop, DataSet ds, ImagingManifest manifest) {
        Prepared prepared = prepare(tenant, source, sop, ds, manifest);
        return decide(tenant, sop, source, prepared.result(),
                () -> versions.createAll(tenant.id(), List.of(prepared.manifest())));
    }

    /**
     * PS3.3 / IHE IOCM: the note's evidence lists what it rejects; a rejected KOS takes its manifest
     * along, but only a KOS the note's sender could have made: one ingested from the same source,
     * or one the gateway wrote when the note comes from the organization's own PACS. A note from
     * anyone else is recorded and changes nothing (a peer allowed to store may not delete what
     * another peer or a FHIR client made).
     */
    private Result applyRejection(Tenant tenant, String source, String noteSop, List<RejectedInstance> rejected) {
        List<String> deleted = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        Result[] result = new Result[1];
        savepoint.executeWithoutResult(tx -> {
            deleted.clear();
            refused.clear();
            Instant now = now();
            for (RejectedInstance r : rejected) {
                if (r.sopClassUid() == null || Uid.KeyObjectSelectionDocumentStorage.equals(r.sopClassUid())) {
                    records.recordRejected(tenant.id(), r.sopInstanceUid(), noteSop);
                }
                List<StoredVersion> backed = versions.currentBackedBy(tenant.id(), r.sopInstanceUid()).stream().toList();
                if (!backed.isEmpty() && !mayReject(tenant, source, r.sopInstanceUid())) {
                    refused.add(r.sopInstanceUid());
                    continue;
                }
                for (StoredVersion v : backed) {
                    versions.commitDelete(tenant.id(), new VersionKey(v.resourceId(), v.versionId()), now);
                    deleted.add(v.resourceId());
                }
            }
            if (!refused.isEmpty()) {
                log.warn("organization {}: rejection note {} from {} names KOS {} that came from elsewhere;"
                        + " not applied to them", tenant.id(), noteSop, source, refused);
            }
            result[0] = deleted.isEmpty()
                    ? new Result(Outcome.REJECTION_IGNORED, "rejects " + rejected.size() + " instance(s), none"
                            + " backing a current manifest" + (refused.isEmpty() ? "" : " made by its sender"), null)
                    : new Result(Outcome.REJECTION_APPLIED, "deleted ImagingManifest/" + String.join(", ", deleted),
                            deleted.get(0));
            records.record(tenant.id(), noteSop, result[0].resourceId(), result[0].outcome().tag(),
                    result[0].detail(), source, now);
        });
        return result[0];
    }

    /** Whether a note from {@code source} may reject KOS {@code kosSop} (see {@link #applyRejection}). */
    private boolean mayReject(Tenant tenant, String source, String kosSop) {
        Optional<String> from = records.ingestedSource(tenant.id(), kosSop);
        if (from.isPresent()) {
            return from.get().equals(source);
        }
        return kos.isGatewayKos(kosSop) && tenant.pacs() != null && Sources.pacs(tenant.pacs()).equals(source);
    }

    /** Records the decision and does {@code change} in one savepoint; a duplicate key undoes both. */
    private Result decide(Tenant tenant, String sop, String source, Result result, Runnable change) {
        savepoint.executeWithoutResult(tx -> {
            records.record(tenant.id(), sop, result.resourceId(), result.outcome().tag(), result.detail(), source,
                    now());
            change.run();
        });
        return result;
    }

    private Result quarantine(Tenant tenant, Channel channel, String source, String sop, Defect defect,
            String reason, Supplier<byte[]> original) {
        log.warn("organization {}: KOS {} from {} quarantined: {}", tenant.id(), sop, source, reason);
        int[] dropped = {0};
        savepoint.executeWithoutResult(tx -> {
            if (quarantine.add(tenant.id(), source, sop, reason, now(), original.get())) {
                dropped[0] = quarantine.trim(tenant.id(), quarantineQuotas.getOrDefault(tenant.id(),
                        DEFAULT_QUARANTINE_QUOTA));
            }
        });
        if (dropped[0] > 0) {
            log.warn("organization {}: quarantine above its quota; the {} oldest item(s) dropped", tenant.id(),
                    dropped[0]);
            metrics.quarantineDropped(tenant.slug(), dropped[0]);
        }
        return count(tenant, channel, new Result(Outcome.QUARANTINED, reason, null, defect));
    }

    private Result count(Tenant tenant, Channel channel, Result result) {
        if (result.outcome() == Outcome.QUARANTINED) {
            metrics.quarantined(tenant.slug(), channel.tag(), result.defect() == null ? "unknown"
                    : result.defect().name().toLowerCase(Locale.ROOT));
        } else {
            metrics.ingested(tenant.slug(), channel.tag(), result.outcome().tag());
            log.info("organization {}: KOS via {}: {} ({})", tenant.id(), channel.tag(), result.outcome().tag(),
                    result.detail());
        }
        return result;
    }

    private DataSetReader reader() {
        return new DataSetReader().maxInflatedBytes(maxInflatedBytes);
    }

    private Instant now() {
        return Instant.ofEpochMilli(clock.millis());
    }
}
