package com.imagingmanifest.gateway.fhir;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonPatch;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParser;
import java.io.StringReader;
import java.util.Set;

/**
 * Reads a JSON Patch document (RFC 6902). JSON-P checks the operations only when applying them;
 * checking their shape here lets a malformed patch be told apart (400) from one that does not
 * apply to the resource (422).
 */
final class JsonPatches {
    private static final Set<String> OPERATIONS = Set.of("add", "remove", "replace", "move", "copy", "test");

    private JsonPatches() {
    }

    /** The patch of a PATCH request: JSON Patch only (400 for another type or a malformed document). */
    static JsonPatch parse(ca.uhn.fhir.rest.api.PatchTypeEnum type, String body) {
        if (type != ca.uhn.fhir.rest.api.PatchTypeEnum.JSON_PATCH) {
            throw new InvalidRequestException("Only JSON Patch (application/json-patch+json) is supported");
        }
        return parse(body);
    }

    /** {@code patch} applied to a resource's JSON; 422 when it does not apply (a failed test, a missing path). */
    static JsonObject apply(JsonPatch patch, String resourceJson) {
        try {
            JsonObject resource = Json.createReader(new StringReader(resourceJson)).readObject();
            return patch.apply(resource).asJsonObject();
        } catch (JsonException | ClassCastException e) {
            throw new ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException(
                    "The JSON Patch cannot be applied: " + e.getMessage());
        }
    }

    static JsonPatch parse(String body) {
        JsonValue document;
        try (JsonParser parser = Json.createParser(new StringReader(body == null ? "" : body))) {
            if (!parser.hasNext()) {
                throw invalid("empty body");
            }
            parser.next();
            document = parser.getValue();
            if (parser.hasNext()) {
                throw invalid("content after the patch document");
            }
        } catch (InvalidRequestException e) {
            throw e;
        } catch (RuntimeException e) {
            // JsonException, and Parsson's plain RuntimeException beyond its nesting limit (1000)
            throw invalid("not JSON: " + e.getMessage());
        }
        if (hasUnpairedSurrogate(document.toString())) {
            throw invalid("a string holds an unpaired UTF-16 surrogate (not a Unicode character)");
        }
        if (document.getValueType() != JsonValue.ValueType.ARRAY) {
            throw invalid("the document must be an array of operations (RFC 6902 section 3)");
        }
        int index = 0;
        for (JsonValue value : document.asJsonArray()) {
            if (value.getValueType() != JsonValue.ValueType.OBJECT) {
                throw invalid("operation " + index + " is not an object");
            }
            JsonObject operation = value.asJsonObject();
            String op = string(operation, "op", index);
            if (!OPERATIONS.contains(op)) {
                throw invalid("operation " + index + " has unknown op '" + op + "' (RFC 6902 section 4)");
            }
            string(operation, "path", index);
            if (Set.of("add", "replace", "test").contains(op) && !operation.containsKey("value")) {
                throw invalid("operation " + index + " (" + op + ") needs a value");
            }
            if (Set.of("move", "copy").contains(op)) {
                string(operation, "from", index);
            }
            index++;
        }
        try {
            return Json.createPatch(document.asJsonArray());
        } catch (JsonException e) {
            throw invalid(e.getMessage());
        }
    }

    /** True when {@code text} holds a surrogate code unit without its partner (e.g. from a JSON escape). */
    static boolean hasUnpairedSurrogate(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    private static String string(JsonObject operation, String member, int index) {
        JsonValue value = operation.get(member);
        if (value == null || value.getValueType() != JsonValue.ValueType.STRING) {
            throw invalid("operation " + index + " needs a string '" + member + "'");
        }
        return operation.getString(member);
    }

    private static InvalidRequestException invalid(String message) {
        return new InvalidRequestException("Invalid JSON Patch: " + message);
    }
}
