package com.imagingmanifest.kos;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Vr;
import java.util.Map;
import org.hl7.fhir.dstu3.model.Coding;

/**
 * A coded entry of PS3.3 8.8 (Code Value, Coding Scheme Designator, Code Meaning) and its FHIR
 * {@link Coding}. Coding scheme designators with a FHIR system URI (PS3.16 Table 8-1) map to that URI;
 * any other designator is carried verbatim as the system so that it survives a round trip.
 */
public record DicomCode(String value, String schemeDesignator, String meaning) {
    public static final String DCM = "DCM";
    public static final String DCM_SYSTEM = "http://dicom.nema.org/resources/ontology/DCM";

    private static final Map<String, String> SYSTEM_BY_DESIGNATOR = Map.of(
            DCM, DCM_SYSTEM,
            "SCT", "http://snomed.info/sct",
            "LN", "http://loinc.org",
            "UCUM", "http://unitsofmeasure.org");

    public static DicomCode dcm(String value, String meaning) {
        return new DicomCode(value, DCM, meaning);
    }

    /** True when value and designator match (the meaning is not part of a code's identity). */
    public boolean sameCode(DicomCode other) {
        return other != null && value.equals(other.value) && schemeDesignator.equals(other.schemeDesignator);
    }

    /** The code held in the first item of {@code sequenceTag}, or null. Long and URN code values count too. */
    static DicomCode fromSequence(DataSet ds, int sequenceTag) {
        DataSet item = ds.getItem(sequenceTag, 0);
        if (item == null) {
            return null;
        }
        String value = item.getString(Tag.CodeValue);
        if (value == null) {
            value = item.getString(Tag.LongCodeValue);
        }
        if (value == null) {
            value = item.getString(Tag.URNCodeValue);
        }
        if (value == null) {
            return null;
        }
        return new DicomCode(value, item.getString(Tag.CodingSchemeDesignator, ""),
                item.getString(Tag.CodeMeaning, ""));
    }

    /** Writes this code as the single item of {@code sequenceTag} (PS3.3 Table 8.8-1). */
    void writeTo(DataSet ds, int sequenceTag) {
        DataSet item = ds.newSequence(sequenceTag).addItem();
        item.setString(Tag.CodeValue, Vr.SH, value);
        item.setString(Tag.CodingSchemeDesignator, Vr.SH, schemeDesignator);
        item.setString(Tag.CodeMeaning, Vr.LO, meaning);
    }

    public Coding toCoding() {
        Coding coding = new Coding(systemFor(schemeDesignator), value, null);
        if (!meaning.isEmpty()) {
            coding.setDisplay(meaning);
        }
        return coding;
    }

    /** The code of a FHIR coding; the meaning falls back to {@code defaultMeaning} when display is absent. */
    public static DicomCode fromCoding(Coding coding, String defaultMeaning) {
        String display = coding.hasDisplay() ? coding.getDisplay() : defaultMeaning;
        return new DicomCode(coding.getCode(), designatorFor(coding.getSystem()), display == null ? "" : display);
    }

    static String systemFor(String designator) {
        return SYSTEM_BY_DESIGNATOR.getOrDefault(designator, designator);
    }

    static String designatorFor(String system) {
        if (system == null) {
            return "";
        }
        for (Map.Entry<String, String> e : SYSTEM_BY_DESIGNATOR.entrySet()) {
            if (e.getValue().equals(system)) {
                return e.getKey();
            }
        }
        return system;
    }
}
