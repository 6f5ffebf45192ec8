package com.imagingmanifest.kos;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Sequence;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.dicom.data.Vr;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.hl7.fhir.dstu3.model.Reference;

/**
 * Writes an ImagingManifest as Key Object Selection documents (PS3.3 A.35.4, TID 2010), one per
 * selected study. When the manifest selects several studies, the documents are identical copies
 * (each selects every instance of the manifest) placed in each study and linked by the Identical
 * Documents Sequence, as PS3.3 C.17.6.2.2 requires.
 *
 * <p>Patient and General Study attributes come from the study context the caller passes (what the
 * PACS holds for that study); without one, the patient comes from the manifest and the type 2
 * study attributes are left empty. Thread-safe.
 */
public final class ManifestToKos {
    static final String MANUFACTURER = "Imaging Manifest Gateway";
    /** Series Number of the KOS series: high, so that viewers list it after the acquired series. */
    static final int KOS_SERIES_NUMBER = 999;

    // PS3.3 C.7.1.1 Patient and C.7.2.1 General Study (plus Patient Study) attributes taken from the PACS
    private static final int[] STUDY_CONTEXT_TAGS = {
        Tag.StudyDate, Tag.StudyTime, Tag.AccessionNumber, KosTags.IssuerOfAccessionNumberSequence,
        Tag.ReferringPhysicianName, Tag.StudyDescription, KosTags.ProcedureCodeSequence,
        KosTags.PhysiciansOfRecord, KosTags.NameOfPhysiciansReadingStudy, Tag.StudyID,
    };

    private final RetrieveLocation defaultLocation;
    private final Clock clock;

    /** @param defaultLocation the PACS binding's retrieve location, for series without an endpoint; nullable */
    public ManifestToKos(RetrieveLocation defaultLocation) {
        this(defaultLocation, Clock.systemDefaultZone());
    }

    public ManifestToKos(RetrieveLocation defaultLocation, Clock clock) {
        this.defaultLocation = defaultLocation;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** One KOS per study, with new SOP Instance UIDs and new KOS Series Instance UIDs. */
    public List<KosDocument> translate(ImagingManifest manifest, Map<String, DataSet> studyContexts) {
        return translate(manifest, studyContexts, null, null);
    }

    /** As {@link #translate(ImagingManifest, Map)} with the SOP Instance UIDs to use, one per study in order. */
    public List<KosDocument> translate(ImagingManifest manifest, Map<String, DataSet> studyContexts,
            List<String> sopInstanceUids) {
        return translate(manifest, studyContexts, sopInstanceUids, null);
    }

    /**
     * One KOS per study of the manifest, in the manifest's study order.
     *
     * @param studyContexts      Study Instance UID to the Patient and General Study attributes the PACS
     *                           holds; may be empty or lack a study
     * @param sopInstanceUids    the SOP Instance UIDs to use, one per study; null for new UIDs
     * @param seriesInstanceUids the KOS Series Instance UIDs to use, one per study; null for new UIDs
     * @throws ManifestValidationException when the manifest cannot be written, including a patient
     *                                     that contradicts the one the PACS holds for a study
     */
    public List<KosDocument> translate(ImagingManifest manifest, Map<String, DataSet> studyContexts,
            List<String> sopInstanceUids, List<String> seriesInstanceUids) {
        Map<String, DataSet> contexts = studyContexts == null ? Collections.emptyMap() : studyContexts;
        List<ManifestProblem> problems = new ArrayList<>(ManifestValidator.validate(manifest));
        if (problems.isEmpty()) {
            problems.addAll(patientConflicts(manifest, contexts));
        }
        if (!problems.isEmpty()) {
            throw new ManifestValidationException(problems);
        }
        int n = manifest.getStudy().size();
        List<String> sops = uidsOrNew(sopInstanceUids, n, "sopInstanceUids");
        List<String> series = uidsOrNew(seriesInstanceUids, n, "seriesInstanceUids");

        ContentDateTime content = manifest.hasAuthoringTimeElement()
                ? ContentDateTime.fromFhir(manifest.getAuthoringTimeElement().getValueAsString())
                : null;
        ContentDateTime created = ContentDateTime.now(clock,
                content != null ? content.offset() : currentOffset());
        if (content == null) {
            content = created;
        }
        DataSet shared = sharedContent(manifest, content, created);
        List<KosDocument> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String studyUid = Oids.fromUrn(manifest.getStudy().get(i).getUid());
            DataSet ds = new DataSet(shared);
            ds.setString(Tag.SOPInstanceUID, Vr.UI, sops.get(i));
            ds.setString(Tag.StudyInstanceUID, Vr.UI, studyUid);
            ds.setString(Tag.SeriesInstanceUID, Vr.UI, series.get(i));
            writePatientAndStudy(ds, manifest.getPatient(), contexts.get(studyUid));
            if (n > 1) {
                writeIdenticalDocuments(ds, manifest, i, sops, series);
            }
            if (containsNonAscii(ds)) {
                // PS3.3 C.12.1.1.2: ISO_IR 192 is UTF-8
                ds.setString(Tag.SpecificCharacterSet, Vr.CS, "ISO_IR 192");
            }
            out.add(new KosDocument(sops.get(i), studyUid, series.get(i), ds));
        }
        return List.copyOf(out);
    }

