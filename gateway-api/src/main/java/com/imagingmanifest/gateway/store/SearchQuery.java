package com.imagingmanifest.gateway.store;

import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * Criteria of one manifest search, built up by the FHIR layer and run by {@link ManifestStore}.
 * Each call adds one AND-ed condition; the values given to one call are OR-ed (FHIR search
 * parameter semantics: repeated parameters AND, comma-separated values OR).
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
        LAST_UPDATED("r.last_updated", "r.last_updated"),
        AUTHORING_TIME("r.authoring_low", "r.authoring_high");

        final String low;
        final String high;

        DateColumn(String low, String high) {
            this.low = low;
            this.high = high;
        }
    }

    /** Sort keys supported by the index. */
    public enum SortColumn {
        LAST_UPDATED("r.last_updated"), AUTHORING_TIME("r.authoring_low"), ID("r.res_id");

        final String column;

        SortColumn(String column) {
            this.column = column;
        }
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

    private final List<String> conditions = new ArrayList<>();
    private final List<Object> args = new ArrayList<>();
    private final List<SortKey> sort = new ArrayList<>();

    public SearchQuery ids(List<String> anyOf) {
        conditions.add("r.res_id IN (" + placeholders(anyOf.size()) + ")");
        args.addAll(anyOf);
        return this;
    }

    public SearchQuery languages(List<String> anyOf) {
        conditions.add("r.language IN (" + placeholders(anyOf.size()) + ")");
        args.addAll(anyOf);
        return this;
    }

    public SearchQuery tokens(String param, List<TokenValue> anyOf) {
        StringJoiner or = new StringJoiner(" OR ", "(", ")");
        for (TokenValue token : anyOf) {
            if (token.system() == null) {
                or.add("t.token_value = ?");
                args.add(token.value());
            } else {
                or.add("(t.token_system = ? AND t.token_value = ?)");
                args.add(token.system());
                args.add(token.value());
            }
        }
        conditions.add("EXISTS (SELECT 1 FROM search_token t WHERE t.org_id = r.org_id AND t.res_id = r.res_id"
                + " AND t.param = '" + checkedName(param) + "' AND " + or + ")");
        return this;
    }

    public SearchQuery references(String param, List<String> anyOf) {
        conditions.add("EXISTS (SELECT 1 FROM search_reference x WHERE x.org_id = r.org_id"
                + " AND x.res_id = r.res_id AND x.param = '" + checkedName(param) + "' AND x.reference IN ("
                + placeholders(anyOf.size()) + "))");
        args.addAll(anyOf);
        return this;
    }

    /** FHIR date comparison of the stored range [low, high] against each value's range. */
    public SearchQuery dates(DateColumn column, List<DateValue> anyOf, long now) {
        StringJoiner or = new StringJoiner(" OR ", "(", ")");
        for (DateValue d : anyOf) {
            String lo = column.low;
            String hi = column.high;
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
                    long slack = Math.abs(now - d.low()) / 10;
                    or.add("(" + lo + " <= ? AND " + hi + " >= ?)");
                    args.add(d.high() + slack);
                    args.add(d.low() - slack);
                }
                default -> throw new IllegalArgumentException("unknown date prefix " + d.prefix());
            }
        }
        conditions.add(or.toString());
        return this;
    }

    public SearchQuery sortBy(SortKey key) {
        sort.add(key);
        return this;
    }

    String sql() {
        StringBuilder sql = new StringBuilder(
                "SELECT r.res_id, r.version_id FROM manifest_resource r WHERE r.org_id = ? AND r.deleted = FALSE");
        for (String condition : conditions) {
            sql.append(" AND ").append(condition);
        }
        sql.append(" ORDER BY ");
        for (SortKey key : sort) {
            sql.append(key.column().column).append(key.descending() ? " DESC NULLS LAST, " : " ASC NULLS LAST, ");
        }
        // a stable order so pages never overlap; newest first when the client asked for none
        sql.append(sort.isEmpty() ? "r.last_updated DESC, r.res_id" : "r.res_id");
        return sql.toString();
    }

    List<Object> args() {
        return args;
    }

    boolean needsWidestAuthoringSpan() {
        return args.stream().anyMatch(a -> a instanceof LowerBoundOfLow);
    }

    private static String placeholders(int n) {
        if (n == 0) {
            throw new IllegalArgumentException("a search parameter needs at least one value");
        }
        return String.join(", ", java.util.Collections.nCopies(n, "?"));
    }

    // parameter names are written into SQL, so only the index's own names are allowed
    private static String checkedName(String param) {
        if (!param.matches("[a-z.-]+")) {
            throw new IllegalArgumentException("bad index parameter " + param);
        }
        return param;
    }
}
