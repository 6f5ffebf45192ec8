package com.imagingmanifest.kos;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Sequence;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Uid;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.hl7.fhir.dstu3.model.CodeableConcept;
import org.hl7.fhir.dstu3.model.Coding;
import org.hl7.fhir.dstu3.model.DateTimeType;
import org.hl7.fhir.dstu3.model.Endpoint;
import org.hl7.fhir.dstu3.model.Identifier;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.hl7.fhir.dstu3.model.Reference;
import org.hl7.fhir.dstu3.model.StringType;

/**
 * Reads a Key Object Selection document from any producer as an ImagingManifest: the selected
 * instances (content items checked against the Current Requested Procedure Evidence Sequence), the
 * title (extension {@link KosTitle#EXTENSION_URL} unless it is the default 113000), the description,
 * the first observer of the TID 1002 context, the patient, Content Date/Time, and retrieve locations
 * as contained Endpoint resources. Thread-safe.
 */
public final class KosToManifest {
    /** connectionType for an endpoint known only by its Retrieve AE Title (STU3 has no DIMSE code). */
    public static final String DIMSE_CONNECTION_SYSTEM =
            "http://imagingmanifest.com/fhir/CodeSystem/endpoint-connection-type";
    public static final String DIMSE_CONNECTION_CODE = "dicom-dimse";
    static final DicomCode STUDY_PAYLOAD = DicomCode.dcm("113014", "Study");

    private final ZoneId fallbackZone;

    public KosToManifest() {
        this(ZoneId.systemDefault());
    }

    /** @param fallbackZone zone of Content Date/Time in a KOS without Timezone Offset From UTC */
    public KosToManifest(ZoneId fallbackZone) {
        this.fallbackZone = Objects.requireNonNull(fallbackZone, "fallbackZone");
    }

    /**
     * The manifest this KOS represents (without id or narrative: the gateway assigns those).
     *
     * @throws KosMappingException when the data set is not a KOS, is an IOCM rejection note, or is
     *                             inconsistent (say, selects an instance its evidence does not list)
     */
    public ImagingManifest translate(DataSet kos) {
        DicomCode title = requireKos(kos);
        if (KosTitle.isRejection(title)) {
            throw new KosMappingException("KOS " + kos.getString(Tag.SOPInstanceUID) + " is an IOCM rejection note ("
                    + title.value() + " " + title.meaning() + "), not a manifest");
        }
        String sopInstanceUid = kos.getString(Tag.SOPInstanceUID);
        if (!Uid.isValid(sopInstanceUid)) {
            throw new KosMappingException("KOS has no valid SOP Instance UID: " + sopInstanceUid);
        }
        Map<String, Map<String, SeriesEvidence>> evidence = evidence(kos);
        Map<String, InstanceSubset> selected = new LinkedHashMap<>();
        collectReferences(kos.getSequence(Tag.ContentSequence), selected, 0);
        if (selected.isEmpty()) {
            throw new KosMappingException("KOS " + sopInstanceUid + " selects no instances");
        }
        Set<String> inEvidence = new LinkedHashSet<>();
        evidence.values().forEach(s -> s.values().forEach(e -> e.instances.keySet().forEach(inEvidence::add)));
        for (String uid : selected.keySet()) {
            if (!inEvidence.contains(uid)) {
                throw new KosMappingException("KOS " + sopInstanceUid + " selects instance " + uid
                        + ", which its Current Requested Procedure Evidence Sequence does not list");
            }
        }

        ImagingManifest m = new ImagingManifest();
        m.setIdentifier(new Identifier().setSystem(Oids.DICOM_UID_SYSTEM).setValue(Oids.toUrn(sopInstanceUid)));
        m.setPatient(patient(kos, sopInstanceUid));
        ContentDateTime content = contentDateTime(kos);
        if (content != null) {
            m.setAuthoringTimeElement(new DateTimeType(content.toFhir(fallbackZone)));
        }
        Reference author = author(kos.getSequence(Tag.ContentSequence));
        if (author != null) {
            m.setAuthor(author);
        }
        String description = description(kos.getSequence(Tag.ContentSequence));
        if (description != null) {
            m.setDescription(description);
        }
        if (!(title.sameCode(KosTitle.OF_INTEREST) && title.meaning().equals(KosTitle.OF_INTEREST.meaning()))) {
            m.addExtension(KosTitle.EXTENSION_URL, title.toCoding());
        }
        writeStudies(m, evidence, selected);
        return m;
    }

