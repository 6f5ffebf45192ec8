package com.imagingmanifest.kos;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.hl7.fhir.dstu3.model.PositiveIntType;
import org.hl7.fhir.r5.model.Coding;
import org.hl7.fhir.r5.model.DateTimeType;
import org.hl7.fhir.r5.model.Endpoint;
import org.hl7.fhir.r5.model.Extension;
import org.hl7.fhir.r5.model.ImagingSelection;
import org.hl7.fhir.r5.model.Reference;
import org.hl7.fhir.r5.model.Resource;
import org.hl7.fhir.r5.model.StringType;

/**
 * R5 to STU3: the manifest an {@code ImagingSelection} stands for ({@link ImagingSelections}), with a
 * problem for every element a KOS cannot carry.
 */
final class SelectionToManifest {
    private static final String ROOT = "ImagingSelection";

    private SelectionToManifest() {
    }

    /**
     * The manifest an ImagingSelection stands for.
     *
     * @throws ManifestValidationException naming every element a KOS cannot carry, or a shape that is
     *                                     not one this gateway serves (docs/mapping.md)
     */
    static ImagingManifest toManifest(ImagingSelection selection) {
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
            m.setIdentifier(Stu3R5.stu3(selection.getIdentifierFirstRep()));
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
            m.setPatient(Stu3R5.stu3(Stu3R5.assignerAsIssuer(selection.getSubject().copy())));
        }
        if (selection.hasIssued()) {
            m.setAuthoringTimeElement(new org.hl7.fhir.dstu3.model.DateTimeType(
                    selection.getIssuedElement().getValueAsString()));
        }
        for (Extension x : selection.getExtension()) {
            if (ImagingSelections.CONTENT_DATE_TIME_EXTENSION.equals(x.getUrl()) && x.getValue() instanceof DateTimeType d
                    && !selection.hasIssued()) {
                m.setAuthoringTimeElement(new org.hl7.fhir.dstu3.model.DateTimeType(d.getValueAsString()));
            } else if (ImagingSelections.DESCRIPTION_EXTENSION.equals(x.getUrl()) && x.getValue() instanceof StringType s) {
                m.setDescription(s.getValue());
            } else {
                problems.add(new ManifestProblem(ROOT + ".extension", "unknown extension " + x.getUrl()
                        + "; a KOS carries " + ImagingSelections.DESCRIPTION_EXTENSION + " and " + ImagingSelections.CONTENT_DATE_TIME_EXTENSION));
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
                m.setAuthor(Stu3R5.stu3(p.getActor()));
            }
        }
        Map<String, ImagingSelection> parts = new LinkedHashMap<>();
        for (int i = 0; i < selection.getContained().size(); i++) {
            Resource r = selection.getContained().get(i);
            String id = Stu3R5.localId(r.getId());
            if (r instanceof Endpoint e) {
                m.addContained(Stu3R5.endpoint(e));
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
        part.getEndpoint().forEach(e -> series.addEndpoint(Stu3R5.stu3(e)));
        if (!part.hasInstance()) {
            problems.add(new ManifestProblem(root + ".instance", "a KOS selects at least one instance"));
        }
        for (int k = 0; k < part.getInstance().size(); k++) {
            ImagingSelection.ImagingSelectionInstanceComponent in = part.getInstance().get(k);
            String location = root + ".instance[" + k + "]";
            ImagingManifest.InstanceComponent out = series.addInstance().setUid(Oids.PREFIX + ImagingSelections.bareUid(in.getUid()));
            if (in.hasSopClass()) {
                out.setSopClass(Oids.PREFIX + ImagingSelections.bareUid(in.getSopClass().getCode()));
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
            boolean segments = InstanceSubset.isSegmentation(ImagingSelections.bareUid(out.getSopClass()));
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
        study.setImagingStudy(Stu3R5.stu3(ref));
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
}
