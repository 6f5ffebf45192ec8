package com.imagingmanifest.gateway.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The instances (or frames) the current manifests select (table {@code selected_instance}, written
 * with each version by {@link ManifestVersions}): the scope of the selection-scoped DICOMweb
 * (docs/viewers.md).
 */
@Repository
public class SelectedInstances {
    /** More frames than this in one question are refused rather than put in one IN list. */
    private static final int IN_LIST = 1000;

    private final JdbcClient jdbc;

    public SelectedInstances(JdbcClient jdbc) {
        this.jdbc = jdbc;
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
}
