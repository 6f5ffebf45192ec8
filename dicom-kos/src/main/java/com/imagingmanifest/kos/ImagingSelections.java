package com.imagingmanifest.kos;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.hl7.fhir.dstu3.model.PositiveIntType;
import org.hl7.fhir.r5.model.CodeableConcept;
import org.hl7.fhir.r5.model.Coding;
import org.hl7.fhir.r5.model.DateTimeType;
import org.hl7.fhir.r5.model.Endpoint;
import org.hl7.fhir.r5.model.Extension;
import org.hl7.fhir.r5.model.Identifier;
import org.hl7.fhir.r5.model.ImagingSelection;
import org.hl7.fhir.r5.model.InstantType;
import org.hl7.fhir.r5.model.Narrative;
import org.hl7.fhir.r5.model.Reference;
import org.hl7.fhir.r5.model.Resource;
import org.hl7.fhir.r5.model.StringType;

/**
 * The R5 {@code ImagingSelection} view of an STU3 {@code ImagingManifest}, and back (docs/mapping.md,
 * "R5 ImagingSelection"). The manifest stays the gateway's internal form of a KOS; this class only
 * reshapes it. An R5 selection covers one series: a manifest of one series is one flat selection, a
 * manifest of several series is a selection with the same id that holds the common parts and a
 * {@code focus} on one contained selection per series. What R5 can say and a KOS cannot is refused
 * with a problem naming the element, never dropped.
 */
public final class ImagingSelections {
    /** On ImagingSelection: the Key Object Description (TID 2010), valueString; R5 has no element for it. */
    public static final String DESCRIPTION_EXTENSION =
            "http://imagingmanifest.com/fhir/StructureDefinition/kos-description";
    /**
     * On ImagingSelection: Content Date/Time when it is less precise than an instant (R5 {@code issued}
     * needs seconds and a zone), valueDateTime.
     */
    public static final String CONTENT_DATE_TIME_EXTENSION =
            "http://imagingmanifest.com/fhir/StructureDefinition/content-date-time";
    /** Coding system of {@code instance.sopClass}: the SOP Class UID as a URI (urn:oid:), RFC 3986. */
    public static final String SOP_CLASS_SYSTEM = "urn:ietf:rfc:3986";
    static final String SERIES_ID_PREFIX = "series-";

    private static final String ROOT = "ImagingSelection";
    private static final ca.uhn.fhir.context.FhirContext R5 = ca.uhn.fhir.context.FhirContext.forR5Cached();

    private ImagingSelections() {
    }

    // ---------------------------------------------------------------- STU3 -> R5

