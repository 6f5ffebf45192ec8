package com.imagingmanifest.gateway.store;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.StringJoiner;

/**
 * Criteria of one manifest search, built up by the FHIR layer and run by {@link ManifestVersions}.
 * Each call adds one AND-ed condition; the values given to one call are OR-ed (FHIR search
 * parameter semantics: repeated parameters AND, comma-separated values OR).
 *
 * <p>A page is one statement that reads no more rows than the page needs where an index gives the
 * order (docs/performance.md, "Search plans"): a search with a token or reference parameter is
 * driven from that parameter's index rows, which carry their manifest's {@code last_updated}, so the
 * default order (newest first) and {@code _lastUpdated} come out of the index; the other conditions
 * are checked per driving row. Paging is by key (the sort values of the last row of the previous
 * page), never by offset.
 */
public final class SearchQuery {

    /** A token to match; {@code system} null matches any system, "" only values without one. */
    public record TokenValue(String system, String value) {
    }

    /** A date range (inclusive epoch milliseconds) with a FHIR comparison prefix (eq, ne, gt, ...). */
    public record DateValue(String prefix, long low, long high) {
    }

    /** The date columns: each holds a range [low, high]. */
    public enum DateColumn {
        LAST_UPDATED("last_updated", "last_updated"),
        AUTHORING_TIME("authoring_low", "authoring_high");

        final String low;
        final String high;

        DateColumn(String low, String high) {
            this.low = low;
            this.high = high;
        }
    }

    /** Sort keys supported by the index. */
    public enum SortColumn {
        LAST_UPDATED, AUTHORING_TIME, ID
    }

    public record SortKey(SortColumn column, boolean descending) {
    }

    /**
     * An argument resolved when the query runs: the lowest {@code authoring_low} a manifest can have
     * when its {@code authoring_high} is at least {@code high}, given the widest span W in the store
     * (low >= high - W). Redundant for the result, it bounds the index range that is scanned.
     */
    record LowerBoundOfLow(long high) {
        long value(Long widestSpan) {
            return high - (widestSpan == null ? 0 : widestSpan);
        }
    }

    /** A statement and its arguments (LowerBoundOfLow still unresolved). */
    record Statement(String sql, List<Object> args) {
    }

    private sealed interface Condition permits Ids, Languages, Tokens, References, Dates {
    }

    private record Ids(List<String> values) implements Condition {
    }

    private record Languages(List<String> values) implements Condition {
    }

    private record Tokens(String param, List<TokenValue> values) implements Condition {
    }

    private record References(String param, List<String> values) implements Condition {
    }

    private record Dates(DateColumn column, List<DateValue> values, long now) implements Condition {
    }

    /**
     * Which index drives a search when several could: the parameters likely to match fewest
     * manifests first (a KOS UID, a study, then a patient, and only then an author or endpoint).
     */
    private static final List<String> DRIVING_PREFERENCE = List.of("identifier", "selected-study", "imaging-study",
            "patient.identifier", "patient", "endpoint", "author");

    private final List<Condition> conditions = new ArrayList<>();
    private final List<SortKey> sort = new ArrayList<>();

    public SearchQuery ids(List<String> anyOf) {
        conditions.add(new Ids(nonEmpty(anyOf)));
        return this;
    }

    public SearchQuery languages(List<String> anyOf) {
        conditions.add(new Languages(nonEmpty(anyOf)));
        return this;
    }

    public SearchQuery tokens(String param, List<TokenValue> anyOf) {
        conditions.add(new Tokens(checkedName(param), nonEmpty(anyOf)));
        return this;
    }

    public SearchQuery references(String param, List<String> anyOf) {
        conditions.add(new References(checkedName(param), nonEmpty(anyOf)));
        return this;
    }

    /** FHIR date comparison of the stored range [low, high] against each value's range. */
    public SearchQuery dates(DateColumn column, List<DateValue> anyOf, long now) {
        for (DateValue d : anyOf) {
            if (!List.of("eq", "ne", "gt", "lt", "ge", "le", "sa", "eb", "ap").contains(d.prefix())) {
                throw new IllegalArgumentException("unknown date prefix " + d.prefix());
            }
        }
        conditions.add(new Dates(column, nonEmpty(anyOf), now));
        return this;
    }