    /** True for a KOS whose title is an IHE IOCM rejection note (113001, 113037, 113038, 113039). */
    public static boolean isRejectionNote(DataSet kos) {
        return Uid.KeyObjectSelectionDocumentStorage.equals(kos.getString(Tag.SOPClassUID))
                && KosTitle.isRejection(DicomCode.fromSequence(kos, Tag.ConceptNameCodeSequence));
    }

    /** The instances a rejection note rejects, from its evidence, in the order it lists them. */
    public static List<RejectedInstance> rejectedInstances(DataSet note) {
        if (!isRejectionNote(note)) {
            throw new KosMappingException("not an IOCM rejection note: SOP Class " + note.getString(Tag.SOPClassUID)
                    + ", title " + DicomCode.fromSequence(note, Tag.ConceptNameCodeSequence));
        }
        List<RejectedInstance> out = new ArrayList<>();
        evidence(note).forEach((study, series) -> series.forEach((seriesUid, e) ->
                e.instances.forEach((uid, cls) -> out.add(new RejectedInstance(study, seriesUid, cls, uid)))));
        return List.copyOf(out);
    }

    private static DicomCode requireKos(DataSet kos) {
        String sopClass = kos.getString(Tag.SOPClassUID);
        if (!Uid.KeyObjectSelectionDocumentStorage.equals(sopClass)) {
            throw new KosMappingException(sopClass == null ? "no SOP Class UID: not a DICOM composite instance"
                    : "SOP Class " + sopClass + " is not Key Object Selection Document Storage");
        }
        if (!ValueType.CONTAINER.name().equals(kos.getString(Tag.ValueType))) {
            throw new KosMappingException("the root content item is not a CONTAINER (Value Type "
                    + kos.getString(Tag.ValueType) + ")");
        }
        DicomCode title = DicomCode.fromSequence(kos, Tag.ConceptNameCodeSequence);
        if (title == null) {
            throw new KosMappingException("the root CONTAINER has no Concept Name Code Sequence (document title)");
        }
        return title;
    }

    /** Instances of one series in the evidence, with where to retrieve them. */
    private static final class SeriesEvidence {
        final Map<String, String> instances = new LinkedHashMap<>(); // SOP Instance UID -> SOP Class UID
        RetrieveLocation location;
    }

    private static Map<String, Map<String, SeriesEvidence>> evidence(DataSet kos) {
        Sequence studies = kos.getSequence(Tag.CurrentRequestedProcedureEvidenceSequence);
        if (studies == null || studies.isEmpty()) {
            throw new KosMappingException("no Current Requested Procedure Evidence Sequence (type 1 in a KOS)");
        }
        Map<String, Map<String, SeriesEvidence>> out = new LinkedHashMap<>();
        for (DataSet studyItem : studies) {
            String studyUid = requireUid(studyItem, Tag.StudyInstanceUID, "evidence study item");
            Map<String, SeriesEvidence> seriesMap = out.computeIfAbsent(studyUid, k -> new LinkedHashMap<>());
            RetrieveLocation studyLocation = retrieveLocation(studyItem);
            Sequence seriesSeq = studyItem.getSequence(Tag.ReferencedSeriesSequence);
            if (seriesSeq == null) {
                continue;
            }
            for (DataSet seriesItem : seriesSeq) {
                String seriesUid = requireUid(seriesItem, Tag.SeriesInstanceUID, "evidence series item");
                SeriesEvidence e = seriesMap.computeIfAbsent(seriesUid, k -> new SeriesEvidence());
                RetrieveLocation own = retrieveLocation(seriesItem);
                if (e.location == null) {
                    e.location = own != null ? own : studyLocation;
                }
                Sequence sops = seriesItem.getSequence(Tag.ReferencedSOPSequence);
                if (sops == null) {
                    continue;
                }
                for (DataSet ref : sops) {
                    String uid = requireUid(ref, Tag.ReferencedSOPInstanceUID, "evidence instance item");
                    String cls = requireUid(ref, Tag.ReferencedSOPClassUID, "evidence instance item");
                    e.instances.putIfAbsent(uid, cls);
                }
            }
        }
        return out;
    }

    private static String requireUid(DataSet item, int tag, String where) {
        String uid = item.getString(tag);
        if (uid == null || !Uid.isValid(uid.trim())) {
            throw new KosMappingException(where + " has no valid " + Tag.toString(tag) + ": " + uid);
        }
        return uid.trim();
    }

    private static RetrieveLocation retrieveLocation(DataSet item) {
        String[] aes = item.getStrings(Tag.RetrieveAETitle);
        String ae = aes.length == 0 || aes[0].isBlank() ? null : aes[0].trim();
        String url = item.getString(Tag.RetrieveURL);
        String base = url == null || url.isBlank() ? null : RetrieveUrls.base(url);
        return ae == null && base == null ? null : new RetrieveLocation(ae, base);
    }

