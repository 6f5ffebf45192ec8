package com.imagingmanifest.gateway.manifest;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import com.imagingmanifest.gateway.store.IndexEntries;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Types;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.springframework.stereotype.Component;

/**
 * Flyway migration 9: fills {@code selected_instance} (V8__selected_instance.sql) for the current
 * manifests stored before it existed, with the rows a write makes ({@link ManifestIndexer#selected}),
 * so that the selection-scoped DICOMweb serves them after an upgrade. A Java migration because the
 * selection is in the manifest's JSON; Spring Boot hands every JavaMigration bean to Flyway.
 */
@Component
class SelectedInstanceBackfill implements JavaMigration {

    @Override
    public MigrationVersion getVersion() {
        return MigrationVersion.fromVersion("9");
    }

    @Override
    public String getDescription() {
        return "selected instance backfill";
    }

    @Override
    public Integer getChecksum() {
        return 9;
    }

    @Override
    public boolean canExecuteInTransaction() {
        return true;
    }

    @Override
    public void migrate(Context context) throws Exception {
        Connection c = context.getConnection();
        IParser parser = null;
        try (PreparedStatement read = c.prepareStatement("SELECT r.org_id, r.res_id, v.resource_json"
                + " FROM manifest_resource r JOIN manifest_version v ON v.org_id = r.org_id AND v.res_id = r.res_id"
                + " AND v.version_id = r.version_id WHERE r.deleted = FALSE");
                PreparedStatement insert = c.prepareStatement("INSERT INTO selected_instance (org_id, res_id,"
                        + " study_uid, series_uid, sop_uid, frame) VALUES (?, ?, ?, ?, ?, ?)");
                ResultSet rs = read.executeQuery()) {
            int batch = 0;
            while (rs.next()) {
                if (parser == null) {
                    // lenient: a stored manifest was valid when written; nothing here may stop the start
                    parser = FhirContext.forDstu3().newJsonParser();
                }
                ImagingManifest manifest = parser.parseResource(ImagingManifest.class, rs.getString(3));
                for (IndexEntries.Selected s : ManifestIndexer.selected(manifest)) {
                    insert.setString(1, rs.getString(1));
                    insert.setString(2, rs.getString(2));
                    insert.setString(3, s.studyUid());
                    insert.setString(4, s.seriesUid());
                    insert.setString(5, s.sopUid());
                    if (s.frame() == null) {
                        insert.setNull(6, Types.INTEGER);
                    } else {
                        insert.setInt(6, s.frame());
                    }
                    insert.addBatch();
                    if (++batch % 1000 == 0) {
                        insert.executeBatch();
                    }
                }
            }
            insert.executeBatch();
        }
    }
}
