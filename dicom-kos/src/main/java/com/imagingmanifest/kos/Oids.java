package com.imagingmanifest.kos;

import com.imagingmanifest.dicom.data.Uid;

/** DICOM UIDs in FHIR: {@code urn:oid:<uid>} (FHIR STU3 oid datatype). */
final class Oids {
    static final String PREFIX = "urn:oid:";
    /** Identifier system for DICOM UIDs (FHIR STU3 ImagingManifest.identifier, Device identifiers). */
    static final String DICOM_UID_SYSTEM = "urn:dicom:uid";

    private Oids() {
    }

    static String toUrn(String uid) {
        return PREFIX + uid;
    }

    /** The UID of {@code urn:oid:<uid>}, or null when {@code value} is not in that form. */
    static String fromUrn(String value) {
        return value != null && value.startsWith(PREFIX) ? value.substring(PREFIX.length()) : null;
    }

    static boolean isUidUrn(String value) {
        return Uid.isValid(fromUrn(value));
    }
}