    /** The selection of {@code manifest}: same id and meta; contained per-series selections for several series. */
    public static ImagingSelection toSelection(ImagingManifest manifest) {
        ImagingSelection selection = new ImagingSelection();
        if (manifest.getIdElement().hasIdPart()) {
            selection.setId(manifest.getIdElement().getIdPart());
        }
        if (manifest.getMeta().hasVersionId()) {
            selection.getMeta().setVersionId(manifest.getMeta().getVersionId());
        }
        if (manifest.getMeta().hasLastUpdated()) {
            selection.getMeta().setLastUpdated(manifest.getMeta().getLastUpdated());
        }
        if (manifest.hasText() && manifest.getText().hasDiv()) {
            selection.setText(new Narrative().setStatus(Narrative.NarrativeStatus.fromCode(
                    manifest.getText().getStatus() == null ? "generated" : manifest.getText().getStatus().toCode()))
                    .setDiv(manifest.getText().getDiv()));
        }
        if (manifest.hasIdentifier()) {
            selection.addIdentifier(r5(manifest.getIdentifier()));
        }
        selection.setStatus(ImagingSelection.ImagingSelectionStatus.AVAILABLE);
        CodeableConcept code = title(manifest);
        selection.setCode(code);
        Reference subject = manifest.hasPatient() ? issuerAsAssigner(r5(manifest.getPatient())) : null;
        selection.setSubject(subject);
        if (manifest.hasAuthoringTime()) {
            org.hl7.fhir.dstu3.model.DateTimeType time = manifest.getAuthoringTimeElement();
            if (time.getPrecision().ordinal() >= ca.uhn.fhir.model.api.TemporalPrecisionEnum.SECOND.ordinal()
                    && time.getTimeZone() != null) {
                selection.setIssuedElement(new InstantType(time.getValueAsString()));
            } else {
                selection.addExtension(CONTENT_DATE_TIME_EXTENSION, new DateTimeType(time.getValueAsString()));
            }
        }
        if (manifest.hasAuthor()) {
            selection.addPerformer().setActor(r5(manifest.getAuthor()));
        }
        if (manifest.hasDescription()) {
            selection.addExtension(DESCRIPTION_EXTENSION, new StringType(manifest.getDescription()));
        }
        for (org.hl7.fhir.dstu3.model.Resource contained : manifest.getContained()) {
            if (contained instanceof org.hl7.fhir.dstu3.model.Endpoint e) {
                selection.addContained(endpoint(e));
            }
        }
        List<ImagingManifest.StudyComponent> studies = manifest.getStudy();
        int seriesCount = studies.stream().mapToInt(s -> s.getSeries().size()).sum();
        if (seriesCount == 1) {
            ImagingManifest.StudyComponent study = studies.stream().filter(s -> s.hasSeries()).findFirst().get();
            fillSeries(selection, study, study.getSeriesFirstRep());
            return selection;
        }
        String commonStudy = studies.size() == 1 ? studies.get(0).getUid() : null;
        if (commonStudy != null) {
            selection.setStudyUid(bareUid(commonStudy));
        }
        int n = 0;
        for (ImagingManifest.StudyComponent study : studies) {
            if (study.hasImagingStudy()) {
                selection.addDerivedFrom(r5(study.getImagingStudy()));
            }
            for (ImagingManifest.SeriesComponent series : study.getSeries()) {
                ImagingSelection part = new ImagingSelection();
                part.setId(SERIES_ID_PREFIX + (++n));
                part.setStatus(ImagingSelection.ImagingSelectionStatus.AVAILABLE);
                part.setCode(code.copy());
                if (subject != null) {
                    part.setSubject(subject.copy());
                }
                fillSeries(part, study, series);
                selection.addContained(part);
                selection.addFocus(new Reference("#" + part.getId()));
            }
        }
        return selection;
    }

    private static void fillSeries(ImagingSelection target, ImagingManifest.StudyComponent study,
            ImagingManifest.SeriesComponent series) {
        target.setStudyUid(bareUid(study.getUid()));
        if (study.hasImagingStudy()) {
            target.addDerivedFrom(r5(study.getImagingStudy()));
        }
        target.setSeriesUid(bareUid(series.getUid()));
        // R5 has endpoints per selection only: the series' and then the study's (a key-image page, say)
        List<String> seen = new ArrayList<>();
        for (List<org.hl7.fhir.dstu3.model.Reference> refs : List.of(series.getEndpoint(), study.getEndpoint())) {
            for (org.hl7.fhir.dstu3.model.Reference e : refs) {
                if (!seen.contains(e.getReference()) || e.getReference() == null) {
                    seen.add(e.getReference());
                    target.addEndpoint(r5(e));
                }
            }
        }
        for (ImagingManifest.InstanceComponent instance : series.getInstance()) {
            ImagingSelection.ImagingSelectionInstanceComponent out = target.addInstance()
                    .setUid(bareUid(instance.getUid()));
            if (instance.hasSopClass()) {
                out.setSopClass(new Coding(SOP_CLASS_SYSTEM, Oids.PREFIX + bareUid(instance.getSopClass()), null));
            }
            InstanceSubset subset = InstanceSubset.of(instance);
            subset.frames().forEach(f -> out.addSubset(Integer.toString(f)));
            subset.segments().forEach(s -> out.addSubset(Integer.toString(s)));
        }
    }

