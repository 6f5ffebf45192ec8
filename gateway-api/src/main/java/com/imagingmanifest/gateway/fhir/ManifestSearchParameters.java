package com.imagingmanifest.gateway.fhir;

import ca.uhn.fhir.rest.param.DateParam;
import ca.uhn.fhir.rest.param.ParamPrefixEnum;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import com.imagingmanifest.gateway.manifest.ManifestIndexer;
import com.imagingmanifest.gateway.store.SearchQuery;
import com.imagingmanifest.gateway.store.SearchQuery.DateColumn;
import com.imagingmanifest.gateway.store.SearchQuery.DateValue;
import com.imagingmanifest.gateway.store.SearchQuery.SortColumn;
import com.imagingmanifest.gateway.store.SearchQuery.SortKey;
import com.imagingmanifest.gateway.store.SearchQuery.TokenValue;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.hl7.fhir.dstu3.model.DateTimeType;
import org.hl7.fhir.dstu3.model.IdType;

/**
 * Turns ImagingManifest search parameters (URL, form body, JSON body or an {@code If-None-Exist}
 * query; all arrive as name to values) into a {@link SearchQuery}. The one place that knows which
 * parameters the server supports; anything else is refused with 400.
 */
final class ManifestSearchParameters {
    static final Set<String> REFERENCE = Set.of("patient", "author", "endpoint", "imaging-study");
    /**
     * The claim key of a conditional create's If-None-Exist query: parameters sorted by name and
     * each one's values sorted, so that the same query written in another order claims the same key;
     * SHA-256 keeps it short whatever the query's length.
     */
    static String conditionKey(Map<String, String[]> parameters) {
        StringBuilder canonical = new StringBuilder();
        new TreeMap<>(parameters).forEach((name, values) -> {
            String[] sorted = values.clone();
            Arrays.sort(sorted);
            for (String value : sorted) {
                canonical.append(name).append('=').append(value).append('&');
            }
        });
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(canonical.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Parameters HAPI itself answers (encoding, summary): allowed, not search criteria. */
    static final Set<String> FORMATTING = Set.of("_format", "_pretty", "_summary", "_elements", "_count", "_total",
            "_cursor");

    private ManifestSearchParameters() {
    }

    static SearchQuery toQuery(Map<String, String[]> parameters, long now) {
        SearchQuery query = new SearchQuery();
        for (Map.Entry<String, String[]> parameter : parameters.entrySet()) {
            String name = parameter.getKey();
            for (String raw : parameter.getValue()) {
                if (raw.indexOf('\u0000') >= 0 || name.indexOf('\u0000') >= 0) {
                    // no FHIR string holds NUL, and PostgreSQL text cannot carry it
                    throw new InvalidRequestException("Search parameter '" + name + "' holds a NUL character");
                }
                List<String> values = splitValues(raw);
                if (values.isEmpty() && !FORMATTING.contains(name)) {
                    throw new InvalidRequestException("Search parameter '" + name + "' has no value");
                }
                switch (name) {
                    case "_id" -> query.ids(values);
                    case "_language" -> query.languages(values.stream().map(v -> token(name, v).value()).toList());
                    case "identifier", "patient.identifier", "code" ->
                            query.tokens(name, values.stream().map(v -> token(name, v)).toList());
                    case "selected-study" -> query.tokens(name, values.stream()
                            .map(v -> new TokenValue("", ManifestIndexer.bareUid(v))).toList());
                    case "patient", "author", "endpoint", "imaging-study" ->
                            query.references(name, values.stream().map(ManifestSearchParameters::reference).toList());
                    case "authoring-time" -> query.dates(DateColumn.AUTHORING_TIME, dates(name, values), now);
                    case "_lastUpdated" -> query.dates(DateColumn.LAST_UPDATED, dates(name, values), now);
                    case "_sort" -> values.forEach(v -> query.sortBy(sortKey(v)));
                    case "_count" -> count(values);
                    default -> {
                        if (!FORMATTING.contains(name)) {
                            throw new InvalidRequestException("Unknown search parameter '" + name
                                    + "' for ImagingManifest; supported: _id, _language, _lastUpdated, author,"
                                    + " authoring-time, code, endpoint, identifier, imaging-study, patient,"
                                    + " patient.identifier, selected-study, _count, _sort, _total");
                        }
                    }
                }
            }
        }
        return query;
    }

    /** FHIR search 2.1.1.0: values are comma-separated; "\," is a literal comma. */
    static List<String> splitValues(String raw) {
        List<String> values = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '\\' && i + 1 < raw.length() && raw.charAt(i + 1) == ',') {
                current.append(',');
                i++;
            } else if (c == ',') {
                values.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        values.add(current.toString());
        values.removeIf(String::isEmpty);
        return values;
    }

    private static TokenValue token(String name, String value) {
        int bar = value.indexOf('|');
        if (bar < 0) {
            return new TokenValue(null, value);
        }
        String code = value.substring(bar + 1);
        if (code.isEmpty()) {
            throw new InvalidRequestException("Search parameter '" + name + "': a token needs a value after '|'");
        }
        return new TokenValue(value.substring(0, bar), code);
    }

    private static String reference(String value) {
        IdType id = new IdType(value);
        return id.hasResourceType() && id.hasIdPart() ? id.getResourceType() + "/" + id.getIdPart() : value;
    }

    private static List<DateValue> dates(String name, List<String> values) {
        List<DateValue> dates = new ArrayList<>();
        for (String value : values) {
            try {
                DateParam param = new DateParam(value);
                ParamPrefixEnum prefix = param.getPrefix() == null ? ParamPrefixEnum.EQUAL : param.getPrefix();
                long[] range = ManifestIndexer.range(new DateTimeType(param.getValueAsString()));
                dates.add(new DateValue(prefix.getValue(), range[0], range[1]));
            } catch (RuntimeException e) {
                throw new InvalidRequestException("Search parameter '" + name + "': '" + value
                        + "' is not a FHIR date with an optional prefix (eq ne gt lt ge le sa eb ap)");
            }
        }
        return dates;
    }

    private static SortKey sortKey(String value) {
        boolean descending = value.startsWith("-");
        String name = descending ? value.substring(1) : value;
        SortColumn column = switch (name) {
            case "_lastUpdated" -> SortColumn.LAST_UPDATED;
            case "authoring-time" -> SortColumn.AUTHORING_TIME;
            case "_id" -> SortColumn.ID;
            default -> throw new InvalidRequestException(
                    "Cannot sort by '" + name + "'; supported: _lastUpdated, authoring-time, _id");
        };
        return new SortKey(column, descending);
    }

    private static void count(List<String> values) {
        for (String v : values) {
            try {
                if (Integer.parseInt(v) < 0) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw new InvalidRequestException("_count must be a non-negative integer, not '" + v + "'");
            }
        }
    }
}
