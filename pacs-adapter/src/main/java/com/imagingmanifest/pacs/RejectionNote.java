package com.imagingmanifest.pacs;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Sequence;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.dicom.data.Vr;
import com.imagingmanifest.dicom.io.Part10Object;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An IHE IOCM rejection note: a Key Object Selection Document (PS3.3 A.35.4) whose title comes from
 * CID 7011 and whose content references the rejected instances, in a new series of the rejected
 * instances' study, with that study's Patient and General Study attributes.
 *
 * <p>The gateway rejects superseded KOS with {@link Reason#QUALITY} (113001): IOCM receivers hide
 * such instances from use but keep them, which is what "superseded" means. 113039 (Data Retention
 * Policy Expired) would claim a retention decision nobody made and lets receivers purge at once.
 */
public final class RejectionNote {
    /** Document titles of CID 7011 "Rejected for Quality Reasons" and its IOCM siblings. */
    public enum Reason {
        QUALITY("113001", "Rejected for Quality Reasons"),
        PATIENT_SAFETY("113037", "Rejected for Patient Safety Reasons"),
        INCORRECT_MODALITY_WORKLIST_ENTRY("113038", "Incorrect Modality Worklist Entry"),
        DATA_RETENTION_POLICY_EXPIRED("113039", "Data Retention Policy Expired");

        private final String codeValue;
        private final String codeMeaning;

        Reason(String codeValue, String codeMeaning) {
            this.codeValue = codeValue;
            this.codeMeaning = codeMeaning;
        }

        public String codeValue() {
            return codeValue;
        }

        public String codeMeaning() {
            return codeMeaning;
        }

        /** The reason a document title (0040,A043 code value, scheme DCM) stands for, or null. */
        public static Reason ofTitle(String codeValue) {
            for (Reason r : values()) {
                if (r.codeValue.equals(codeValue)) {
                    return r;
                }
            }
            return null;
        }
    }

    private RejectionNote() {
    }

    /**
     * The note rejecting {@code rejected} (all in the study {@code studyContext} describes, as read
     * by {@link Pacs#studyContext}).
     */
    public static DataSet build(DataSet studyContext, List<InstanceRef> rejected, Reason reason) {
        if (rejected.isEmpty()) {
            throw new IllegalArgumentException("a rejection note rejects at least one instance");
        }
        String study = studyContext.getString(Tag.StudyInstanceUID);
        for (InstanceRef r : rejected) {
            if (!r.studyInstanceUid().equals(study)) {
                throw new IllegalArgumentException("instance " + r.sopInstanceUid() + " is not in study " + study);
            }
        }
        LocalDateTime now = LocalDateTime.now();
        String date = now.format(DateTimeFormatter.BASIC_ISO_DATE);
        String time = now.format(DateTimeFormatter.ofPattern("HHmmss"));
        DataSet ds = new DataSet();
        // SOP Common (C.12.1); UTF-8 so patient names of any script survive
        ds.setString(Tag.SpecificCharacterSet, Vr.CS, "ISO_IR 192");
        ds.setString(Tag.InstanceCreationDate, Vr.DA, date);
        ds.setString(Tag.InstanceCreationTime, Vr.TM, time);
        ds.setString(Tag.SOPClassUID, Vr.UI, Uid.KeyObjectSelectionDocumentStorage);
        // UIDs named by what is rejected and why: a rejection retried (a recovery pass that crashed after
        // storing the note, a write retried) stores the same note again, a duplicate, never a second one
        String key = reason.codeValue + ":" + rejected.stream().map(InstanceRef::sopInstanceUid).sorted()
                .collect(java.util.stream.Collectors.joining(","));
        ds.setString(Tag.SOPInstanceUID, Vr.UI, nameBased("rejection-note:" + key));
        // Patient (C.7.1.1) and General Study (C.7.2.1): as the PACS holds them, type 2 kept present
        copyOrEmpty(studyContext, ds, Tag.PatientName, Vr.PN);
        copyOrEmpty(studyContext, ds, Tag.PatientID, Vr.LO);
        copyIfPresent(studyContext, ds, Tag.IssuerOfPatientID, Vr.LO);
        copyOrEmpty(studyContext, ds, Tag.PatientBirthDate, Vr.DA);
        copyOrEmpty(studyContext, ds, Tag.PatientSex, Vr.CS);
        ds.setString(Tag.StudyInstanceUID, Vr.UI, study);
        copyOrEmpty(studyContext, ds, Tag.StudyDate, Vr.DA);
        copyOrEmpty(studyContext, ds, Tag.StudyTime, Vr.TM);
        copyOrEmpty(studyContext, ds, Tag.ReferringPhysicianName, Vr.PN);
        copyOrEmpty(studyContext, ds, Tag.StudyID, Vr.SH);
        copyOrEmpty(studyContext, ds, Tag.AccessionNumber, Vr.SH);
        copyIfPresent(studyContext, ds, Tag.StudyDescription, Vr.LO);
        // Key Object Document Series (C.17.6.1): a series of its own
        ds.setString(Tag.Modality, Vr.CS, "KO");
        ds.setString(Tag.SeriesInstanceUID, Vr.UI, nameBased("rejection-note-series:" + key));
        ds.setInt(Tag.SeriesNumber, Vr.IS, 9999);
        ds.setString(Tag.SeriesDescription, Vr.LO, reason.codeMeaning);
        ds.newSequence(Tag.ReferencedPerformedProcedureStepSequence);
        // General Equipment (C.7.5.1)
        ds.setString(Tag.Manufacturer, Vr.LO, "Imaging Manifest Gateway");
        // Key Object Document (C.17.6.2)
        ds.setInt(Tag.InstanceNumber, Vr.IS, 1);
        ds.setString(Tag.ContentDate, Vr.DA, date);
        ds.setString(Tag.ContentTime, Vr.TM, time);
        Map<String, List<InstanceRef>> bySeries = new LinkedHashMap<>();
        for (InstanceRef r : rejected) {
            bySeries.computeIfAbsent(r.seriesInstanceUid(), k -> new java.util.ArrayList<>()).add(r);
        }
        DataSet studyItem = ds.newSequence(Tag.CurrentRequestedProcedureEvidenceSequence).addItem();
        Sequence seriesSeq = studyItem.newSequence(Tag.ReferencedSeriesSequence);
        bySeries.forEach((series, refs) -> {
            DataSet seriesItem = seriesSeq.addItem();
            Sequence sops = seriesItem.newSequence(Tag.ReferencedSOPSequence);
            for (InstanceRef r : refs) {
                sopReference(sops.addItem(), r);
            }
            seriesItem.setString(Tag.SeriesInstanceUID, Vr.UI, series);
        });
        studyItem.setString(Tag.StudyInstanceUID, Vr.UI, study);
        // SR Document Content (C.17.3), TID 2010 root with the CID 7011 title
        ds.setString(Tag.ValueType, Vr.CS, "CONTAINER");
        code(ds.newSequence(Tag.ConceptNameCodeSequence).addItem(), reason.codeValue, reason.codeMeaning);
        ds.setString(Tag.ContinuityOfContent, Vr.CS, "SEPARATE");
        DataSet template = ds.newSequence(Tag.ContentTemplateSequence).addItem();
        template.setString(Tag.MappingResource, Vr.CS, "DCMR");
        template.setString(Tag.TemplateIdentifier, Vr.CS, "2010");
        Sequence content = ds.newSequence(Tag.ContentSequence);
        for (InstanceRef r : rejected) {
            DataSet item = content.addItem();
            item.setString(Tag.RelationshipType, Vr.CS, "CONTAINS");
            // TID 2010: IMAGE for image storage classes; a rejected KOS (or other object) is COMPOSITE
            item.setString(Tag.ValueType, Vr.CS, "COMPOSITE");
            sopReference(item.newSequence(Tag.ReferencedSOPSequence).addItem(), r);
        }
        return ds;
    }

    /**
     * Rejects {@code kos} on {@code pacs} by storing a note titled {@link Reason#QUALITY}; nothing
     * happens when the PACS no longer knows the study (then it holds nothing to reject).
     */
    static void reject(Pacs pacs, InstanceRef kos) throws PacsException {
        reject(pacs, kos, Reason.QUALITY);
    }

    /**
     * Rejects {@code kos} on {@code pacs} by storing a note titled {@code reason}; see
     * {@link #reject(Pacs, InstanceRef)}. Returns the note's SOP Instance UID, empty when none was stored.
     */
    static Optional<String> reject(Pacs pacs, InstanceRef kos, Reason reason) throws PacsException {
        Optional<DataSet> context = pacs.studyContext(kos.studyInstanceUid());
        if (context.isEmpty()) {
            return Optional.empty();
        }
        DataSet note = build(context.get(), List.of(kos), reason);
        pacs.store(Part10Object.write(note, Uid.ExplicitVRLittleEndian));
        return Optional.of(note.getString(Tag.SOPInstanceUID));
    }

    /** A UID from a name-based UUID (RFC 4122 version 3) of {@code name}, PS3.5 B.2. */
    private static String nameBased(String name) {
        return Uid.fromUuid(java.util.UUID.nameUUIDFromBytes(name.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    private static void sopReference(DataSet item, InstanceRef r) {
        item.setString(Tag.ReferencedSOPClassUID, Vr.UI, r.sopClassUid());
        item.setString(Tag.ReferencedSOPInstanceUID, Vr.UI, r.sopInstanceUid());
    }

    private static void code(DataSet item, String value, String meaning) {
        item.setString(Tag.CodeValue, Vr.SH, value);
        item.setString(Tag.CodingSchemeDesignator, Vr.SH, "DCM");
        item.setString(Tag.CodeMeaning, Vr.LO, meaning);
    }

    private static void copyOrEmpty(DataSet from, DataSet to, int tag, Vr vr) {
        String v = from.getString(tag);
        if (v == null) {
            to.setEmpty(tag, vr);
        } else {
            to.setString(tag, vr, v);
        }
    }

    private static void copyIfPresent(DataSet from, DataSet to, int tag, Vr vr) {
        String v = from.getString(tag);
        if (v != null) {
            to.setString(tag, vr, v);
        }
    }
}