    private static CodeableConcept title(ImagingManifest manifest) {
        org.hl7.fhir.dstu3.model.Extension x = manifest.getExtensionByUrl(KosTitle.EXTENSION_URL);
        if (x != null && x.getValue() instanceof org.hl7.fhir.dstu3.model.Coding c) {
            return new CodeableConcept(new Coding(c.getSystem(), c.getCode(), c.getDisplay()));
        }
        DicomCode d = KosTitle.OF_INTEREST;
        return new CodeableConcept(new Coding(DicomCode.DCM_SYSTEM, d.value(), d.meaning()));
    }

    private static Endpoint endpoint(org.hl7.fhir.dstu3.model.Endpoint in) {
        Endpoint out = new Endpoint();
        out.setId(localId(in.getId()));
        if (in.hasStatus()) {
            out.setStatus(Endpoint.EndpointStatus.fromCode(in.getStatus().toCode()));
        }
        if (in.hasConnectionType()) {
            org.hl7.fhir.dstu3.model.Coding c = in.getConnectionType();
            out.addConnectionType(new CodeableConcept(new Coding(terminology(c.getSystem(), c.getCode(), true), c.getCode(),
                    c.getDisplay())));
        }
        if (in.hasName()) {
            out.setName(in.getName());
        }
        if (in.hasPayloadType() || in.hasPayloadMimeType()) {
            Endpoint.EndpointPayloadComponent payload = out.addPayload();
            in.getPayloadType().forEach(t -> {
                CodeableConcept type = r5(t);
                type.getCoding().forEach(c -> c.setSystem(terminology(c.getSystem(), null, true)));
                payload.addType(type);
            });
            in.getPayloadMimeType().forEach(m -> payload.addMimeType(m.getValue()));
        }
        out.setAddress(in.getAddress());
        in.getExtension().forEach(x -> {
            if (x.getValue() instanceof org.hl7.fhir.dstu3.model.StringType s) {
                out.addExtension(x.getUrl(), new StringType(s.getValue()));
            }
        });
        return out;
    }

    // ---------------------------------------------------------------- R5 -> STU3

