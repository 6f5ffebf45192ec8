package com.imagingmanifest.kos;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Document titles of a Key Object Selection document: the concept name of the root CONTAINER, from
 * CID 7010 (PS3.16). STU3 ImagingManifest has no element for it, so the title travels in the
 * extension {@link #EXTENSION_URL} (valueCoding with the DCM system) and PACS-side titles such as
 * 113030 Manifest survive a round trip.
 */
public final class KosTitle {
    /** Extension on ImagingManifest holding the document title as valueCoding. */
    public static final String EXTENSION_URL =
            "http://imagingmanifest.com/fhir/StructureDefinition/kos-document-title";

    public static final DicomCode OF_INTEREST = DicomCode.dcm("113000", "Of Interest");
    public static final DicomCode MANIFEST = DicomCode.dcm("113030", "Manifest");

    // IHE IOCM rejection notes (Rad TF-3 4.66 / CID 7011): KOS whose title rejects the instances it lists
    public static final DicomCode REJECTED_FOR_QUALITY_REASONS =
            DicomCode.dcm("113001", "Rejected for Quality Reasons");
    public static final DicomCode REJECTED_FOR_PATIENT_SAFETY_REASONS =
            DicomCode.dcm("113037", "Rejected for Patient Safety Reasons");
    public static final DicomCode INCORRECT_MODALITY_WORKLIST_ENTRY =
            DicomCode.dcm("113038", "Incorrect Modality Worklist Entry");
    public static final DicomCode DATA_RETENTION_POLICY_EXPIRED =
            DicomCode.dcm("113039", "Data Retention Policy Expired");

    private static final Set<String> REJECTION_CODES = Set.of("113001", "113037", "113038", "113039");

    /** CID 7010 Key Object Selection Document Title: code value to code meaning (all DCM). */
    public static final Map<String, String> CID_7010;

    static {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("113000", "Of Interest");
        m.put("113001", "Rejected for Quality Reasons");
        m.put("113002", "For Referring Provider");
        m.put("113003", "For Surgery");
        m.put("113004", "For Teaching");
        m.put("113005", "For Conference");
        m.put("113006", "For Therapy");
        m.put("113007", "For Patient");
        m.put("113008", "For Peer Review");
        m.put("113009", "For Research");
        m.put("113010", "Quality Issue");
        m.put("113013", "Best In Set");
        m.put("113018", "For Printing");
        m.put("113020", "For Report Attachment");
        m.put("113021", "For Litigation");
        m.put("113030", "Manifest");
        m.put("113031", "Signed Manifest");
        m.put("113032", "Complete Study Content");
        m.put("113033", "Signed Complete Study Content");
        m.put("113034", "Complete Acquisition Content");
        m.put("113035", "Signed Complete Acquisition Content");
        m.put("113036", "Group of Frames for Display");
        m.put("113037", "Rejected for Patient Safety Reasons");
        m.put("113038", "Incorrect Modality Worklist Entry");
        m.put("113039", "Data Retention Policy Expired");
        CID_7010 = Map.copyOf(m);
    }

    private KosTitle() {
    }

    /** True for the IHE IOCM rejection note titles 113001, 113037, 113038 and 113039 (DCM). */
    public static boolean isRejection(DicomCode title) {
        return title != null && DicomCode.DCM.equals(title.schemeDesignator())
                && REJECTION_CODES.contains(title.value());
    }

    /** The CID 7010 code meaning of a DCM code value, or null when it is not in CID 7010. */
    public static String meaningOf(String codeValue) {
        return CID_7010.get(codeValue);
    }
}