    private String currentOffset() {
        int seconds = ZonedDateTime.now(clock).getOffset().getTotalSeconds();
        int minutes = Math.abs(seconds) / 60;
        return String.format("%s%02d%02d", seconds < 0 ? "-" : "+", minutes / 60, minutes % 60);
    }

    private static List<String> uidsOrNew(List<String> given, int n, String name) {
        if (given == null) {
            List<String> fresh = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                fresh.add(Uid.generate());
            }
            return fresh;
        }
        if (given.size() != n) {
            throw new IllegalArgumentException(name + " has " + given.size() + " UIDs for " + n + " studies");
        }
        List<String> out = new ArrayList<>(n);
        for (String uid : given) {
            if (uid == null) {
                out.add(Uid.generate());
            } else if (!Uid.isValid(uid)) {
                throw new IllegalArgumentException(name + ": '" + uid + "' is not a valid UID");
            } else {
                out.add(uid);
            }
        }
        return out;
    }

    /** The manifest's patient must be the one the PACS holds for each selected study. */
    static List<ManifestProblem> patientConflicts(ImagingManifest manifest, Map<String, DataSet> contexts) {
        List<ManifestProblem> problems = new ArrayList<>();
        Reference patient = manifest.getPatient();
        String id = patient.hasIdentifier() && patient.getIdentifier().hasValue()
                ? patient.getIdentifier().getValue() : null;
        String issuer = ManifestParts.issuerOfPatientId(patient);
        String firstStudy = null;
        String firstId = null;
        for (int i = 0; i < manifest.getStudy().size(); i++) {
            String studyUid = Oids.fromUrn(manifest.getStudy().get(i).getUid());
            DataSet ctx = contexts.get(studyUid);
            if (ctx == null) {
                continue;
            }
            // Patient ID is Type 2: present and empty is a value the PACS holds (the study's patient has
            // no ID there), absent is a PACS that did not say; only the first can be contradicted
            String ctxId = ctx.contains(Tag.PatientID) ? ctx.getString(Tag.PatientID, "").trim() : null;
            String ctxIssuer = ctx.getString(Tag.IssuerOfPatientID);
            String loc = "ImagingManifest.study[" + i + "].uid";
            if (id != null && "".equals(ctxId)) {
                // a KOS naming a Patient ID in such a study would file the study under a second patient
                problems.add(new ManifestProblem("ImagingManifest.patient.identifier.value", "patient identifier '"
                        + id + "' contradicts the empty Patient ID that the PACS holds for study " + studyUid
                        + "; leave the identifier out, or correct the patient on the PACS first"));
            } else if (id != null && ctxId != null && !id.equals(ctxId)) {
                problems.add(new ManifestProblem("ImagingManifest.patient.identifier.value", "patient identifier '"
                        + id + "' contradicts Patient ID '" + ctxId + "' that the PACS holds for study " + studyUid));
            } else if (id != null && issuer != null && ctxIssuer != null && !issuer.equals(ctxIssuer.trim())) {
                problems.add(new ManifestProblem("ImagingManifest.patient.identifier.system", "patient identifier"
                        + " system '" + issuer + "' contradicts Issuer of Patient ID '" + ctxIssuer
                        + "' that the PACS holds for study " + studyUid));
            }
            if (ctxId != null) {
                if (firstId != null && !firstId.equals(ctxId.trim())) {
                    problems.add(new ManifestProblem(loc, "study " + studyUid + " belongs to patient '" + ctxId
                            + "' but study " + firstStudy + " to patient '" + firstId
                            + "': one manifest selects the images of one patient"));
                } else if (firstId == null) {
                    firstId = ctxId.trim();
                    firstStudy = studyUid;
                }
            }
        }
        return problems;
    }

    /** Everything the identical copies share: SOP Common, series, equipment, document and content. */
    private DataSet sharedContent(ImagingManifest manifest, ContentDateTime content, ContentDateTime created) {
        DataSet ds = new DataSet();
        // SOP Common (C.12.1)
        ds.setString(Tag.SOPClassUID, Vr.UI, Uid.KeyObjectSelectionDocumentStorage);
        ds.setString(Tag.InstanceCreationDate, Vr.DA, created.date());
        ds.setString(Tag.InstanceCreationTime, Vr.TM, created.time());
        if (content.offset() != null) {
            ds.setString(Tag.TimezoneOffsetFromUTC, Vr.SH, content.offset());
        }
        // Key Object Document Series (C.17.6.1)
        ds.setString(Tag.Modality, Vr.CS, "KO");
        ds.setInt(Tag.SeriesNumber, Vr.IS, KOS_SERIES_NUMBER);
        ds.setEmpty(Tag.ReferencedPerformedProcedureStepSequence, Vr.SQ);
        // General Equipment (C.7.5.1)
        ds.setString(Tag.Manufacturer, Vr.LO, MANUFACTURER);
        // Key Object Document (C.17.6.2)
        ds.setInt(Tag.InstanceNumber, Vr.IS, 1);
        ds.setString(Tag.ContentDate, Vr.DA, content.date());
        ds.setString(Tag.ContentTime, Vr.TM, content.time());
        writeEvidence(ds, manifest);
        // SR Document Content (C.17.3) with the TID 2010 tree
        ds.setString(Tag.ValueType, Vr.CS, ValueType.CONTAINER.name());
        ManifestParts.title(manifest).writeTo(ds, Tag.ConceptNameCodeSequence);
        ds.setString(Tag.ContinuityOfContent, Vr.CS, "SEPARATE");
        DataSet template = ds.newSequence(Tag.ContentTemplateSequence).addItem();
        template.setString(Tag.MappingResource, Vr.CS, "DCMR");
        template.setString(Tag.TemplateIdentifier, Vr.CS, "2010");
        Sequence content2010 = ds.newSequence(Tag.ContentSequence);
        if (manifest.hasAuthor()) {
            writeObserverContext(content2010, manifest.getAuthor());
        }
        if (manifest.hasDescription()) {
            DataSet text = contentItem(content2010, "CONTAINS", ValueType.TEXT, KosCodes.KEY_OBJECT_DESCRIPTION);
            text.setString(Tag.TextValue, Vr.UT, manifest.getDescription());
        }
        for (ImagingManifest.StudyComponent study : manifest.getStudy()) {
            for (ImagingManifest.SeriesComponent series : study.getSeries()) {
                for (ImagingManifest.InstanceComponent inst : series.getInstance()) {
                    String sopClass = Oids.fromUrn(inst.getSopClass());
                    DataSet item = contentItem(content2010, "CONTAINS",
                            ValueType.forReferencedSopClass(sopClass), null);
                    DataSet ref = item.newSequence(Tag.ReferencedSOPSequence).addItem();
                    ref.setString(Tag.ReferencedSOPClassUID, Vr.UI, sopClass);
                    ref.setString(Tag.ReferencedSOPInstanceUID, Vr.UI, Oids.fromUrn(inst.getUid()));
                    InstanceSubset.of(inst).writeTo(ref);
                }
            }
        }
        return ds;
    }

    /** Current Requested Procedure Evidence Sequence: the Hierarchical SOP Instance Reference Macro (Table 10-4). */
    private void writeEvidence(DataSet ds, ImagingManifest manifest) {
        Sequence evidence = ds.newSequence(Tag.CurrentRequestedProcedureEvidenceSequence);
        for (ImagingManifest.StudyComponent study : manifest.getStudy()) {
            String studyUid = Oids.fromUrn(study.getUid());
            DataSet studyItem = evidence.addItem();
            studyItem.setString(Tag.StudyInstanceUID, Vr.UI, studyUid);
            Sequence seriesSeq = studyItem.newSequence(Tag.ReferencedSeriesSequence);
            RetrieveLocation studyLocation = ManifestParts.location(manifest, study.getEndpoint());
            for (ImagingManifest.SeriesComponent series : study.getSeries()) {
                String seriesUid = Oids.fromUrn(series.getUid());
                DataSet seriesItem = seriesSeq.addItem();
                seriesItem.setString(Tag.SeriesInstanceUID, Vr.UI, seriesUid);
                RetrieveLocation loc = effectiveLocation(ManifestParts.location(manifest, series.getEndpoint()),
                        studyLocation);
                if (loc != null && loc.aeTitle() != null) {
                    seriesItem.setString(Tag.RetrieveAETitle, Vr.AE, loc.aeTitle().trim());
                }
                if (loc != null && loc.dicomwebUrl() != null) {
                    seriesItem.setString(Tag.RetrieveURL, Vr.UR,
                            RetrieveUrls.seriesUrl(loc.dicomwebUrl(), studyUid, seriesUid));
                }
                Sequence sops = seriesItem.newSequence(Tag.ReferencedSOPSequence);
                for (ImagingManifest.InstanceComponent inst : series.getInstance()) {
                    DataSet ref = sops.addItem();
                    ref.setString(Tag.ReferencedSOPClassUID, Vr.UI, Oids.fromUrn(inst.getSopClass()));
                    ref.setString(Tag.ReferencedSOPInstanceUID, Vr.UI, Oids.fromUrn(inst.getUid()));
                }
            }
        }
    }

    /**
     * A series endpoint overrides the study's; without either, the PACS binding's location. An endpoint
     * without an AE title borrows the binding's AE title when it names the binding's own DICOMweb base.
     */
    private RetrieveLocation effectiveLocation(RetrieveLocation series, RetrieveLocation study) {
        RetrieveLocation own = series != null ? series : study;
        if (own == null) {
            return defaultLocation;
        }
        if (own.aeTitle() == null && defaultLocation != null && defaultLocation.aeTitle() != null
                && own.dicomwebUrl() != null && defaultLocation.dicomwebUrl() != null
                && own.dicomwebUrl().equals(RetrieveUrls.base(defaultLocation.dicomwebUrl()))) {
            return new RetrieveLocation(defaultLocation.aeTitle(), own.dicomwebUrl());
        }
        return own;
    }

    /** TID 1002 Observer Context: TID 1003 Person Observer or TID 1004 Device Observer identifying items. */
    private static void writeObserverContext(Sequence content, Reference author) {
        if (ManifestParts.isDeviceAuthor(author)) {
            DataSet type = contentItem(content, "HAS OBS CONTEXT", ValueType.CODE, KosCodes.OBSERVER_TYPE);
            KosCodes.DEVICE.writeTo(type, Tag.ConceptCodeSequence);
            DataSet uid = contentItem(content, "HAS OBS CONTEXT", ValueType.UIDREF, KosCodes.DEVICE_OBSERVER_UID);
            uid.setString(Tag.UID, Vr.UI, Oids.fromUrn(author.getIdentifier().getValue()));
            if (author.hasDisplay()) {
                DataSet name = contentItem(content, "HAS OBS CONTEXT", ValueType.TEXT, KosCodes.DEVICE_OBSERVER_NAME);
                name.setString(Tag.TextValue, Vr.UT, author.getDisplay());
            }
            return;
        }
        if (!author.hasDisplay()) {
            // A reference without a name has nothing TID 1003 can carry; the gateway keeps the reference.
            return;
        }
        DataSet type = contentItem(content, "HAS OBS CONTEXT", ValueType.CODE, KosCodes.OBSERVER_TYPE);
        KosCodes.PERSON.writeTo(type, Tag.ConceptCodeSequence);
        DataSet name = contentItem(content, "HAS OBS CONTEXT", ValueType.PNAME, KosCodes.PERSON_OBSERVER_NAME);
        name.setString(Tag.PersonName, Vr.PN, author.getDisplay());
        String org = ManifestParts.organization(author);
        if (org != null) {
            DataSet orgItem = contentItem(content, "HAS OBS CONTEXT", ValueType.TEXT,
                    KosCodes.PERSON_OBSERVER_ORGANIZATION);
            orgItem.setString(Tag.TextValue, Vr.UT, org);
        }
    }

    private static DataSet contentItem(Sequence content, String relationship, ValueType type, DicomCode conceptName) {
        DataSet item = content.addItem();
        item.setString(Tag.RelationshipType, Vr.CS, relationship);
        item.setString(Tag.ValueType, Vr.CS, type.name());
        if (conceptName != null) {
            conceptName.writeTo(item, Tag.ConceptNameCodeSequence);
        }
        return item;
    }

    private static void writePatientAndStudy(DataSet ds, Reference patient, DataSet context) {
        // Patient (C.7.1.1): type 2 attributes present even when empty
        String name = patient.hasDisplay() ? patient.getDisplay() : null;
        String id = ManifestParts.patientId(patient);
        String issuer = ManifestParts.issuerOfPatientId(patient);
        ds.setString(Tag.PatientName, Vr.PN, name);
        ds.setString(Tag.PatientID, Vr.LO, id);
        if (issuer != null) {
            ds.setString(Tag.IssuerOfPatientID, Vr.LO, issuer);
            if (Oids.fromUrn(patient.getIdentifier().getSystem()) != null) {
                // C.7.1.1: the issuer is an ISO OID, say so in the qualifiers
                DataSet q = ds.newSequence(KosTags.IssuerOfPatientIDQualifiersSequence).addItem();
                q.setString(KosTags.UniversalEntityID, Vr.UT, issuer);
                q.setString(KosTags.UniversalEntityIDType, Vr.CS, "ISO");
            }
        }
        ds.setEmpty(Tag.PatientBirthDate, Vr.DA);
        ds.setEmpty(Tag.PatientSex, Vr.CS);
        // General Study (C.7.2.1)
        ds.setEmpty(Tag.StudyDate, Vr.DA);
        ds.setEmpty(Tag.StudyTime, Vr.TM);
        ds.setEmpty(Tag.ReferringPhysicianName, Vr.PN);
        ds.setEmpty(Tag.StudyID, Vr.SH);
        ds.setEmpty(Tag.AccessionNumber, Vr.SH);
        if (context == null) {
            return;
        }
        // What the PACS holds wins over the manifest where it has a value.
        for (int i = 0; i < context.size(); i++) {
            int tag = context.tagAt(i);
            boolean patientTag = Tag.group(tag) == 0x0010 && !Tag.isGroupLength(tag);
            if ((patientTag || isStudyContextTag(tag)) && hasValue(context.valueAt(i))) {
                ds.put(tag, context.vrAt(i), copyValue(context.valueAt(i)));
            }
        }
        if (context.contains(Tag.IssuerOfPatientID) && !context.contains(KosTags.IssuerOfPatientIDQualifiersSequence)) {
            ds.remove(KosTags.IssuerOfPatientIDQualifiersSequence);
        }
    }

    private static boolean isStudyContextTag(int tag) {
        for (int t : STUDY_CONTEXT_TAGS) {
            if (t == tag) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasValue(Object v) {
        return v != null && !(v instanceof String s && s.isEmpty()) && !(v instanceof byte[] b && b.length == 0)
                && !(v instanceof Sequence seq && seq.isEmpty());
    }

    private static Object copyValue(Object v) {
        if (v instanceof Sequence seq) {
            return seq; // DataSet.put copies a sequence owned by another data set
        }
        return v instanceof byte[] b ? b.clone() : v;
    }

    /** PS3.3 C.17.6.2.2: each copy lists the other copies (study, KOS series, SOP instance). */
    private static void writeIdenticalDocuments(DataSet ds, ImagingManifest manifest, int self,
            List<String> sops, List<String> series) {
        Sequence identical = ds.newSequence(Tag.IdenticalDocumentsSequence);
        for (int j = 0; j < sops.size(); j++) {
            if (j == self) {
                continue;
            }
            DataSet studyItem = identical.addItem();
            studyItem.setString(Tag.StudyInstanceUID, Vr.UI, Oids.fromUrn(manifest.getStudy().get(j).getUid()));
            DataSet seriesItem = studyItem.newSequence(Tag.ReferencedSeriesSequence).addItem();
            seriesItem.setString(Tag.SeriesInstanceUID, Vr.UI, series.get(j));
            DataSet ref = seriesItem.newSequence(Tag.ReferencedSOPSequence).addItem();
            ref.setString(Tag.ReferencedSOPClassUID, Vr.UI, Uid.KeyObjectSelectionDocumentStorage);
            ref.setString(Tag.ReferencedSOPInstanceUID, Vr.UI, sops.get(j));
        }
    }

    static boolean containsNonAscii(DataSet ds) {
        for (int i = 0; i < ds.size(); i++) {
            Object v = ds.valueAt(i);
            if (v instanceof String s && ds.vrAt(i).kind() == Vr.Kind.TEXT) {
                for (int k = 0; k < s.length(); k++) {
                    if (s.charAt(k) > 0x7F) {
                        return true;
                    }
                }
            } else if (v instanceof Sequence seq) {
                for (DataSet item : seq) {
                    if (containsNonAscii(item)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