    /**
     * The manifest an ImagingSelection stands for.
     *
     * @throws ManifestValidationException naming every element a KOS cannot carry, or a shape that is
     *                                     not one this gateway serves (docs/mapping.md)
     */
    public static ImagingManifest toManifest(ImagingSelection selection) {
        List<ManifestProblem> problems = new ArrayList<>();
        ImagingManifest m = new ImagingManifest();
        if (selection.getIdElement().hasIdPart()) {
            m.setId(selection.getIdElement().getIdPart());
        }
        if (selection.hasText() && selection.getText().hasDiv()) {
            m.getText().setStatus(org.hl7.fhir.dstu3.model.Narrative.NarrativeStatus.fromCode(
                    selection.getText().getStatus() == null ? "generated" : selection.getText().getStatus().toCode()))
                    .setDiv(selection.getText().getDiv());
        }
        refuseUnmappable(selection, ROOT, problems);
        if (selection.getIdentifier().size() > 1) {
            problems.add(new ManifestProblem(ROOT + ".identifier[1]", "a KOS-backed selection has one identifier"));
        } else if (selection.hasIdentifier()) {
            m.setIdentifier(stu3(selection.getIdentifierFirstRep()));
        }
        if (selection.hasStatus() && selection.getStatus() != ImagingSelection.ImagingSelectionStatus.AVAILABLE) {
            problems.add(new ManifestProblem(ROOT + ".status", "only 'available' can be written; a selection is"
                    + " withdrawn by DELETE, which retires its KOS"));
        }
        if (selection.hasCode()) {
            Coding title = selection.getCode().getCoding().stream()
                    .filter(c -> DicomCode.DCM_SYSTEM.equals(c.getSystem())).findFirst().orElse(null);
            if (title == null) {
                problems.add(new ManifestProblem(ROOT + ".code", "needs a coding of the DCM system ("
                        + DicomCode.DCM_SYSTEM + ") from CID 7010, the KOS document title"));
            } else if (!(KosTitle.OF_INTEREST.value().equals(title.getCode())
                    && KosTitle.OF_INTEREST.meaning().equals(title.getDisplay()))) {
                m.addExtension(KosTitle.EXTENSION_URL,
                        new org.hl7.fhir.dstu3.model.Coding(title.getSystem(), title.getCode(), title.getDisplay()));
            }
        }
        if (selection.hasSubject()) {
            m.setPatient(stu3(assignerAsIssuer(selection.getSubject().copy())));
        }
        if (selection.hasIssued()) {
            m.setAuthoringTimeElement(new org.hl7.fhir.dstu3.model.DateTimeType(
                    selection.getIssuedElement().getValueAsString()));
        }
        for (Extension x : selection.getExtension()) {
            if (CONTENT_DATE_TIME_EXTENSION.equals(x.getUrl()) && x.getValue() instanceof DateTimeType d
                    && !selection.hasIssued()) {
                m.setAuthoringTimeElement(new org.hl7.fhir.dstu3.model.DateTimeType(d.getValueAsString()));
            } else if (DESCRIPTION_EXTENSION.equals(x.getUrl()) && x.getValue() instanceof StringType s) {
                m.setDescription(s.getValue());
            } else {
                problems.add(new ManifestProblem(ROOT + ".extension", "unknown extension " + x.getUrl()
                        + "; a KOS carries " + DESCRIPTION_EXTENSION + " and " + CONTENT_DATE_TIME_EXTENSION));
            }
        }
        for (int i = 0; i < selection.getPerformer().size(); i++) {
            ImagingSelection.ImagingSelectionPerformerComponent p = selection.getPerformer().get(i);
            if (i > 0) {
                problems.add(new ManifestProblem(ROOT + ".performer[" + i + "]",
                        "a KOS names one observer (TID 1002); give one performer"));
            } else if (p.hasFunction()) {
                problems.add(new ManifestProblem(ROOT + ".performer[0].function", "a KOS has no observer function"));
            } else if (p.hasActor()) {
                m.setAuthor(stu3(p.getActor()));
            }
        }
        Map<String, ImagingSelection> parts = new LinkedHashMap<>();
        for (int i = 0; i < selection.getContained().size(); i++) {
            Resource r = selection.getContained().get(i);
            String id = localId(r.getId());
            if (r instanceof Endpoint e) {
                m.addContained(endpoint(e));
            } else if (r instanceof ImagingSelection s) {
                parts.put(id, s);
            } else {
                problems.add(new ManifestProblem(ROOT + ".contained[" + i + "]", "a KOS-backed selection contains"
                        + " only Endpoint and per-series ImagingSelection resources, not " + r.fhirType()));
            }
        }
        if (selection.hasFocus()) {
            if (selection.hasInstance() || selection.hasSeriesUid()) {
                problems.add(new ManifestProblem(ROOT + ".focus", "a selection either lists one series' instances"
                        + " or has a focus on per-series selections, not both"));
            }
            Map<String, ImagingManifest.StudyComponent> studies = new LinkedHashMap<>();
            for (int i = 0; i < selection.getFocus().size(); i++) {
                String location = ROOT + ".focus[" + i + "]";
                String ref = selection.getFocus().get(i).getReference();
                ImagingSelection part = ref != null && ref.startsWith("#") ? parts.remove(ref.substring(1)) : null;
                if (part == null) {
                    problems.add(new ManifestProblem(location, "must reference a contained per-series"
                            + " ImagingSelection (#id), once; found " + ref));
                    continue;
                }
                String partRoot = ROOT + ".contained[" + selection.getContained().indexOf(part) + "]";
                refuseUnmappable(part, partRoot, problems);
                if (part.hasFocus()) {
                    problems.add(new ManifestProblem(partRoot + ".focus", "a per-series selection has no focus"));
                }
                if (part.hasSubject() && selection.hasSubject()
                        && !part.getSubject().equalsDeep(selection.getSubject())) {
                    problems.add(new ManifestProblem(partRoot + ".subject", "differs from the selection's subject"));
                }
                if (part.hasCode() && selection.hasCode() && !part.getCode().equalsDeep(selection.getCode())) {
                    problems.add(new ManifestProblem(partRoot + ".code", "differs from the selection's code (one"
                            + " KOS document title)"));
                }
                if (!part.hasStudyUid()) {
                    problems.add(new ManifestProblem(partRoot + ".studyUid", "required: the study of the series"));
                    continue;
                }
                ImagingManifest.StudyComponent study = studies.computeIfAbsent(part.getStudyUid(),
                        uid -> m.addStudy().setUid(Oids.PREFIX + uid));
                if (selection.hasStudyUid() && !selection.getStudyUid().equals(part.getStudyUid())) {
                    problems.add(new ManifestProblem(partRoot + ".studyUid", "differs from the selection's studyUid"));
                }
                addSeries(part, partRoot, study, problems);
            }
            parts.keySet().forEach(id -> problems.add(new ManifestProblem(ROOT + ".contained",
                    "contained ImagingSelection '" + id + "' is not referenced by focus")));
            if (studies.size() == 1 && selection.hasDerivedFrom()) {
                ImagingManifest.StudyComponent only = m.getStudyFirstRep();
                if (!only.hasImagingStudy()) {
                    derivedFrom(selection, ROOT, only, problems);
                }
            }
        } else {
            if (!parts.isEmpty()) {
                problems.add(new ManifestProblem(ROOT + ".contained", "per-series selections need a focus on them"));
            }
            if (!selection.hasStudyUid()) {
                problems.add(new ManifestProblem(ROOT + ".studyUid", "required: a KOS lives in one study"));
            } else {
                addSeries(selection, ROOT, m.addStudy().setUid(Oids.PREFIX + selection.getStudyUid()), problems);
            }
        }
        if (!problems.isEmpty()) {
            throw new ManifestValidationException(problems);
        }
        return m;
    }