    /**
     * IMAGE, WAVEFORM and COMPOSITE items anywhere in the tree (TID 2010 puts them under the root),
     * with the frames or segments each selects.
     */
    private static void collectReferences(Sequence content, Map<String, InstanceSubset> out, int depth) {
        if (content == null || depth > 64) {
            return;
        }
        for (DataSet item : content) {
            String type = item.getString(Tag.ValueType, "");
            if (type.equals("IMAGE") || type.equals("WAVEFORM") || type.equals("COMPOSITE")) {
                Sequence refs = item.getSequence(Tag.ReferencedSOPSequence);
                if (refs == null || refs.isEmpty()) {
                    throw new KosMappingException(type + " content item without Referenced SOP Sequence");
                }
                for (DataSet ref : refs) {
                    out.merge(requireUid(ref, Tag.ReferencedSOPInstanceUID, type + " content item"),
                            InstanceSubset.fromReference(ref), InstanceSubset::union);
                }
            }
            collectReferences(item.getSequence(Tag.ContentSequence), out, depth + 1);
        }
    }

    private static Reference patient(DataSet kos, String sopInstanceUid) {
        String id = kos.getString(Tag.PatientID);
        String name = kos.getString(Tag.PatientName);
        String issuer = kos.getString(Tag.IssuerOfPatientID);
        if (id == null && name == null) {
            throw new KosMappingException("KOS " + sopInstanceUid + " has neither Patient ID nor Patient's Name;"
                    + " a manifest needs its patient");
        }
        Reference patient = new Reference();
        String system = patientIdentifierSystem(kos, issuer);
        if (id != null || system != null) {
            Identifier identifier = patient.getIdentifier();
            identifier.setSystem(system);
            identifier.setValue(id);
        }
        if (name != null) {
            patient.setDisplay(name);
        }
        return patient;
    }

    /** An issuer qualified as an ISO OID (C.7.1.1 Universal Entity ID Type "ISO") becomes urn:oid:. */
    private static String patientIdentifierSystem(DataSet kos, String issuer) {
        DataSet q = kos.getItem(KosTags.IssuerOfPatientIDQualifiersSequence, 0);
        if (q != null && "ISO".equals(q.getString(KosTags.UniversalEntityIDType))) {
            String uei = q.getString(KosTags.UniversalEntityID);
            if (uei != null && Uid.isValid(uei.trim()) && (issuer == null || issuer.equals(uei.trim()))) {
                return Oids.toUrn(uei.trim());
            }
        }
        return issuer;
    }

    private static ContentDateTime contentDateTime(DataSet kos) {
        ContentDateTime c = ContentDateTime.fromDicom(kos.getString(Tag.ContentDate), kos.getString(Tag.ContentTime),
                kos.getString(Tag.TimezoneOffsetFromUTC));
        if (c == null) {
            // STU3's mapping names Observation DateTime (0040,A032)
            c = ContentDateTime.fromDicomDateTime(kos.getString(Tag.ObservationDateTime));
        }
        return c;
    }

    /** The first observer of the TID 1002 context: its items are HAS OBS CONTEXT children of the root. */
    private static Reference author(Sequence content) {
        if (content == null) {
            return null;
        }
        Reference author = null;
        boolean device = false;
        for (DataSet item : content) {
            if (!"HAS OBS CONTEXT".equals(item.getString(Tag.RelationshipType))) {
                continue;
            }
            DicomCode concept = DicomCode.fromSequence(item, Tag.ConceptNameCodeSequence);
            if (concept == null) {
                continue;
            }
            if (concept.sameCode(KosCodes.OBSERVER_TYPE)) {
                if (author != null && !author.isEmpty()) {
                    break; // a second observer begins; STU3 has one author
                }
                device = KosCodes.DEVICE.sameCode(DicomCode.fromSequence(item, Tag.ConceptCodeSequence));
                author = new Reference();
            } else if (concept.sameCode(KosCodes.PERSON_OBSERVER_NAME) && !device) {
                if (author == null) {
                    author = new Reference();
                } else if (author.hasDisplay()) {
                    break;
                }
                String name = item.getString(Tag.PersonName);
                if (name != null) {
                    author.setDisplay(name);
                }
            } else if (concept.sameCode(KosCodes.PERSON_OBSERVER_ORGANIZATION) && author != null && !device) {
                String org = item.getString(Tag.TextValue);
                if (org != null) {
                    author.addExtension(ManifestExtensions.OBSERVER_ORGANIZATION, new StringType(org));
                }
            } else if (concept.sameCode(KosCodes.DEVICE_OBSERVER_UID) && device) {
                String uid = item.getString(Tag.UID);
                if (uid != null && Uid.isValid(uid.trim())) {
                    author.setIdentifier(new Identifier().setSystem(Oids.DICOM_UID_SYSTEM)
                            .setValue(Oids.toUrn(uid.trim())));
                }
            } else if (concept.sameCode(KosCodes.DEVICE_OBSERVER_NAME) && device) {
                String name = item.getString(Tag.TextValue);
                if (name != null) {
                    author.setDisplay(name);
                }
            }
        }
        return author == null || author.isEmpty() ? null : author;
    }

