package com.imagingmanifest.dicomweb;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Sequence;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.dicom.json.DicomJson;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A DICOMweb user agent for one origin server (PS3.18): STOW-RS, QIDO-RS and WADO-RS on the base URL
 * the server publishes (e.g. {@code http://host:8042/dicom-web}). Thread-safe.
 */
public final class DicomwebClient {
    static final String DICOM = "application/dicom";
    static final String DICOM_JSON = "application/dicom+json";
    /** PS3.18 8.7.3.5.2: {@code transfer-syntax=*} asks for the instance as stored. */
    private static final String MULTIPART_DICOM_AS_STORED =
            "multipart/related; type=\"application/dicom\"; transfer-syntax=*";
    private static final String MULTIPART_DICOM = "multipart/related; type=\"application/dicom\"";
    private static final int MAX_PARTS = 10_000;

    private final String base;
    private final HttpTransport http;

    public DicomwebClient(URI base, HttpTransport http) {
        String b = base.toString();
        this.base = b.endsWith("/") ? b.substring(0, b.length() - 1) : b;
        this.http = http;
    }

    public URI base() {
        return URI.create(base);
    }

    // ---- STOW-RS (PS3.18 10.5)

    /** Stores Part 10 objects with one {@code POST {base}/studies}. */
    public StowResult store(List<byte[]> part10s) throws DicomwebException {
        return store(URI.create(base + "/studies"), part10s);
    }

    /** Stores Part 10 objects that all belong to {@code studyInstanceUid}. */
    public StowResult store(String studyInstanceUid, List<byte[]> part10s) throws DicomwebException {
        return store(URI.create(base + "/studies/" + uid(studyInstanceUid)), part10s);
    }

    private StowResult store(URI uri, List<byte[]> part10s) throws DicomwebException {
        MultipartRelated.Encoded body = MultipartRelated.encode(DICOM, part10s);
        HttpTransport.Response r = http.exchange("POST", uri,
                Map.of("Content-Type", body.contentType(), "Accept", DICOM_JSON), body.body());
        // PS3.18 10.5.3.1: 200 all stored, 202 some failed or warned, 409 none stored; each may
        // carry the Store Instances Response
        if ((r.status() == 200 || r.status() == 202 || r.status() == 409) && r.body().length > 0
                && isJson(r)) {
            return stowResult(r);
        }
        if (r.ok()) {
            return new StowResult(r.status(), null, List.of(), List.of());
        }
        if (r.status() != 401 && r.status() != 403 && r.text().strip().startsWith("{")) {
            // e.g. Orthanc's 400 for an unreadable part: a Store Instances Response, said briefly
            StowResult refused = stowResult(r);
            StringBuilder reasons = new StringBuilder();
            for (StowResult.Failed f : refused.failed()) {
                reasons.append(String.format(" %s: Failure Reason %04XH;", f.sopInstanceUid(), f.failureReason()));
            }
            throw new DicomwebException(DicomwebException.Kind.STATUS, r.status(), "STOW-RS " + uri + ": HTTP "
                    + r.status() + ", stored " + refused.stored().size() + " of " + part10s.size() + reasons, null);
        }
        throw HttpTransport.statusFailure("STOW-RS " + uri, r);
    }

    private static StowResult stowResult(HttpTransport.Response r) throws DicomwebException {
        DataSet response = parseObject(r);
        List<StowResult.Stored> stored = new ArrayList<>();
        Sequence refs = response.getSequence(Tag.ReferencedSOPSequence);
        if (refs != null) {
            for (DataSet item : refs) {
                stored.add(new StowResult.Stored(item.getString(Tag.ReferencedSOPClassUID),
                        item.getString(Tag.ReferencedSOPInstanceUID), item.getString(Tag.RetrieveURL),
                        item.getInt(Tag.WarningReason, -1)));
            }
        }
        List<StowResult.Failed> failed = new ArrayList<>();
        Sequence fails = response.getSequence(Tag.FailedSOPSequence);
        if (fails != null) {
            for (DataSet item : fails) {
                failed.add(new StowResult.Failed(item.getString(Tag.ReferencedSOPClassUID),
                        item.getString(Tag.ReferencedSOPInstanceUID), item.getInt(Tag.FailureReason, 0xC000)));
            }
        }
        return new StowResult(r.status(), response.getString(Tag.RetrieveURL), stored, failed);
    }

    // ---- QIDO-RS (PS3.18 10.6)

    public List<DataSet> searchStudies(QidoQuery query) throws DicomwebException {
        return search("/studies", query);
    }

    /** Series of one study, or of all studies when {@code studyInstanceUid} is null. */
    public List<DataSet> searchSeries(String studyInstanceUid, QidoQuery query) throws DicomwebException {
        return search(studyInstanceUid == null ? "/series" : "/studies/" + uid(studyInstanceUid) + "/series", query);
    }

    /** Instances of one series, one study, or all studies, as far as UIDs are given. */
    public List<DataSet> searchInstances(String studyInstanceUid, String seriesInstanceUid, QidoQuery query)
            throws DicomwebException {
        String path;
        if (studyInstanceUid == null) {
            path = "/instances";
        } else if (seriesInstanceUid == null) {
            path = "/studies/" + uid(studyInstanceUid) + "/instances";
        } else {
            path = "/studies/" + uid(studyInstanceUid) + "/series/" + uid(seriesInstanceUid) + "/instances";
        }
        return search(path, query);
    }

    private List<DataSet> search(String path, QidoQuery query) throws DicomwebException {
        String qs = query.toQueryString();
        URI uri = URI.create(base + path + (qs.isEmpty() ? "" : "?" + qs));
        HttpTransport.Response r = http.get(uri, DICOM_JSON);
        if (r.status() == 204) {
            return List.of(); // PS3.18 10.6.3.2: no matches
        }
        if (!r.ok()) {
            throw HttpTransport.statusFailure("QIDO-RS " + uri, r);
        }
        return parseArray(r);
    }

    // ---- WADO-RS (PS3.18 10.4)

    /**
     * One instance as the Part 10 bytes the server sends (as stored when it honours
     * {@code transfer-syntax=*}), or empty when the server answers 404.
     */
    public Optional<byte[]> retrieveInstance(String studyInstanceUid, String seriesInstanceUid,
            String sopInstanceUid) throws DicomwebException {
        URI uri = URI.create(base + "/studies/" + uid(studyInstanceUid) + "/series/" + uid(seriesInstanceUid)
                + "/instances/" + uid(sopInstanceUid));
        HttpTransport.Response r = http.get(uri, MULTIPART_DICOM_AS_STORED);
        if (r.status() == 406) {
            r = http.get(uri, MULTIPART_DICOM); // servers that do not know transfer-syntax=*
        }
        if (r.status() == 404) {
            return Optional.empty();
        }
        if (!r.ok()) {
            throw HttpTransport.statusFailure("WADO-RS " + uri, r);
        }
        List<byte[]> parts = dicomParts(uri, r);
        if (parts.size() != 1) {
            throw new DicomwebException(DicomwebException.Kind.MALFORMED, r.status(),
                    "WADO-RS " + uri + ": expected one instance, got " + parts.size(), null);
        }
        return Optional.of(parts.get(0));
    }

    /** Part 10 objects of a multipart/related WADO-RS response (one part per instance). */
    private static List<byte[]> dicomParts(URI uri, HttpTransport.Response r) throws DicomwebException {
        try {
            MediaType type = MediaType.parse(r.contentType());
            if (type.is(DICOM)) {
                return List.of(r.body()); // a single-part answer some servers give
            }
            List<byte[]> out = new ArrayList<>();
            for (MultipartRelated.Part part : MultipartRelated.parse(r.contentType(), r.body(), MAX_PARTS)) {
                String pt = part.contentType();
                if (pt != null && !MediaType.parse(pt).is(DICOM)) {
                    throw new IllegalArgumentException("part of type " + pt + " where application/dicom was asked");
                }
                out.add(part.content());
            }
            return out;
        } catch (IllegalArgumentException e) {
            throw new DicomwebException(DicomwebException.Kind.MALFORMED, r.status(),
                    "WADO-RS " + uri + ": " + e.getMessage(), e);
        }
    }

    /**
     * Relays one WADO-RS request on an instance (PS3.18 10.4.1): {@code resource} is what follows the
     * instance path, "" (the instance), {@code /metadata}, {@code /rendered}, {@code /frames/1,2} or
     * {@code /frames/1/rendered}, with an optional query; the caller has checked it. The answer is
     * returned as it comes, body unread.
     */
    public HttpTransport.Streamed relay(String studyInstanceUid, String seriesInstanceUid, String sopInstanceUid,
            String resource, Map<String, String> headers) throws DicomwebException {
        URI uri = URI.create(base + "/studies/" + uid(studyInstanceUid) + "/series/" + uid(seriesInstanceUid)
                + "/instances/" + uid(sopInstanceUid) + resource);
        return http.stream(uri, headers);
    }

    /** Metadata (PS3.18 10.4.1.1.2) of a study, a series or an instance, as far as UIDs are given. */
    public List<DataSet> metadata(String studyInstanceUid, String seriesInstanceUid, String sopInstanceUid)
            throws DicomwebException {
        StringBuilder path = new StringBuilder(base).append("/studies/").append(uid(studyInstanceUid));
        if (seriesInstanceUid != null) {
            path.append("/series/").append(uid(seriesInstanceUid));
            if (sopInstanceUid != null) {
                path.append("/instances/").append(uid(sopInstanceUid));
            }
        }
        URI uri = URI.create(path.append("/metadata").toString());
        HttpTransport.Response r = http.get(uri, DICOM_JSON);
        if (r.status() == 404) {
            return List.of();
        }
        if (!r.ok()) {
            throw HttpTransport.statusFailure("WADO-RS " + uri, r);
        }
        return parseArray(r);
    }

    // ---- helpers

    /** UIDs go into paths unescaped, so anything but a valid UID is refused before it is sent. */
    private static String uid(String uid) {
        if (!Uid.isValid(uid)) {
            throw new IllegalArgumentException("not a valid UID: " + uid);
        }
        return uid;
    }

    private static boolean isJson(HttpTransport.Response r) {
        String ct = r.contentType();
        if (ct == null) {
            return false;
        }
        MediaType t = MediaType.parse(ct);
        return t.is(DICOM_JSON) || t.is("application/json");
    }

    private static List<DataSet> parseArray(HttpTransport.Response r) throws DicomwebException {
        try {
            return DicomJson.readArray(r.text());
        } catch (RuntimeException e) {
            throw new DicomwebException(DicomwebException.Kind.MALFORMED, r.status(),
                    "not a DICOM JSON array: " + e.getMessage(), e);
        }
    }

    private static DataSet parseObject(HttpTransport.Response r) throws DicomwebException {
        try {
            return DicomJson.readObject(r.text());
        } catch (RuntimeException e) {
            throw new DicomwebException(DicomwebException.Kind.MALFORMED, r.status(),
                    "not a DICOM JSON object: " + e.getMessage(), e);
        }
    }
}