    private static void addSeries(ImagingSelection part, String root, ImagingManifest.StudyComponent study,
            List<ManifestProblem> problems) {
        if (!part.hasSeriesUid()) {
            problems.add(new ManifestProblem(root + ".seriesUid", "required: a KOS selects instances of a series"));
            return;
        }
        if (!study.hasImagingStudy() && part.hasDerivedFrom()) {
            derivedFrom(part, root, study, problems);
        }
        ImagingManifest.SeriesComponent series = study.addSeries().setUid(Oids.PREFIX + part.getSeriesUid());
        part.getEndpoint().forEach(e -> series.addEndpoint(stu3(e)));
        if (!part.hasInstance()) {
            problems.add(new ManifestProblem(root + ".instance", "a KOS selects at least one instance"));
        }
        for (int k = 0; k < part.getInstance().size(); k++) {
            ImagingSelection.ImagingSelectionInstanceComponent in = part.getInstance().get(k);
            String location = root + ".instance[" + k + "]";
            ImagingManifest.InstanceComponent out = series.addInstance().setUid(Oids.PREFIX + bareUid(in.getUid()));
            if (in.hasSopClass()) {
                out.setSopClass(Oids.PREFIX + bareUid(in.getSopClass().getCode()));
            } else {
                problems.add(new ManifestProblem(location + ".sopClass", "required: a KOS references each instance"
                        + " with its SOP Class UID"));
            }
            if (in.hasNumber()) {
                problems.add(new ManifestProblem(location + ".number", "a KOS has no Instance Number"));
            }
            if (in.hasImageRegion2D()) {
                problems.add(new ManifestProblem(location + ".imageRegion2D", "a KOS cannot select an image region"));
            }
            if (in.hasImageRegion3D()) {
                problems.add(new ManifestProblem(location + ".imageRegion3D", "a KOS cannot select an image region"));
            }
            boolean segments = InstanceSubset.isSegmentation(bareUid(out.getSopClass()));
            for (int n = 0; n < in.getSubset().size(); n++) {
                String value = in.getSubset().get(n).getValue();
                int number = value != null && value.matches("[1-9][0-9]{0,8}") ? Integer.parseInt(value) : 0;
                if (number == 0) {
                    problems.add(new ManifestProblem(location + ".subset[" + n + "]", "'" + value + "' is not a "
                            + (segments ? "segment" : "frame") + " number (a positive integer)"));
                    continue;
                }
                out.addExtension(segments ? InstanceSubset.SEGMENT_EXTENSION : InstanceSubset.FRAME_EXTENSION,
                        new PositiveIntType(number));
            }
        }
    }

