package com.imagingmanifest.orthanc;

import com.imagingmanifest.dicomweb.DicomwebException;
import com.imagingmanifest.dicomweb.HttpTransport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parts of Orthanc's REST API that DICOMweb lacks: system check, lookup by DICOM UID, delete,
 * the change feed. Orthanc resources are named by Orthanc's own ids (hashes of the DICOM UIDs).
 */
public final class OrthancRest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final HttpTransport http;

    public OrthancRest(URI restBase, HttpTransport http) {
        String b = restBase.toString();
        this.base = b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
        this.http = http;
    }

    /** What {@code GET /system} tells of the server. */
    public record SystemInfo(String name, String version, String dicomAet, int dicomPort, int apiVersion) {
    }

    /** One entry of {@code /changes}: {@code Seq}, {@code ChangeType} (e.g. NewInstance), the resource. */
    public record Change(long seq, String changeType, String resourceType, String id, String date) {
    }

    /** A page of the change feed; {@code last} is the {@code since} for the next page. */
    public record ChangePage(List<Change> changes, long last, boolean done) {
    }

    /** DICOM identity of a stored instance. */
    public record Instance(String id, String studyInstanceUid, String seriesInstanceUid, String sopInstanceUid,
            String sopClassUid, String modality) {
    }

    public SystemInfo system() throws DicomwebException {
        JsonNode o = getObject("/system");
        return new SystemInfo(text(o, "Name"), text(o, "Version"), text(o, "DicomAet"),
                o.path("DicomPort").asInt(-1), o.path("ApiVersion").asInt(-1));
    }

    /** The Orthanc id of the instance with this SOP Instance UID ({@code POST /tools/lookup}). */
    public Optional<String> lookupInstance(String sopInstanceUid) throws DicomwebException {
        HttpTransport.Response r = http.exchange("POST", uri("/tools/lookup"), Map.of("Content-Type", "text/plain"),
                sopInstanceUid.getBytes(StandardCharsets.UTF_8));
        if (!r.ok()) {
            throw HttpTransport.statusFailure("Orthanc lookup", r);
        }
        // a UID may name a patient, study, series or instance: keep the instance
        for (JsonNode o : parse(r)) {
            if ("Instance".equals(text(o, "Type")) && text(o, "ID") != null) {
                return Optional.of(text(o, "ID"));
            }
        }
        return Optional.empty();
    }

    /** Deletes an instance; false when Orthanc does not have it. */
    public boolean deleteInstance(String id) throws DicomwebException {
        HttpTransport.Response r = http.exchange("DELETE", uri("/instances/" + id(id)), Map.of(), null);
        if (r.status() == 404) {
            return false;
        }
        if (!r.ok()) {
            throw HttpTransport.statusFailure("Orthanc delete", r);
        }
        return true;
    }

    /**
     * {@code GET /changes?since=N&limit=M}. Deletions are not part of this feed (Orthanc logs them
     * elsewhere), and changes older than Orthanc's history limit are dropped by Orthanc.
     */
    public ChangePage changes(long since, int limit) throws DicomwebException {
        JsonNode o = getObject("/changes?since=" + since + "&limit=" + limit);
        List<Change> changes = new ArrayList<>();
        for (JsonNode c : o.path("Changes")) {
            changes.add(new Change(c.path("Seq").asLong(), text(c, "ChangeType"), text(c, "ResourceType"),
                    text(c, "ID"), text(c, "Date")));
        }
        if (!o.path("Last").canConvertToLong()) {
            throw new DicomwebException(DicomwebException.Kind.MALFORMED, "Orthanc /changes without Last");
        }
        return new ChangePage(changes, o.path("Last").asLong(), o.path("Done").asBoolean(false));
    }

    /** The last change's sequence number ({@code /changes?last}), to start a feed at "now". */
    public long lastChange() throws DicomwebException {
        return getObject("/changes?last").path("Last").asLong();
    }

    /** Orthanc's metadata item (e.g. {@code SopClassUid}) of an instance; empty when absent. */
    public Optional<String> instanceMetadata(String id, String name) throws DicomwebException {
        HttpTransport.Response r = http.get(uri("/instances/" + id(id) + "/metadata/" + id(name)), null);
        if (r.status() == 404) {
            return Optional.empty();
        }
        if (!r.ok()) {
            throw HttpTransport.statusFailure("Orthanc metadata", r);
        }
        return Optional.of(r.text().strip());
    }

    /**
     * Orthanc's SopClassUid metadata of many instances in one call ({@code POST /tools/bulk-content},
     * Orthanc 1.9.4 and later): instance id to SOP Class UID, without the instances that are gone.
     * Empty when this Orthanc does not offer the call (404), so that the caller asks one by one.
     */
    public Optional<Map<String, String>> sopClasses(Collection<String> ids) throws DicomwebException {
        ObjectNode request = JSON.createObjectNode().put("Level", "Instance").put("Metadata", true);
        ArrayNode resources = request.putArray("Resources");
        ids.forEach(id -> resources.add(id(id)));
        HttpTransport.Response r = http.exchange("POST", uri("/tools/bulk-content"),
                Map.of("Content-Type", "application/json"), request.toString().getBytes(StandardCharsets.UTF_8));
        if (r.status() == 404) {
            return Optional.empty();
        }
        if (!r.ok()) {
            throw HttpTransport.statusFailure("Orthanc bulk-content", r);
        }
        JsonNode answer = parse(r);
        if (!answer.isArray()) {
            throw new DicomwebException(DicomwebException.Kind.MALFORMED, r.status(),
                    "Orthanc bulk-content: not a JSON array", null);
        }
        Map<String, String> classes = new HashMap<>();
        for (JsonNode o : answer) {
            String id = text(o, "ID");
            String sopClass = text(o.path("Metadata"), "SopClassUid");
            if (id != null) {
                classes.put(id, sopClass == null ? "" : sopClass);
            }
        }
        return Optional.of(classes);
    }

    /** UIDs, SOP class and modality of an instance, from its simplified tags; empty when gone. */
    public Optional<Instance> instance(String id) throws DicomwebException {
        HttpTransport.Response r = http.get(uri("/instances/" + id(id) + "/tags?simplify"), "application/json");
        if (r.status() == 404) {
            return Optional.empty();
        }
        if (!r.ok()) {
            throw HttpTransport.statusFailure("Orthanc instance tags", r);
        }
        JsonNode t = parse(r);
        return Optional.of(new Instance(id, text(t, "StudyInstanceUID"), text(t, "SeriesInstanceUID"),
                text(t, "SOPInstanceUID"), text(t, "SOPClassUID"), text(t, "Modality")));
    }

    /**
     * The instance as Orthanc stored it, a Part 10 file ({@code GET /instances/{id}/file}); empty when
     * gone. One plain call, where WADO-RS would wrap the same bytes in a multipart answer.
     */
    public Optional<byte[]> instanceFile(String id) throws DicomwebException {
        HttpTransport.Response r = http.get(uri("/instances/" + id(id) + "/file"), "application/dicom");
        if (r.status() == 404) {
            return Optional.empty();
        }
        if (!r.ok()) {
            throw HttpTransport.statusFailure("Orthanc instance file", r);
        }
        return Optional.of(r.body());
    }

    /** Stores a Part 10 object straight through REST ({@code POST /instances}); returns its id. */
    public String storeInstance(byte[] part10) throws DicomwebException {
        HttpTransport.Response r = http.exchange("POST", uri("/instances"),
                Map.of("Content-Type", "application/dicom"), part10);
        if (!r.ok()) {
            throw HttpTransport.statusFailure("Orthanc store", r);
        }
        String id = text(parse(r), "ID");
        if (id == null) {
            throw new DicomwebException(DicomwebException.Kind.MALFORMED, "Orthanc store answered no ID");
        }
        return id;
    }

    private JsonNode getObject(String path) throws DicomwebException {
        HttpTransport.Response r = http.get(uri(path), "application/json");
        if (!r.ok()) {
            throw HttpTransport.statusFailure("Orthanc GET " + path, r);
        }
        JsonNode o = parse(r);
        if (!o.isObject()) {
            throw new DicomwebException(DicomwebException.Kind.MALFORMED, r.status(),
                    "Orthanc GET " + path + ": not a JSON object", null);
        }
        return o;
    }

    private static JsonNode parse(HttpTransport.Response r) throws DicomwebException {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new DicomwebException(DicomwebException.Kind.MALFORMED, r.status(),
                    "Orthanc answered no JSON: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode o, String name) {
        JsonNode v = o.get(name);
        return v != null && v.isTextual() ? v.asText().strip() : null;
    }

    /** Orthanc ids and metadata names are letters, digits and dashes; anything else is refused. */
    private static String id(String id) {
        if (id == null || id.isEmpty() || !id.chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-')) {
            throw new IllegalArgumentException("not an Orthanc id: " + id);
        }
        return id;
    }

    private URI uri(String path) {
        return URI.create(base + path);
    }
}
