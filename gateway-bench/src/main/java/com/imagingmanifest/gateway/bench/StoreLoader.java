package com.imagingmanifest.gateway.bench;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.gateway.manifest.ManifestIndexer;
import com.imagingmanifest.gateway.store.IndexEntries;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Date;
import java.util.List;
import java.util.TimeZone;
import org.hl7.fhir.dstu3.model.DateTimeType;
import org.hl7.fhir.dstu3.model.Identifier;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.hl7.fhir.dstu3.model.Reference;
import org.postgresql.PGConnection;

/**
 * Loads manifests into the store's tables in bulk (COPY on PostgreSQL, batched inserts on H2), bypassing the API and the
 * PACS (reads and searches never touch the PACS). Rows are what the gateway itself would write:
 * the resource JSON as HAPI encodes it, the index rows from {@link ManifestIndexer}, and the settled
 * write intent that every create through the API leaves behind (ingestion looks KOS up among them).
 *
 * <p>Manifest {@code n} is {@code ImagingManifest/bulk-n}: patient {@code Patient/p(n/perPatient)} ({@code --per-patient},
 * default 5), its own selected study {@code 2.25.77n}, KOS {@code 2.25.88n}, and an
 * authoring time one minute after manifest {@code n-1}'s; so each search below matches a fixed
 * number of manifests whatever the store's size.
 */
final class StoreLoader {
    static final int DEFAULT_PER_PATIENT = 5;
    static final long AUTHORING_BASE = 946_684_800_000L; // 2000-01-01T00:00:00Z
    static final long AUTHORING_STEP = 60_000L;
    private static final int BATCH = 20_000;
    private static final String SENTINEL_TIME = "1999-12-31T23:59:59Z";

    private final FhirContext fhir;
    private final String org;
    private final int perPatient;
    private final String template;

    StoreLoader(FhirContext fhir, String org, int perPatient) {
        this.fhir = fhir;
        this.org = org;
        this.perPatient = perPatient;
        ImagingManifest t = manifest("@ID@", "@PAT@", "@STUDY@", "@KOS@", sentinel());
        t.setId("@ID@");
        t.getMeta().setVersionId("1").setLastUpdated(new Date(AUTHORING_BASE));
        this.template = fhir.newJsonParser().encodeResourceToString(t);
        if (!template.contains(SENTINEL_TIME)) {
            throw new IllegalStateException("unexpected date encoding in " + template);
        }
    }

    static String id(long n) {
        return "bulk-" + n;
    }

    String patient(long n) {
        return "Patient/p" + (n / perPatient);
    }

    int perPatient() {
        return perPatient;
    }

    static String study(long n) {
        return "2.25.77" + n;
    }

    static long authoringTime(long n) {
        return AUTHORING_BASE + n * AUTHORING_STEP;
    }