    private static void derivedFrom(ImagingSelection part, String root, ImagingManifest.StudyComponent study,
            List<ManifestProblem> problems) {
        if (part.getDerivedFrom().size() > 1) {
            problems.add(new ManifestProblem(root + ".derivedFrom[1]", "one ImagingStudy per study"));
            return;
        }
        Reference ref = part.getDerivedFromFirstRep();
        if (ref.hasReference() && !ref.getReference().startsWith("ImagingStudy/")
                && !ref.getReference().contains("/ImagingStudy/")) {
            problems.add(new ManifestProblem(root + ".derivedFrom[0]", "only an ImagingStudy can be kept beside a"
                    + " KOS, not " + ref.getReference()));
            return;
        }
        study.setImagingStudy(stu3(ref));
    }

    /** Elements R5 has and a KOS cannot carry: refused, never dropped. */
    private static void refuseUnmappable(ImagingSelection s, String root, List<ManifestProblem> problems) {
        if (s.hasBodySite()) {
            problems.add(new ManifestProblem(root + ".bodySite", "a KOS has no body site"));
        }
        if (s.hasBasedOn()) {
            problems.add(new ManifestProblem(root + ".basedOn", "a KOS has no order reference the gateway keeps"));
        }
        if (s.hasCategory()) {
            problems.add(new ManifestProblem(root + ".category", "a KOS has no category beside its title (code)"));
        }
        if (s.hasSeriesNumber()) {
            problems.add(new ManifestProblem(root + ".seriesNumber", "the KOS references series by UID only"));
        }
        if (s.hasFrameOfReferenceUid()) {
            problems.add(new ManifestProblem(root + ".frameOfReferenceUid", "a KOS has no frame of reference"));
        }
        if (s.hasModifierExtension()) {
            problems.add(new ManifestProblem(root + ".modifierExtension", "no modifier extension is understood"));
        }
        if (s != null && !root.equals(ROOT)) {
            if (s.hasExtension()) {
                problems.add(new ManifestProblem(root + ".extension", "a per-series selection has no extensions"));
            }
            if (s.hasPerformer() || s.hasIssued() || s.hasIdentifier()) {
                problems.add(new ManifestProblem(root, "performer, issued and identifier belong on the selection"
                        + " that has the focus"));
            }
        }
    }

    private static org.hl7.fhir.dstu3.model.Endpoint endpoint(Endpoint in) {
        org.hl7.fhir.dstu3.model.Endpoint out = new org.hl7.fhir.dstu3.model.Endpoint();
        out.setId(localId(in.getId()));
        if (in.hasStatus()) {
            out.setStatus(org.hl7.fhir.dstu3.model.Endpoint.EndpointStatus.fromCode(in.getStatus().toCode()));
        }
        if (in.hasConnectionType() && in.getConnectionTypeFirstRep().hasCoding()) {
            Coding c = in.getConnectionTypeFirstRep().getCodingFirstRep();
            out.setConnectionType(new org.hl7.fhir.dstu3.model.Coding(terminology(c.getSystem(), c.getCode(), false), c.getCode(),
                    c.getDisplay()));
        }
        if (in.hasName()) {
            out.setName(in.getName());
        }
        for (Endpoint.EndpointPayloadComponent payload : in.getPayload()) {
            payload.getType().forEach(t -> {
                org.hl7.fhir.dstu3.model.CodeableConcept type = stu3(t);
                type.getCoding().forEach(c -> c.setSystem(terminology(c.getSystem(), null, false)));
                out.addPayloadType(type);
            });
            payload.getMimeType().forEach(mt -> out.addPayloadMimeType(mt.getValue()));
        }
        out.setAddress(in.getAddress());
        in.getExtension().forEach(x -> {
            if (x.getValue() instanceof StringType s) {
                out.addExtension(x.getUrl(), new org.hl7.fhir.dstu3.model.StringType(s.getValue()));
            }
        });
        return out;
    }

