package com.imagingmanifest.dicomweb;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Vr;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The query parameters of a QIDO-RS search (PS3.18 8.3.4 and 10.6.1.2): attribute matching,
 * {@code includefield}, {@code fuzzymatching}, {@code limit} and {@code offset}. Attributes are named
 * by their 8-digit hex tag, which every server must accept.
 */
public final class QidoQuery {
    private final Map<Integer, String> matches = new LinkedHashMap<>();
    private final Set<String> includeFields = new LinkedHashSet<>();
    private boolean fuzzyMatching;
    private int limit = -1;
    private int offset = -1;

    public static QidoQuery create() {
        return new QidoQuery();
    }

    /**
     * The QIDO form of C-FIND identifier {@code keys}: a non-empty string value is a matching key,
     * an empty one a return key (includefield). Sequences are only ever return keys: QIDO-RS servers
     * such as Orthanc cannot match inside them. Query/Retrieve Level and Specific Character Set are
     * not attributes to match.
     */
    public static QidoQuery fromKeys(DataSet keys) {
        QidoQuery q = new QidoQuery();
        for (int i = 0; i < keys.size(); i++) {
            int tag = keys.tagAt(i);
            if (tag == 0x00080052 || tag == 0x00080005) {
                continue;
            }
            Vr vr = keys.vrAt(i);
            String value = vr.isString() ? keys.getString(tag) : null;
            if (value != null && !value.isEmpty()) {
                q.match(tag, value);
            } else {
                q.includeField(tag);
            }
        }
        return q;
    }

    /** Matching on an attribute: single value, wild card, range or UID list as PS3.4 C.2.2.2. */
    public QidoQuery match(int tag, String value) {
        matches.put(tag, value);
        return this;
    }

    public QidoQuery includeField(int tag) {
        includeFields.add(hex(tag));
        return this;
    }

    /** {@code includefield=all}. */
    public QidoQuery includeAll() {
        includeFields.add("all");
        return this;
    }

    public QidoQuery fuzzyMatching(boolean on) {
        this.fuzzyMatching = on;
        return this;
    }

    public QidoQuery limit(int limit) {
        this.limit = limit;
        return this;
    }

    public QidoQuery offset(int offset) {
        this.offset = offset;
        return this;
    }

    public Map<Integer, String> matches() {
        return Map.copyOf(matches);
    }

    /** A copy with another offset and limit, for paging. */
    public QidoQuery page(int offset, int limit) {
        QidoQuery q = new QidoQuery();
        q.matches.putAll(matches);
        q.includeFields.addAll(includeFields);
        q.fuzzyMatching = fuzzyMatching;
        q.offset = offset;
        q.limit = limit;
        return q;
    }

    /** The query string without the leading '?', empty when there are no parameters. */
    public String toQueryString() {
        List<String> params = new ArrayList<>();
        matches.forEach((tag, value) -> params.add(hex(tag) + "=" + encode(value)));
        for (String f : includeFields) {
            params.add("includefield=" + f);
        }
        if (fuzzyMatching) {
            params.add("fuzzymatching=true");
        }
        if (limit >= 0) {
            params.add("limit=" + limit);
        }
        if (offset >= 0) {
            params.add("offset=" + offset);
        }
        return String.join("&", params);
    }

    private static String hex(int tag) {
        return String.format("%08X", tag);
    }

    private static String encode(String value) {
        // %20 rather than '+': not every server decodes '+' in a query as a space
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public String toString() {
        return toQueryString();
    }
}