    /**
     * Adds manifests {@code from} (inclusive) to {@code to} (exclusive), then refreshes the planner
     * statistics: with COPY on PostgreSQL, with batched inserts on H2 (which has no COPY).
     */
    void load(Connection connection, long from, long to) throws SQLException {
        verifyTemplate();
        boolean postgres = connection.getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT)
                .contains("postgres");
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(postgres);
        for (long start = from; start < to; start += BATCH) {
            long end = Math.min(to, start + BATCH);
            List<Table> tables = List.of(
                    new Table("manifest_resource", "org_id, res_id, version_id, deleted, last_updated, language,"
                            + " authoring_low, authoring_high, authoring_span"),
                    new Table("manifest_version", "org_id, res_id, version_id, last_updated, deleted, resource_json"),
                    new Table("manifest_kos", "org_id, res_id, version_id, study_uid, series_uid, sop_uid, sop_class_uid"),
                    new Table("search_token", "org_id, res_id, param, token_system, token_value, last_updated"),
                    new Table("search_reference", "org_id, res_id, param, reference, last_updated"),
                    new Table("write_intent", "intent_id, purpose, org_id, res_id, created, kos, settled, outcome"));
            for (long n = start; n < end; n++) {
                row(n, tables.get(0), tables.get(1), tables.get(2), tables.get(3), tables.get(4), tables.get(5));
            }
            for (Table table : tables) {
                if (postgres) {
                    table.copy(connection);
                } else {
                    table.insert(connection);
                }
            }
            if (!postgres) {
                connection.commit();
            }
        }
        connection.setAutoCommit(autoCommit);
        try (Statement statement = connection.createStatement()) {
            statement.execute("ANALYZE");
        }
    }

    /** One table's rows of a batch. */
    private static final class Table {
        private final String name;
        private final String columns;
        private final List<Object[]> rows = new java.util.ArrayList<>();

        Table(String name, String columns) {
            this.name = name;
            this.columns = columns;
        }

        void add(Object... fields) {
            rows.add(fields);
        }

        void copy(Connection connection) throws SQLException {
            StringBuilder csv = new StringBuilder();
            for (Object[] row : rows) {
                csv(csv, row);
            }
            try {
                connection.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + name + " (" + columns
                        + ") FROM STDIN WITH (FORMAT csv)", new StringReader(csv.toString()));
            } catch (java.io.IOException e) {
                throw new SQLException("COPY failed: " + e.getMessage(), e);
            }
        }

        void insert(Connection connection) throws SQLException {
            int width = columns.split(",").length;
            try (java.sql.PreparedStatement insert = connection.prepareStatement("INSERT INTO " + name + " ("
                    + columns + ") VALUES (" + "?, ".repeat(width - 1) + "?)")) {
                for (Object[] row : rows) {
                    for (int i = 0; i < width; i++) {
                        insert.setObject(i + 1, row[i]);
                    }
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        }
    }

    private void row(long n, Table resources, Table versions, Table kos, Table tokens, Table references,
            Table intents) {
        String id = id(n);
        String kosUid = "2.25.88" + n;
        DateTimeType time = time(authoringTime(n));
        ImagingManifest manifest = manifest(id, patient(n), study(n), kosUid, time);
        IndexEntries index = ManifestIndexer.index(manifest, List.of(), List.of(kosUid));
        long[] range = ManifestIndexer.range(time);
        long updated = AUTHORING_BASE + n;
        String json = json(n);
        resources.add(org, id, 1, false, updated, null, range[0], range[1], range[1] - range[0]);
        versions.add(org, id, 1, updated, false, json);
        kos.add(org, id, 1, study(n), study(n) + ".1", kosUid, Uid.KeyObjectSelectionDocumentStorage);
        // the line format of WriteIntents' kos column: "study series sop class"
        intents.add(org + "-" + id, "WRITE", org, id, updated,
                study(n) + " " + study(n) + ".1 " + kosUid + " " + Uid.KeyObjectSelectionDocumentStorage + "\n",
                updated, "committed");
        for (IndexEntries.Token token : index.tokens()) {
            tokens.add(org, id, token.param(), token.system(), token.value(), updated);
        }
        for (IndexEntries.Reference reference : index.references()) {
            references.add(org, id, reference.param(), reference.reference(), updated);
        }
    }

    /** The JSON of manifest {@code n}, as the gateway stores it. */
    String json(long n) {
        return template.replace("@ID@", id(n)).replace("@PAT@", patient(n)).replace("@STUDY@", study(n))
                .replace("@KOS@", "2.25.88" + n).replace(SENTINEL_TIME, time(authoringTime(n)).getValueAsString());
    }

    /** The template must encode exactly what HAPI encodes for a row, and index the same. */
    private void verifyTemplate() {
        ImagingManifest parsed = fhir.newJsonParser().parseResource(ImagingManifest.class, json(3));
        IndexEntries fromJson = ManifestIndexer.index(parsed, List.of(), List.of("2.25.883"));
        IndexEntries built = ManifestIndexer.index(manifest(id(3), patient(3), study(3), "2.25.883",
                time(authoringTime(3))), List.of(), List.of("2.25.883"));
        if (!fromJson.equals(built)) {
            throw new IllegalStateException("bulk rows would not match the gateway's index: " + fromJson + " vs " + built);
        }
    }

    private static ImagingManifest manifest(String id, String patient, String study, String kosUid, DateTimeType time) {
        ImagingManifest m = new ImagingManifest();
        m.setIdentifier(new Identifier().setSystem(ManifestIndexer.DICOM_UID_SYSTEM).setValue("urn:oid:" + kosUid));
        m.setPatient(new Reference(patient).setDisplay("Bench^Patient"));
        m.setAuthoringTimeElement(time);
        m.setDescription("bench manifest");
        ImagingManifest.StudyComponent s = m.addStudy().setUid("urn:oid:" + study);
        s.addSeries().setUid("urn:oid:" + study + ".1").addInstance()
                .setSopClass("urn:oid:" + Uid.CTImageStorage).setUid("urn:oid:" + study + ".1.1");
        return m;
    }

    private static DateTimeType time(long millis) {
        return new DateTimeType(new Date(millis), TemporalPrecisionEnum.SECOND, TimeZone.getTimeZone("UTC"));
    }

    private static DateTimeType sentinel() {
        return new DateTimeType(SENTINEL_TIME);
    }

    private static void csv(StringBuilder out, Object... fields) {
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            Object f = fields[i];
            if (f instanceof String s) {
                out.append('"').append(s.replace("\"", "\"\"")).append('"'); // quoted: "" is empty, not NULL
            } else if (f != null) {
                out.append(f);
            }
        }
        out.append('\n');
    }
}
