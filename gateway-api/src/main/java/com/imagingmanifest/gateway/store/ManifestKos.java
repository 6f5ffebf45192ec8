package com.imagingmanifest.gateway.store;

import com.imagingmanifest.pacs.InstanceRef;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Which KOS back which versions (table {@code manifest_kos}, written with each version by
 * {@link ManifestVersions}), and which KOS are the gateway's own: what the write path, recovery and
 * ingestion ask before they remove or import a KOS (docs/architecture.md §5 and §8). Not to be
 * confused with {@code pacs.KosLedger}, the view of these answers a PACS feed is given.
 */
@Repository
public class ManifestKos {
    /** Parameters per IN list: well below any driver's limit. */
    private static final int IN_LIST = 1000;

    private final JdbcClient jdbc;

    public ManifestKos(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The KOS that back one version. */
    public List<InstanceRef> ofVersion(String org, VersionKey version) {
        return jdbc.sql("SELECT study_uid, series_uid, sop_uid, sop_class_uid FROM manifest_kos"
                        + " WHERE org_id = ? AND res_id = ? AND version_id = ? ORDER BY sop_uid")
                .params(org, version.resourceId(), version.versionId())
                .query((rs, n) -> new InstanceRef(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)))
                .list();
    }

    /** True when {@code sopUid} backs some committed version (of any organization). */
    public boolean isCommitted(String sopUid) {
        return jdbc.sql("SELECT COUNT(*) FROM manifest_kos WHERE sop_uid = ?").param(sopUid)
                .query(Long.class).single() > 0;
    }

    /** True when {@code sopUid} backs the current, not deleted, version of some manifest. */
    public boolean isCurrent(String sopUid) {
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
                            KosLines.parse(rs.getString(2)).stream().map(InstanceRef::sopInstanceUid)
                                    .filter(wanted::contains).forEach(found::add);
                        }
                    });
        }
        return found;
    }
}
