package com.imagingmanifest.gateway.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagingmanifest.gateway.store.IndexEntries;
import com.imagingmanifest.gateway.store.ManifestVersions;
import com.imagingmanifest.gateway.store.Stores;
import com.imagingmanifest.gateway.store.VersionKey;
import com.imagingmanifest.gateway.store.SearchQuery;
import com.imagingmanifest.testing.PostgresDatabase;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Every search and history shape reads rows in proportion to the page, not to the organization
 * (issue 24): each statement the store runs for a page is explained with its real arguments
 * ({@code EXPLAIN ANALYZE} on H2, {@code EXPLAIN (ANALYZE, FORMAT JSON)} on PostgreSQL) and the
 * rows each table or index scan produced are bounded. The organization holds 10,000 manifests (100
 * per patient, spread evenly in time), another one 2,000; a plan that walks the organization reads
 * thousands of rows, one that uses the index a few dozen. Plans, never times, are asserted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SearchPlanTest {
    private static final String ORG = "plan";
    private static final int MANIFESTS = 10_000;
    private static final int PATIENTS = 100;
    private static final long T0 = 1_700_000_000_000L;
    private static final int PAGE = 20;
    /**
     * Rows a page may read where the index gives the order: a few pages' worth. (PostgreSQL may
     * rather read all 100 index rows of one patient into a bitmap and sort them than walk the index
     * in order, when its statistics say that is cheaper; it never reads the organization.)
     */
    private static final int PAGE_BOUND = 120;
    /** Rows a shape may read where it sorts its matches (a patient has 100, two patients 200). */
    private static final int MATCH_BOUND = 2 * MANIFESTS / PATIENTS + 50;

    private PostgresDatabase postgres;
    private Path h2Dir;
    private final Map<String, Store> stores = new TreeMap<>();

    private record Store(DataSource plain, Recording recording, ManifestVersions store) {
    }

    @BeforeAll
    void load() throws Exception {
        h2Dir = Files.createTempDirectory("search-plan-h2-");
        // the URL ./gateway run uses (application.properties), in a directory of this test
        stores.put("h2", store(new SimpleDriverDataSource(new org.h2.Driver(),
                "jdbc:h2:file:" + h2Dir.resolve("gateway") + ";AUTO_SERVER=FALSE", "sa", "")));
        postgres = PostgresDatabase.create();
        stores.put("postgresql", store(new SimpleDriverDataSource(new org.postgresql.Driver(), postgres.jdbcUrl(),
                postgres.username(), postgres.password())));
    }

    @AfterAll
    void drop() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
        try (Connection c = stores.get("h2").plain().getConnection()) {
            c.createStatement().execute("SHUTDOWN");
        }
        try (var files = Files.walk(h2Dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static Store store(DataSource plain) throws Exception {
        Flyway.configure().dataSource(plain).locations("classpath:db/migration").load().migrate();
        Recording recording = new Recording(plain);
        ManifestVersions store = Stores.on(JdbcClient.create(recording), new JdbcTemplate(recording),
                new TransactionTemplate(new DataSourceTransactionManager(recording))).versions();
        fill(store, ORG, MANIFESTS);
        fill(store, "other", MANIFESTS / 5);
        // a few later versions and deletes, so history has more than one version per manifest
        for (int n = 0; n < 200; n++) {
            String id = "m" + n;
            long when = T0 + (MANIFESTS + n) * 1000L;
            if (n < 150) {
                store.commit(new ManifestVersions.VersionWrite(ORG, id, 1L, 2L, Instant.ofEpochMilli(when), "{}", index(n),
                        List.of(), null));
            } else {
                store.commitDelete(ORG, new VersionKey(id, 1), Instant.ofEpochMilli(when));
            }
        }
        try (Connection c = plain.getConnection()) {
            c.createStatement().execute("ANALYZE");
        }
        return new Store(plain, recording, store);
    }

    private static void fill(ManifestVersions store, String org, int count) {
        List<ManifestVersions.NewManifest> batch = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            batch.add(new ManifestVersions.NewManifest("m" + n, Instant.ofEpochMilli(T0 + n * 1000L), "{}", index(n),
                    List.of()));
            if (batch.size() == 1000) {
                store.createAll(org, batch);
                batch.clear();
            }
        }
        store.createAll(org, batch);
    }

    /** Manifest n: patient p(n mod 100), its own study and KOS, author a(n mod 10), authored n minutes after T0. */
    private static IndexEntries index(int n) {
        long authored = T0 + n * 60_000L;
        return new IndexEntries(List.of(
                new IndexEntries.Token("identifier", "urn:dicom:uid", "urn:oid:2.25.88" + n),
                new IndexEntries.Token("selected-study", "", "2.25.77" + n),
                new IndexEntries.Token("patient.identifier", "urn:mrn", "P" + n % PATIENTS)),
                List.of(new IndexEntries.Reference("patient", "Patient/p" + n % PATIENTS),
                        new IndexEntries.Reference("author", "Practitioner/a" + n % 10)),
                "en", authored, authored + 999);
    }

    private static String iso(long millis) {
        return Instant.ofEpochMilli(millis).toString();
    }

    /** name, query (as a URL would give it), rows a page may read, rows the whole result has at least. */
    private static final List<Object[]> SHAPES = List.of(
            new Object[] {"no criteria", "", PAGE_BOUND},
            new Object[] {"_sort=_lastUpdated", "_sort=_lastUpdated", PAGE_BOUND},
            new Object[] {"_sort=-_lastUpdated", "_sort=-_lastUpdated", PAGE_BOUND},
            new Object[] {"_sort=_id", "_sort=_id", PAGE_BOUND},
            new Object[] {"_sort=-_id", "_sort=-_id", PAGE_BOUND},
            new Object[] {"patient", "patient=Patient/p7", PAGE_BOUND},
            new Object[] {"patient, _sort=_lastUpdated", "patient=Patient/p7&_sort=_lastUpdated", PAGE_BOUND},
            new Object[] {"patient.identifier", "patient.identifier=urn:mrn|P7", PAGE_BOUND},
            new Object[] {"patient.identifier without system", "patient.identifier=P7", PAGE_BOUND},
            new Object[] {"identifier", "identifier=urn:dicom:uid|urn:oid:2.25.884242", PAGE_BOUND},
            new Object[] {"selected-study", "selected-study=2.25.774242", PAGE_BOUND},
            new Object[] {"author", "author=Practitioner/a3", PAGE_BOUND},
            new Object[] {"_id", "_id=m1,m2,m3", PAGE_BOUND},
            new Object[] {"_language", "_language=en", PAGE_BOUND},
            new Object[] {"_lastUpdated", "_lastUpdated=ge" + iso(T0 + 5_000_000L), PAGE_BOUND},
            new Object[] {"authoring-time (10 min)", "authoring-time=ge" + iso(T0 + 4242 * 60_000L)
                    + "&authoring-time=lt" + iso(T0 + 4252 * 60_000L), PAGE_BOUND},
            new Object[] {"patient and selected-study", "patient=Patient/p42&selected-study=2.25.774242", PAGE_BOUND},
            new Object[] {"patient and author", "patient=Patient/p7&author=Practitioner/a7", PAGE_BOUND},
            // the patient's rows in index order, each checked against the range: at most the patient's
            // matches are read (here about half fall in the range), never the range's rows of everyone
            new Object[] {"patient and authoring-time", "patient=Patient/p7&authoring-time=ge" + iso(T0)
                    + "&authoring-time=lt" + iso(T0 + 5000 * 60_000L), MATCH_BOUND},
            new Object[] {"patient, _sort=authoring-time (sorts the patient's matches)",
                "patient=Patient/p7&_sort=authoring-time", MATCH_BOUND},
            // one index range per value, each bounded by the page, then merged (SearchQuery#unionOfValues)
            new Object[] {"two patients", "patient=Patient/p7,Patient/p8", PAGE_BOUND},
            new Object[] {"three patient identifiers, with and without system",
                "patient.identifier=urn:mrn|P7,P8,urn:mrn|P9", PAGE_BOUND},
            // p8 has no manifest by a7: its range is read to its end, the author checked per row (its 100 rows)
            new Object[] {"two patients and author", "patient=Patient/p7,Patient/p8&author=Practitioner/a7", MATCH_BOUND},
            new Object[] {"two patients, _sort=authoring-time (sorts their matches)",
                "patient=Patient/p7,Patient/p8&_sort=authoring-time", MATCH_BOUND});

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void everySearchShapeReadsRowsInProportionToThePage(String database) throws Exception {
        Store s = stores.get(database);
        for (Object[] shape : SHAPES) {
            Map<String, String[]> parameters = parameters((String) shape[1]);
            SearchQuery query = ManifestSearchParameters.toQuery(parameters, T0);
            int bound = (Integer) shape[2];
            // first page, then the second from the first's key
            s.recording().statements.clear();
            ManifestVersions.Page first = s.store().search(ORG, query, null, PAGE);
            s.store().load(ORG, first.keys()); // the page's resources, as the provider reads them
            assertBounded(s, database, shape[0] + ", first page", bound);
            if (first.next() != null) {
                s.recording().statements.clear();
                ManifestVersions.Page second = s.store().search(ORG, query, first.next(), PAGE);
                assertBounded(s, database, shape[0] + ", second page", bound);
                assertThat(second.keys()).as("%s: pages do not overlap", shape[0]).doesNotContainAnyElementsOf(first.keys());
            }
        }
    }

    /**
     * Several values of one parameter are merged from one page-bounded range per value: paged to the
     * end, they give every current match once, newest first, as the single values do together.
     */
    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void severalValuesOfOneParameterGiveEveryMatchOnceNewestFirst(String database) {
        Store s = stores.get(database);
        List<String> twoPatients = allPages(s, "patient=Patient/p7,Patient/p8");
        assertThat(twoPatients).as("two patients on %s", database).isEqualTo(newestFirst(7, 8));
        // the same value twice (with and without its system) finds each manifest by two index rows
        assertThat(allPages(s, "patient.identifier=P7,urn:mrn|P7")).as("one patient named twice on %s", database)
                .isEqualTo(newestFirst(7));
        assertThat(allPages(s, "patient=Patient/p7,Patient/p8&author=Practitioner/a7"))
                .as("two patients and an author on %s", database)
                .isEqualTo(newestFirst(7, 8).stream().filter(id -> Integer.parseInt(id.substring(1)) % 10 == 7).toList());
        assertThat(allPages(s, "patient=Patient/p7,Patient/nobody")).isEqualTo(newestFirst(7));
    }

    private static List<String> allPages(Store s, String query) {
        SearchQuery q = ManifestSearchParameters.toQuery(parameters(query), T0);
        List<String> ids = new ArrayList<>();
        List<Object> after = null;
        do {
            ManifestVersions.Page page = s.store().search(ORG, q, after, PAGE);
            page.keys().forEach(k -> ids.add(k.resourceId()));
            after = page.next();
        } while (after != null);
        return ids;
    }

    /** The current manifests of the patients as the fill made them, newest first (then by id, descending). */
    private static List<String> newestFirst(int... patients) {
        List<long[]> rows = new ArrayList<>();
        for (int n = 0; n < MANIFESTS; n++) {
            final int m = n;
            if (java.util.Arrays.stream(patients).noneMatch(p -> m % PATIENTS == p) || n >= 150 && n < 200) {
                continue; // another patient's, or deleted
            }
            rows.add(new long[] {n < 150 ? T0 + (MANIFESTS + n) * 1000L : T0 + n * 1000L, n});
        }
        rows.sort(java.util.Comparator.<long[]>comparingLong(r -> r[0]).thenComparing(r -> "m" + r[1]).reversed());
        return rows.stream().map(r -> "m" + r[1]).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgresql"})
    void historyPagesReadRowsInProportionToThePage(String database) throws Exception {
        Store s = stores.get(database);
        for (String id : new String[] {null, "m7", "m4242"}) {
            for (Instant since : new Instant[] {null, Instant.ofEpochMilli(T0 + 2_000_000L)}) {
                String name = "history " + (id == null ? "of the type" : "of " + id) + (since == null ? "" : " since");
                s.recording().statements.clear();
                ManifestVersions.Page first = s.store().history(ORG, id, since, null, PAGE);
                s.store().load(ORG, first.keys());
                assertBounded(s, database, name + ", first page", PAGE_BOUND);
                if (first.next() != null) {
                    s.recording().statements.clear();
                    s.store().history(ORG, id, since, first.next(), PAGE);
                    assertBounded(s, database, name + ", second page", PAGE_BOUND);
                }
            }
        }
    }

    private static Map<String, String[]> parameters(String query) {
        Map<String, List<String>> values = new TreeMap<>();
        for (String pair : query.split("&")) {
            if (!pair.isEmpty()) {
                int eq = pair.indexOf('=');
                values.computeIfAbsent(pair.substring(0, eq), k -> new ArrayList<>()).add(pair.substring(eq + 1));
            }
        }
        Map<String, String[]> parameters = new TreeMap<>();
        values.forEach((k, v) -> parameters.put(k, v.toArray(String[]::new)));
        return parameters;
    }

    /** Explains each SELECT the store ran for the page and bounds the rows each scan produced. */
    private static void assertBounded(Store s, String database, String shape, int bound) throws Exception {
        List<Recorded> selects = s.recording().statements.stream().filter(r -> r.sql().startsWith("SELECT"))
                .filter(r -> !r.sql().contains("MAX(authoring_span)")) // one row of an index's end
                .toList();
        assertThat(selects).as(shape).isNotEmpty();
        for (Recorded select : selects) {
            String plan = explain(s.plain(), database, select);
            List<Long> scanned = database.equals("h2") ? h2Scans(plan) : postgresScans(plan);
            assertThat(plan).as("%s on %s: no scan of a whole table\n%s\n%s", shape, database, select.sql(), plan)
                    .doesNotContainIgnoringCase("tableScan").doesNotContain("Seq Scan");
            assertThat(scanned).as("%s on %s: rows read per scan\n%s\n%s", shape, database, select.sql(), plan)
                    .isNotEmpty().allMatch(rows -> rows <= bound);
        }
    }

    private static String explain(DataSource ds, String database, Recorded select) throws Exception {
        String prefix = database.equals("h2") ? "EXPLAIN ANALYZE " : "EXPLAIN (ANALYZE, FORMAT JSON) ";
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(prefix + select.sql())) {
            for (int i = 0; i < select.args().size(); i++) {
                ps.setObject(i + 1, select.args().get(i));
            }
            StringBuilder plan = new StringBuilder();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
            }
            return plan.toString();
        }
    }

    private static final Pattern SCAN_COUNT = Pattern.compile("scanCount: (\\d+)");

    /** H2: the rows each table filter of the plan read ("scanCount"). */
    private static List<Long> h2Scans(String plan) {
        List<Long> counts = new ArrayList<>();
        Matcher m = SCAN_COUNT.matcher(plan);
        while (m.find()) {
            counts.add(Long.parseLong(m.group(1)));
        }
        return counts;
    }

    /** PostgreSQL: rows (times loops) produced by each scan node, and the input of each sort. */
    private static List<Long> postgresScans(String plan) {
        JsonArray root = Json.createReader(new StringReader(plan)).readArray();
        List<Long> rows = new ArrayList<>();
        collect(root.getJsonObject(0).getJsonObject("Plan"), rows);
        return rows;
    }

    private static void collect(JsonObject node, List<Long> rows) {
        String type = node.getString("Node Type");
        if (type.contains("Scan")) {
            // rows a scan produced plus those its filter removed: what it read
            long produced = node.getJsonNumber("Actual Rows").longValue() * node.getJsonNumber("Actual Loops").longValue();
            long removed = node.containsKey("Rows Removed by Filter")
                    ? node.getJsonNumber("Rows Removed by Filter").longValue() : 0;
            rows.add(produced + removed);
        }
        if (node.containsKey("Plans")) {
            for (JsonValue child : node.getJsonArray("Plans")) {
                collect(child.asJsonObject(), rows);
            }
        }
    }

    private record Recorded(String sql, List<Object> args) {
    }

    /** A DataSource that notes each statement executed and its arguments, to explain it afterwards. */
    private static final class Recording extends org.springframework.jdbc.datasource.DelegatingDataSource {
        final List<Recorded> statements = java.util.Collections.synchronizedList(new ArrayList<>());

        Recording(DataSource target) {
            super(target);
        }

        @Override
        public Connection getConnection() throws java.sql.SQLException {
            Connection target = super.getConnection();
            return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                    (proxy, method, args) -> {
                        Object result = invoke(target, method, args);
                        if (method.getName().equals("prepareStatement") && result instanceof PreparedStatement ps) {
                            return statement(ps, (String) args[0]);
                        }
                        return result;
                    });
        }

        private PreparedStatement statement(PreparedStatement target, String sql) {
            Map<Integer, Object> args = new TreeMap<>();
            return (PreparedStatement) Proxy.newProxyInstance(getClass().getClassLoader(),
                    new Class<?>[] {PreparedStatement.class}, (proxy, method, a) -> {
                        if (method.getName().startsWith("set") && a != null && a.length >= 2
                                && a[0] instanceof Integer index) {
                            args.put(index, a[1]);
                        }
                        if (method.getName().startsWith("execute")) {
                            statements.add(new Recorded(sql, new ArrayList<>(args.values())));
                        }
                        return invoke(target, method, a);
                    });
        }

        private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
            try {
                return method.invoke(target, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }
}