    public SearchQuery sortBy(SortKey key) {
        sort.add(key);
        return this;
    }

    /**
     * The order of the results: the requested keys up to the first {@code _id} (which makes it
     * total), else followed by {@code _id} in the direction of the last key; newest first by
     * default.
     */
    List<SortKey> order() {
        List<SortKey> keys = new ArrayList<>();
        for (SortKey key : sort) {
            if (keys.stream().noneMatch(k -> k.column() == key.column())) {
                keys.add(key);
            }
            if (key.column() == SortColumn.ID) {
                return keys;
            }
        }
        if (keys.isEmpty()) {
            keys.add(new SortKey(SortColumn.LAST_UPDATED, true));
        }
        keys.add(new SortKey(SortColumn.ID, keys.get(keys.size() - 1).descending()));
        return keys;
    }

    /** How many values a page key of this query has. */
    int keyLength() {
        return order().size();
    }

    /**
     * At most this many values of the driving parameter are read as one index range each
     * ({@link #unionOfValues}); more are one IN list, which sorts all their matches.
     */
    static final int MAX_VALUE_RANGES = 16;

    /** The rows of one page: {@code limit} rows after {@code after} (null: from the first). */
    Statement page(String org, List<Object> after, int limit) {
        Shape shape = shape();
        List<SearchQuery> perValue = perValue(shape);
        if (!perValue.isEmpty()) {
            return unionOfValues(perValue, shape, org, after, limit);
        }
        List<Object> args = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT r.res_id, r.version_id");
        for (int i = 0; i < shape.keys.size(); i++) {
            sql.append(", ").append(shape.keys.get(i).expression()).append(" AS k").append(i);
        }
        sql.append(" FROM ");
        where(shape, org, sql, args);
        if (after != null) {
            sql.append(" AND ");
            PlannerHints.keyset(shape.keys, after, sql, args);
        }
        sql.append(PlannerHints.orderBy(shape.prefix, shape.keys)).append(" LIMIT ?");
        args.add(limit);
        return new Statement(sql.toString(), args);
    }

    /**
     * For several values of the driving token or reference, the same query once per value (that
     * value alone drives it); otherwise none. Each value's index rows are then one range, read in
     * the page's order (newest first) or sorted as one value's matches (another order), where an IN
     * list of the values would read the organization's rows of the parameter on H2, which ranges an
     * IN list over an index only on its first column.
     */
    private List<SearchQuery> perValue(Shape shape) {
        if (shape.driver == null || singleValued(shape.driver)) {
            return List.of();
        }
        if (valueCount(shape.driver) > MAX_VALUE_RANGES) {
            return List.of();
        }
        List<Condition> values = shape.driver instanceof Tokens t
                ? t.values().stream().<Condition>map(v -> new Tokens(t.param(), List.of(v))).toList()
                : shape.driver instanceof References r
                        ? r.values().stream().<Condition>map(v -> new References(r.param(), List.of(v))).toList()
                        : List.of();
        List<SearchQuery> queries = new ArrayList<>();
        for (Condition value : values) {
            SearchQuery q = new SearchQuery();
            // the one value takes the driver's place, so it is still the driver of its query
            conditions.forEach(c -> q.conditions.add(c == shape.driver ? value : c));
            q.sort.addAll(sort);
            queries.add(q);
        }
        return queries;
    }