    /** TID 2010 row 3: the Key Object Description; several are joined by line breaks. */
    private static String description(Sequence content) {
        if (content == null) {
            return null;
        }
        List<String> texts = new ArrayList<>();
        for (DataSet item : content) {
            if ("TEXT".equals(item.getString(Tag.ValueType))
                    && KosCodes.KEY_OBJECT_DESCRIPTION.sameCode(DicomCode.fromSequence(item, Tag.ConceptNameCodeSequence))) {
                String text = item.getString(Tag.TextValue);
                if (text != null) {
                    texts.add(text);
                }
            }
        }
        return texts.isEmpty() ? null : String.join("\n", texts);
    }

    private static void writeStudies(ImagingManifest m, Map<String, Map<String, SeriesEvidence>> evidence,
            Map<String, InstanceSubset> selected) {
        Map<RetrieveLocation, Reference> endpoints = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, SeriesEvidence>> study : evidence.entrySet()) {
            List<Map.Entry<String, SeriesEvidence>> chosen = new ArrayList<>();
            for (Map.Entry<String, SeriesEvidence> s : study.getValue().entrySet()) {
                if (s.getValue().instances.keySet().stream().anyMatch(selected::containsKey)) {
                    chosen.add(s);
                }
            }
            if (chosen.isEmpty()) {
                continue;
            }
            ImagingManifest.StudyComponent sc = m.addStudy().setUid(Oids.toUrn(study.getKey()));
            // One location shared by every series is said once, at study level.
            RetrieveLocation shared = chosen.get(0).getValue().location;
            boolean allSame = chosen.stream().allMatch(s -> Objects.equals(s.getValue().location, shared));
            if (allSame && shared != null) {
                sc.addEndpoint(endpointFor(m, endpoints, shared));
            }
            for (Map.Entry<String, SeriesEvidence> s : chosen) {
                ImagingManifest.SeriesComponent series = sc.addSeries().setUid(Oids.toUrn(s.getKey()));
                if (!allSame && s.getValue().location != null) {
                    series.addEndpoint(endpointFor(m, endpoints, s.getValue().location));
                }
                s.getValue().instances.forEach((uid, cls) -> {
                    InstanceSubset subset = selected.get(uid);
                    if (subset != null) {
                        subset.writeTo(series.addInstance().setSopClass(Oids.toUrn(cls)).setUid(Oids.toUrn(uid)));
                    }
                });
            }
        }
    }

    private static Reference endpointFor(ImagingManifest m, Map<RetrieveLocation, Reference> known,
            RetrieveLocation location) {
        Reference existing = known.get(location);
        if (existing != null) {
            return new Reference(existing.getReference());
        }
        String id = "ep" + (known.size() + 1);
        Endpoint e = new Endpoint();
        e.setId(id);
        e.setStatus(Endpoint.EndpointStatus.ACTIVE);
        if (location.dicomwebUrl() != null) {
            e.setConnectionType(new Coding(ManifestParts.CONNECTION_TYPE_SYSTEM, ManifestParts.DICOM_WADO_RS,
                    "DICOM WADO-RS"));
            e.setAddress(location.dicomwebUrl());
        } else {
            e.setConnectionType(new Coding(DIMSE_CONNECTION_SYSTEM, DIMSE_CONNECTION_CODE, "DICOM DIMSE"));
            e.setAddress("urn:dicom:ae:" + URLEncoder.encode(location.aeTitle(), StandardCharsets.UTF_8)
                    .replace("+", "%20"));
        }
        if (location.aeTitle() != null) {
            e.addExtension(ManifestExtensions.RETRIEVE_AE_TITLE, new StringType(location.aeTitle()));
        }
        // STU3 Endpoint.payloadType is 1..*: the endpoint serves DICOM studies
        e.addPayloadType(new CodeableConcept().addCoding(STUDY_PAYLOAD.toCoding()));
        e.addPayloadMimeType("application/dicom");
        m.addContained(e);
        Reference ref = new Reference("#" + id);
        known.put(location, ref);
        return new Reference("#" + id);
    }
}
