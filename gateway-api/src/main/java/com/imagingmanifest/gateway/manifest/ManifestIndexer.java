package com.imagingmanifest.gateway.manifest;

import ca.uhn.fhir.model.api.TemporalPrecisionEnum;
import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.gateway.store.IndexEntries;
import com.imagingmanifest.kos.InstanceSubset;
import com.imagingmanifest.gateway.store.IndexEntries.Reference;
import com.imagingmanifest.gateway.store.IndexEntries.Token;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.dstu3.model.DateTimeType;
import org.hl7.fhir.dstu3.model.IdType;
import org.hl7.fhir.dstu3.model.Identifier;
import org.hl7.fhir.dstu3.model.ImagingManifest;

/** The search index rows of a manifest version (the search index of docs/architecture.md §7). */
public final class ManifestIndexer {
    /** System of the identifier that carries a KOS SOP Instance UID (FHIR STU3 ImagingManifest mapping). */
    public static final String DICOM_UID_SYSTEM = "urn:dicom:uid";

    private ManifestIndexer() {
    }

    /**
     * @param kosSopInstanceUids the KOS that back this version: each is findable as identifier
     *     {@code urn:dicom:uid|urn:oid:<uid>}, whatever identifier the manifest itself carries
     */
    public static IndexEntries index(ImagingManifest manifest, Collection<DataSet> studyContexts,
            Collection<String> kosSopInstanceUids) {
        Set<Token> tokens = new LinkedHashSet<>();
        Set<Reference> references = new LinkedHashSet<>();
        Identifier identifier = manifest.getIdentifier();
        if (identifier != null && identifier.hasValue()) {
            tokens.add(new Token("identifier", nonNull(identifier.getSystem()), identifier.getValue()));
        }
        for (String uid : kosSopInstanceUids) {
            tokens.add(new Token("identifier", DICOM_UID_SYSTEM, "urn:oid:" + uid));
        }
        reference(references, "patient", manifest.getPatient());
        if (manifest.getPatient().hasIdentifier() && manifest.getPatient().getIdentifier().hasValue()) {
            Identifier pid = manifest.getPatient().getIdentifier();
            tokens.add(new Token("patient.identifier", nonNull(pid.getSystem()), pid.getValue()));
        }
        for (DataSet context : studyContexts) {
            // PACS-side identity: Patient ID (0010,0020) qualified by Issuer of Patient ID (0010,0021)
            String patientId = context.getString(Tag.PatientID);
            if (patientId != null && !patientId.isBlank()) {
                tokens.add(new Token("patient.identifier", nonNull(context.getString(Tag.IssuerOfPatientID)),
                        patientId.trim()));
            }
        }
        reference(references, "author", manifest.getAuthor());
        // the KOS document title (CID 7010): R5 ImagingSelection's code, searchable on both bases
        org.hl7.fhir.dstu3.model.Extension title = manifest.getExtensionByUrl(com.imagingmanifest.kos.KosTitle.EXTENSION_URL);
        if (title != null && title.getValue() instanceof org.hl7.fhir.dstu3.model.Coding c && c.hasCode()) {
            tokens.add(new Token("code", nonNull(c.getSystem()), c.getCode()));
        } else {
            tokens.add(new Token("code", com.imagingmanifest.kos.DicomCode.DCM_SYSTEM,
                    com.imagingmanifest.kos.KosTitle.OF_INTEREST.value()));
        }
        for (ImagingManifest.StudyComponent study : manifest.getStudy()) {
            if (study.hasUid()) {
                tokens.add(new Token("selected-study", "", bareUid(study.getUid())));
            }
            reference(references, "imaging-study", study.getImagingStudy());
            study.getEndpoint().forEach(e -> reference(references, "endpoint", e));
            for (ImagingManifest.SeriesComponent series : study.getSeries()) {
                series.getEndpoint().forEach(e -> reference(references, "endpoint", e));
            }
        }
        Long low = null;
        Long high = null;
        if (manifest.hasAuthoringTime()) {
            long[] range = range(manifest.getAuthoringTimeElement());
            low = range[0];
            high = range[1];
        }
        String language = manifest.hasLanguage() ? manifest.getLanguage() : null;
        return new IndexEntries(List.copyOf(tokens), List.copyOf(references), language, low, high,
                selected(manifest));
    }

    /**
     * What the selection-scoped DICOMweb may serve of the manifest: each selected instance, whole, or
     * only its selected frames. Segments are not frames: an instance selected by segments is served
     * whole (its frames are what the segments are made of).
     */
    public static List<IndexEntries.Selected> selected(ImagingManifest manifest) {
        Set<IndexEntries.Selected> rows = new LinkedHashSet<>();
        for (ImagingManifest.StudyComponent study : manifest.getStudy()) {
            for (ImagingManifest.SeriesComponent series : study.getSeries()) {
                for (ImagingManifest.InstanceComponent instance : series.getInstance()) {
                    if (!study.hasUid() || !series.hasUid() || !instance.hasUid()) {
                        continue;
                    }
                    String studyUid = bareUid(study.getUid());
                    String seriesUid = bareUid(series.getUid());
                    String sopUid = bareUid(instance.getUid());
                    List<Integer> frames = InstanceSubset.of(instance).frames();
                    if (frames.isEmpty()) {
                        rows.add(new IndexEntries.Selected(studyUid, seriesUid, sopUid, null));
                    }
                    frames.forEach(f -> rows.add(new IndexEntries.Selected(studyUid, seriesUid, sopUid, f)));
                }
            }
        }
        return List.copyOf(rows);
    }

    /** The first and last millisecond a date-time denotes at its precision (FHIR search 2.1.1.5.7). */
    public static long[] range(DateTimeType time) {
        long low = time.getValue().getTime();
        TemporalPrecisionEnum precision = time.getPrecision();
        if (precision == TemporalPrecisionEnum.MILLI) {
            return new long[] {low, low};
        }
        long high = precision.add(time.getValue(), 1).getTime() - 1;
        return new long[] {low, high};
    }

    /** A Study Instance UID without the {@code urn:oid:} prefix FHIR puts in front of it. */
    public static String bareUid(String uid) {
        return uid.startsWith("urn:oid:") ? uid.substring("urn:oid:".length()) : uid;
    }

    /**
     * Index forms of a literal reference: as written, and {@code Type/id} and {@code id} when it
     * names a resource; contained references ({@code #id}) are not searchable.
     */
    public static List<String> referenceForms(String reference) {
        List<String> forms = new ArrayList<>();
        if (reference == null || reference.isBlank() || reference.startsWith("#")) {
            return forms;
        }
        forms.add(reference);
        IdType id = new IdType(reference);
        if (id.hasResourceType() && id.hasIdPart()) {
            forms.add(id.getResourceType() + "/" + id.getIdPart());
            forms.add(id.getIdPart());
        }
        return forms;
    }

    private static void reference(Set<Reference> into, String param, org.hl7.fhir.dstu3.model.Reference ref) {
        if (ref != null && ref.hasReference()) {
            referenceForms(ref.getReference()).forEach(f -> into.add(new Reference(param, f)));
        }
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }
}
