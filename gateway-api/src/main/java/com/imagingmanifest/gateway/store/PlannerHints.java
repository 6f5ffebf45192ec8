package com.imagingmanifest.gateway.store;

import java.util.Collections;
import java.util.List;
import java.util.StringJoiner;

/**
 * The shapes of SQL that make both databases read a page through an index instead of walking an
 * organization's rows (docs/performance.md, "Search plans"), kept in one place because each answers
 * a planner's habit rather than the query's meaning:
 * <ul>
 * <li>H2 takes an index's order for ORDER BY only when the ORDER BY names the index's columns from
 * the first, even those the WHERE clause fixes to one value (PostgreSQL ignores them), and scans an
 * index backwards only when every column is reversed: {@link #orderBy};</li>
 * <li>H2 ranges an IN list (with parameters) over an index only on its first column, and neither an
 * OR chain of key pairs nor a row-value IN list: a list of keys is a {@code VALUES} table joined on
 * the primary key ({@link #valuesTable});</li>
 * <li>PostgreSQL turns an EXISTS into a semi-join and may read every index row of the condition's
 * value (all manifests of one author) into a bitmap; with {@code OFFSET 0} it stays a look-up per
 * row ({@link #PER_ROW});</li>
 * <li>a page resumes by key, with a leading bound on the first key so that the planner has a range to
 * scan ({@link #keyset}).</li>
 * </ul>
 * The SQL itself is the same on both databases.
 */
final class PlannerHints {
    /** Ends the subquery of a condition checked per driving row (see the class comment). */
    static final String PER_ROW = " OFFSET 0";

    private PlannerHints() {
    }

    /** One column (or expression) of an order, compared by key when a page resumes. */
    record Key(String expression, boolean descending) {
    }

    /**
     * {@code (VALUES (?, ?), (?, ?)) alias(c1, c2)}: {@code rows} rows of the named columns, as a
     * derived table to join on a primary key.
     */
    static String valuesTable(int rows, String alias, String... columns) {
        String row = "(" + String.join(", ", Collections.nCopies(columns.length, "?")) + ")";
        return "(VALUES " + String.join(", ", Collections.nCopies(rows, row)) + ") " + alias + "("
                + String.join(", ", columns) + ")";
    }

    /**
     * {@code ORDER BY} the index columns the WHERE clause fixes ({@code fixed}, each with its
     * direction), then the keys: for H2, which otherwise sorts instead of reading the index in order.
     */
    static String orderBy(List<String> fixed, List<Key> keys) {
        StringJoiner order = new StringJoiner(", ", " ORDER BY ", "");
        fixed.forEach(order::add);
        for (Key key : keys) {
            order.add(key.expression() + (key.descending() ? " DESC" : " ASC"));
        }
        return order.toString();
    }

    /**
     * Rows after {@code after} in the order of {@code keys}: the first key bounds the index range
     * ({@code k1 <= a1} newest first), the nested comparisons then skip the rows up to and including
     * the key itself. Without that leading bound the OR would leave the planner no range to scan.
     */
    static void keyset(List<Key> keys, List<Object> after, StringBuilder sql, List<Object> args) {
        if (after.size() != keys.size()) {
            throw new IllegalArgumentException("a page key of " + keys.size() + " values expected");
        }
        Key first = keys.get(0);
        sql.append(first.expression()).append(first.descending() ? " <= ?" : " >= ?").append(" AND ");
        args.add(after.get(0));
        nested(keys, after, 0, sql, args);
    }

    private static void nested(List<Key> keys, List<Object> after, int i, StringBuilder sql, List<Object> args) {
        Key key = keys.get(i);
        String strictly = key.descending() ? " < ?" : " > ?";
        if (i == keys.size() - 1) {
            sql.append(key.expression()).append(strictly);
            args.add(after.get(i));
            return;
        }
        sql.append('(').append(key.expression()).append(strictly).append(" OR (").append(key.expression())
                .append(" = ? AND ");
        args.add(after.get(i));
        args.add(after.get(i));
        nested(keys, after, i + 1, sql, args);
        sql.append("))");
    }
}