    /**
     * {@code SELECT * FROM ((page of value 1) UNION ALL (page of value 2) ...) u ORDER BY keys LIMIT n}:
     * each value's page is bounded by the index range of that value, and the first n of their union
     * are the first n of the search. A manifest found by two values comes out twice, side by side;
     * {@link ManifestVersions#search} keeps it once.
     */
    private static Statement unionOfValues(List<SearchQuery> perValue, Shape shape, String org, List<Object> after,
            int limit) {
        List<Object> args = new ArrayList<>();
        StringJoiner union = new StringJoiner(" UNION ALL ", "SELECT * FROM (", ") u");
        for (SearchQuery q : perValue) {
            Statement page = q.page(org, after, limit);
            union.add("(" + page.sql() + ")");
            args.addAll(page.args());
        }
        StringJoiner order = new StringJoiner(", ", " ORDER BY ", " LIMIT ?");
        for (int i = 0; i < shape.keys.size(); i++) {
            order.add("u.k" + i + (shape.keys.get(i).descending() ? " DESC" : " ASC"));
        }
        args.add(limit);
        return new Statement(union + order.toString(), args);
    }

    private static boolean newestFirst(List<SortKey> order) {
        return order.size() == 2 && order.get(0).column() == SortColumn.LAST_UPDATED
                && order.get(0).descending() == order.get(1).descending();
    }

    /** The number of all matches ({@code _total=accurate}). */
    Statement count(String org) {
        Shape shape = shape();
        List<Object> args = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT COUNT(DISTINCT r.res_id) FROM ");
        where(shape, org, sql, args);
        return new Statement(sql.toString(), args);
    }

    /**
     * The driving index and the order. {@code prefix} repeats, ahead of the sort keys, the index
     * columns that the WHERE clause fixes to one value ({@link PlannerHints#orderBy}).
     */
    private record Shape(Condition driver, List<PlannerHints.Key> keys, List<String> prefix) {
    }

    private Shape shape() {
        Condition driver = driver();
        List<SortKey> order = order();
        String table = driver == null ? "r" : "d";
        List<PlannerHints.Key> keys = new ArrayList<>();
        for (SortKey key : order) {
            keys.add(new PlannerHints.Key(switch (key.column()) {
                case LAST_UPDATED -> table + ".last_updated";
                case ID -> table + ".res_id";
                // missing authoring times sort last in either direction
                case AUTHORING_TIME -> "COALESCE(r.authoring_low, " + (key.descending() ? Long.MIN_VALUE : Long.MAX_VALUE)
                        + ")";
            }, key.descending()));
        }
        List<String> prefix = new ArrayList<>();
        boolean newestFirstOrder = newestFirst(order);
        // forward scan of an index (..., last_updated DESC, res_id DESC) gives newest first
        String fixed = order.get(0).descending() ? " ASC" : " DESC";
        if (driver != null && newestFirstOrder && singleValued(driver)) {
            String valueColumn = driver instanceof Tokens ? "d.token_value" : "d.reference";
            for (String column : List.of("d.org_id", "d.param", valueColumn)) {
                prefix.add(column + fixed);
            }
        } else if (driver == null && newestFirstOrder && conditions.stream().allMatch(
                c -> c instanceof Languages || c instanceof Dates d && d.column() == DateColumn.LAST_UPDATED)) {
            // a language matches most manifests: filter them in index order. With an authoring-time
            // or _id condition, let the planner pick that index instead
            prefix.add("r.org_id" + fixed);
            prefix.add("r.deleted" + fixed);
        } else if (driver == null && order.size() == 1 && conditions.stream().noneMatch(c -> c instanceof Ids)) {
            // _sort=_id: the index (org_id, deleted, res_id) gives the order
            String direction = order.get(0).descending() ? " DESC" : " ASC";
            prefix.add("r.org_id" + direction);
            prefix.add("r.deleted" + direction);
        }
        return new Shape(driver, keys, prefix);
    }

    private Condition driver() {
        if (conditions.stream().anyMatch(c -> c instanceof Ids)) {
            return null; // primary-key look-ups: few rows whatever else is asked
        }
        Condition best = null;
        int bestRank = Integer.MAX_VALUE;
        for (Condition c : conditions) {
            String param = c instanceof Tokens t ? t.param() : c instanceof References r ? r.param() : null;
            if (param == null) {
                continue;
            }
            int rank = DRIVING_PREFERENCE.indexOf(param);
            // several values drive as well as one when each is its own page-bounded range (perValue)
            boolean ranged = valueCount(c) <= MAX_VALUE_RANGES;
            rank = (rank < 0 ? DRIVING_PREFERENCE.size() : rank) + (ranged ? 0 : 100);
            if (rank < bestRank) {
                best = c;
                bestRank = rank;
            }
        }
        return best;
    }

