package com.imagingmanifest.kos;

import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.hl7.fhir.r5.model.CodeableConcept;
import org.hl7.fhir.r5.model.Coding;
import org.hl7.fhir.r5.model.DateTimeType;
import org.hl7.fhir.r5.model.ImagingSelection;
import org.hl7.fhir.r5.model.InstantType;
import org.hl7.fhir.r5.model.Narrative;
import org.hl7.fhir.r5.model.Reference;
import org.hl7.fhir.r5.model.StringType;

/** STU3 to R5: the {@code ImagingSelection} view of a manifest ({@link ImagingSelections}). */
final class ManifestToSelection {
    private ManifestToSelection() {
    }

    /** The selection of {@code manifest}: same id and meta; contained per-series selections for several series. */
    static ImagingSelection toSelection(ImagingManifest manifest) {
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
            selection.addIdentifier(Stu3R5.r5(manifest.getIdentifier()));
        }
        selection.setStatus(ImagingSelection.ImagingSelectionStatus.AVAILABLE);
        CodeableConcept code = title(manifest);
        selection.setCode(code);
        Reference subject = manifest.hasPatient() ? Stu3R5.issuerAsAssigner(Stu3R5.r5(manifest.getPatient())) : null;
        selection.setSubject(subject);
        if (manifest.hasAuthoringTime()) {
            org.hl7.fhir.dstu3.model.DateTimeType time = manifest.getAuthoringTimeElement();
            if (time.getPrecision().ordinal() >= ca.uhn.fhir.model.api.TemporalPrecisionEnum.SECOND.ordinal()
                    && time.getTimeZone() != null) {
                selection.setIssuedElement(new InstantType(time.getValueAsString()));
            } else {
                selection.addExtension(ImagingSelections.CONTENT_DATE_TIME_EXTENSION, new DateTimeType(time.getValueAsString()));
            }
        }
        if (manifest.hasAuthor()) {
            selection.addPerformer().setActor(Stu3R5.r5(manifest.getAuthor()));
        }
        if (manifest.hasDescription()) {
            selection.addExtension(ImagingSelections.DESCRIPTION_EXTENSION, new StringType(manifest.getDescription()));
        }
        for (org.hl7.fhir.dstu3.model.Resource contained : manifest.getContained()) {
            if (contained instanceof org.hl7.fhir.dstu3.model.Endpoint e) {
                selection.addContained(Stu3R5.endpoint(e));
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
            selection.setStudyUid(ImagingSelections.bareUid(commonStudy));
        }
        int n = 0;
        for (ImagingManifest.StudyComponent study : studies) {
            if (study.hasImagingStudy()) {
                selection.addDerivedFrom(Stu3R5.r5(study.getImagingStudy()));
            }
            for (ImagingManifest.SeriesComponent series : study.getSeries()) {
                ImagingSelection part = new ImagingSelection();
                part.setId(ImagingSelections.SERIES_ID_PREFIX + (++n));
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
        target.setStudyUid(ImagingSelections.bareUid(study.getUid()));
        if (study.hasImagingStudy()) {
            target.addDerivedFrom(Stu3R5.r5(study.getImagingStudy()));
        }
        target.setSeriesUid(ImagingSelections.bareUid(series.getUid()));
        // R5 has endpoints per selection only: the series' and then the study's (a key-image page, say)
        List<String> seen = new ArrayList<>();
        for (List<org.hl7.fhir.dstu3.model.Reference> refs : List.of(series.getEndpoint(), study.getEndpoint())) {
            for (org.hl7.fhir.dstu3.model.Reference e : refs) {
                if (!seen.contains(e.getReference()) || e.getReference() == null) {
                    seen.add(e.getReference());
                    target.addEndpoint(Stu3R5.r5(e));
                }
            }
        }
        for (ImagingManifest.InstanceComponent instance : series.getInstance()) {
            ImagingSelection.ImagingSelectionInstanceComponent out = target.addInstance()
                    .setUid(ImagingSelections.bareUid(instance.getUid()));
            if (instance.hasSopClass()) {
                out.setSopClass(new Coding(ImagingSelections.SOP_CLASS_SYSTEM, Oids.PREFIX + ImagingSelections.bareUid(instance.getSopClass()), null));
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
}