    /**
     * A datatype of the same shape in both versions (Reference, Identifier, CodeableConcept), moved
     * across through FHIR JSON as the value of a Parameters parameter, which both versions allow: its
     * extensions and every element come along without a field-by-field copy.
     */
    @SuppressWarnings("unchecked")
    private static <T extends org.hl7.fhir.r5.model.DataType> T r5(org.hl7.fhir.dstu3.model.Type in) {
        org.hl7.fhir.dstu3.model.Parameters p = new org.hl7.fhir.dstu3.model.Parameters();
        p.addParameter().setName("v").setValue(in);
        String json = ManifestJson.context().newJsonParser().encodeResourceToString(p);
        return (T) R5.newJsonParser().parseResource(org.hl7.fhir.r5.model.Parameters.class, json)
                .getParameterFirstRep().getValue();
    }

    @SuppressWarnings("unchecked")
    private static <T extends org.hl7.fhir.dstu3.model.Type> T stu3(org.hl7.fhir.r5.model.DataType in) {
        org.hl7.fhir.r5.model.Parameters p = new org.hl7.fhir.r5.model.Parameters();
        p.addParameter().setName("v").setValue(in);
        String json = R5.newJsonParser().encodeResourceToString(p);
        return (T) ManifestJson.context().newJsonParser().parseResource(org.hl7.fhir.dstu3.model.Parameters.class,
                json).getParameterFirstRep().getValue();
    }

    /**
     * An Issuer of Patient ID (0010,0021) that is not a URI ("HOSPITAL-A") is the STU3 identifier's
     * system as the KOS gave it; R5 requires an absolute system, so there it is the identifier's
     * assigner (the authority that issued the id, which is what the DICOM attribute names).
     */
    private static Reference issuerAsAssigner(Reference subject) {
        Identifier id = subject.getIdentifier();
        if (id != null && id.hasSystem() && !java.net.URI.create(safeUri(id.getSystem())).isAbsolute()) {
            id.setAssigner(new Reference().setDisplay(id.getSystem()));
            id.setSystem(null);
        }
        return subject;
    }

    private static Reference assignerAsIssuer(Reference subject) {
        Identifier id = subject.getIdentifier();
        if (id != null && !id.hasSystem() && id.hasAssigner() && id.getAssigner().hasDisplay()
                && !id.getAssigner().hasReference() && !id.getAssigner().hasIdentifier()) {
            id.setSystem(id.getAssigner().getDisplay());
            id.setAssigner(null);
        }
        return subject;
    }

    private static String safeUri(String value) {
        try {
            return java.net.URI.create(value).toString();
        } catch (IllegalArgumentException e) {
            return "relative"; // not a URI at all: treated as a name
        }
    }

    /**
     * Endpoint code systems moved to terminology.hl7.org after STU3 ({@code http://hl7.org/fhir/X} became
     * {@code http://terminology.hl7.org/CodeSystem/X}); other systems are kept.
     */
    private static String terminology(String system, String code, boolean toR5) {
        String stu3 = "http://hl7.org/fhir/";
        String r5 = "http://terminology.hl7.org/CodeSystem/";
        for (String name : List.of("endpoint-connection-type", "endpoint-payload-type")) {
            if (code != null && name.equals("endpoint-connection-type") && !code.startsWith("dicom-")) {
                continue; // ihe-iid and the like are not in terminology.hl7.org's code system: kept as written
            }
            if (toR5 && (stu3 + name).equals(system)) {
                return r5 + name;
            }
            if (!toR5 && (r5 + name).equals(system)) {
                return stu3 + name;
            }
        }
        return system;
    }

    static String bareUid(String uid) {
        return uid == null ? null : uid.startsWith(Oids.PREFIX) ? uid.substring(Oids.PREFIX.length()) : uid;
    }

    private static String localId(String id) {
        return id == null ? null : id.startsWith("#") ? id.substring(1) : id;
    }
}