    private Ids firstIds() {
        return (Ids) conditions.stream().filter(c -> c instanceof Ids).findFirst().orElse(null);
    }

    private static int valueCount(Condition c) {
        return c instanceof Tokens t ? t.values().size() : c instanceof References r ? r.values().size() : 0;
    }

    private static boolean singleValued(Condition c) {
        return valueCount(c) == 1;
    }

    private void where(Shape shape, String org, StringBuilder sql, List<Object> args) {
        if (shape.driver instanceof Tokens t) {
            sql.append("search_token d JOIN manifest_resource r ON r.org_id = d.org_id AND r.res_id = d.res_id"
                    + " WHERE d.org_id = ? AND d.param = '").append(t.param()).append("' AND ");
            args.add(org);
            tokenMatch("d", t.values(), sql, args);
        } else if (shape.driver instanceof References x) {
            sql.append("search_reference d JOIN manifest_resource r ON r.org_id = d.org_id AND r.res_id = d.res_id"
                    + " WHERE d.org_id = ? AND d.param = '").append(x.param()).append("' AND ");
            args.add(org);
            referenceMatch("d", x.values(), sql, args);
        } else if (firstIds() != null) {
            // the listed ids as a derived table joined on the primary key (PlannerHints#valuesTable): an IN
            // list would walk the organization on H2
            Ids ids = firstIds();
            sql.append(PlannerHints.valuesTable(ids.values().size(), "ids", "id"))
                    .append(" JOIN manifest_resource r ON r.org_id = ? AND r.res_id = ids.id WHERE TRUE");
            args.addAll(ids.values());
            args.add(org);
        } else {
            sql.append("manifest_resource r WHERE r.org_id = ?");
            args.add(org);
        }
        sql.append(" AND r.deleted = FALSE");
        for (Condition c : conditions) {
            if (c == shape.driver || (shape.driver == null && c == firstIds())) {
                continue;
            }
            sql.append(" AND ");
            if (c instanceof Ids ids) {
                sql.append("r.res_id IN (").append(placeholders(ids.values().size())).append(')');
                args.addAll(ids.values());
            } else if (c instanceof Languages languages) {
                // checked per row, never a driver: H2 would take the (org_id, language) index and sort every
                // match of a language instead of reading the page in the order index
                sql.append(SAME_RESOURCE).append("a.language IN (").append(placeholders(languages.values().size()))
                        .append(')').append(PlannerHints.PER_ROW).append(')');
                args.addAll(languages.values());
            } else if (c instanceof Tokens t) {
                sql.append("EXISTS (SELECT 1 FROM search_token t WHERE t.org_id = r.org_id AND t.res_id = r.res_id"
                        + " AND t.param = '").append(t.param()).append("' AND ");
                tokenMatch("t", t.values(), sql, args);
                sql.append(PlannerHints.PER_ROW).append(')');
            } else if (c instanceof References x) {
                sql.append("EXISTS (SELECT 1 FROM search_reference x WHERE x.org_id = r.org_id"
                        + " AND x.res_id = r.res_id AND x.param = '").append(x.param()).append("' AND ");
                referenceMatch("x", x.values(), sql, args);
                sql.append(PlannerHints.PER_ROW).append(')');
            } else if (shape.driver != null) {
                // beside a driving token or reference, per row: H2 would otherwise start the join from the
                // date index and read the range's rows (all of a patient's years, say) before the patient's
                sql.append(SAME_RESOURCE);
                dates((Dates) c, "a", sql, args);
                sql.append(PlannerHints.PER_ROW).append(')');
            } else {
                dates((Dates) c, "r", sql, args);
            }
        }
    }

    /** Opens a condition on the driving row's own resource row, looked up by its key. */
    private static final String SAME_RESOURCE = "EXISTS (SELECT 1 FROM manifest_resource a WHERE a.org_id = r.org_id"
            + " AND a.res_id = r.res_id AND ";

    /** Values as an IN list the index can range over, with the systems checked on the rows found. */
    private static void tokenMatch(String alias, List<TokenValue> values, StringBuilder sql, List<Object> args) {
        sql.append(alias).append(".token_value").append(in(values.size()));
        values.forEach(v -> args.add(v.value()));
        if (values.stream().allMatch(v -> v.system() == null)) {
            return;
        }
        StringJoiner or = new StringJoiner(" OR ", " AND (", ")");
        for (TokenValue token : values) {
            if (token.system() == null) {
                or.add(alias + ".token_value = ?");
                args.add(token.value());
            } else {
                or.add("(" + alias + ".token_system = ? AND " + alias + ".token_value = ?)");
                args.add(token.system());
                args.add(token.value());
            }
        }
        sql.append(or);
    }

    private static void referenceMatch(String alias, List<String> values, StringBuilder sql, List<Object> args) {
        sql.append(alias).append(".reference").append(in(values.size()));
        args.addAll(values);
    }

    private static void dates(Dates dates, String alias, StringBuilder sql, List<Object> args) {
        StringJoiner or = new StringJoiner(" OR ", "(", ")");
        DateColumn column = dates.column();
        String lo = alias + "." + column.low;
        String hi = alias + "." + column.high;
        for (DateValue d : dates.values()) {
            switch (d.prefix()) {
                case "eq" -> { or.add("(" + lo + " >= ? AND " + hi + " <= ?)"); args.add(d.low()); args.add(d.high()); }
                case "ne" -> { or.add("NOT (" + lo + " >= ? AND " + hi + " <= ?)"); args.add(d.low()); args.add(d.high()); }
                case "gt" -> {
                    if (column == DateColumn.AUTHORING_TIME) {
                        or.add("(" + hi + " > ? AND " + lo + " > ?)");
                        args.add(d.high());
                        args.add(new LowerBoundOfLow(d.high()));
                    } else {
                        or.add(hi + " > ?");
                        args.add(d.high());
                    }
                }
                case "lt" -> { or.add(lo + " < ?"); args.add(d.low()); }
                case "ge" -> {
                    if (column == DateColumn.AUTHORING_TIME) {
                        or.add("(" + hi + " >= ? AND " + lo + " >= ?)");
                        args.add(d.low());
                        args.add(new LowerBoundOfLow(d.low()));
                    } else {
                        or.add(hi + " >= ?");
                        args.add(d.low());
                    }
                }
                case "le" -> { or.add(lo + " <= ?"); args.add(d.high()); }
                case "sa" -> { or.add(lo + " > ?"); args.add(d.high()); }
                case "eb" -> { or.add(hi + " < ?"); args.add(d.low()); }
                case "ap" -> {
                    // FHIR R3 search 2.1.1.5.7: "approximately", here within 10% of the distance to now
                    long slack = Math.abs(dates.now() - d.low()) / 10;
                    or.add("(" + lo + " <= ? AND " + hi + " >= ?)");
                    args.add(d.high() + slack);
                    args.add(d.low() - slack);
                }
                default -> throw new IllegalArgumentException("unknown date prefix " + d.prefix());
            }
        }
        sql.append(or);
    }

    boolean needsWidestAuthoringSpan() {
        return conditions.stream().anyMatch(c -> c instanceof Dates d && d.column() == DateColumn.AUTHORING_TIME);
    }

    private static <T> List<T> nonEmpty(List<T> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("a search parameter needs at least one value");
        }
        return List.copyOf(values);
    }

    /** "= ?" for one value (an equality the planner surely ranges on), else an IN list. */
    private static String in(int n) {
        return n == 1 ? " = ?" : " IN (" + placeholders(n) + ")";
    }

    private static String placeholders(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
    }

    // parameter names are written into SQL, so only the index's own names are allowed
    private static String checkedName(String param) {
        if (!param.matches("[a-z.-]+")) {
            throw new IllegalArgumentException("bad index parameter " + param);
        }
        return param;
    }
}
