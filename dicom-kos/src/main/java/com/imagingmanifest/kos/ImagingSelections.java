package com.imagingmanifest.kos;

import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.hl7.fhir.r5.model.ImagingSelection;

/**
 * The R5 {@code ImagingSelection} view of an STU3 {@code ImagingManifest}, and back (docs/mapping.md,
 * "R5 ImagingSelection"). The manifest stays the gateway's internal form of a KOS; this class only
 * reshapes it. An R5 selection covers one series: a manifest of one series is one flat selection, a
 * manifest of several series is a selection with the same id that holds the common parts and a
 * {@code focus} on one contained selection per series. What R5 can say and a KOS cannot is refused
 * with a problem naming the element, never dropped. The two directions are
 * {@link ManifestToSelection} and {@link SelectionToManifest}; what they share is {@link Stu3R5}'s.
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

    private ImagingSelections() {
    }

    /** The selection of {@code manifest}: same id and meta; contained per-series selections for several series. */
    public static ImagingSelection toSelection(ImagingManifest manifest) {
        return ManifestToSelection.toSelection(manifest);
    }

    /**
     * The manifest an ImagingSelection stands for.
     *
     * @throws ManifestValidationException naming every element a KOS cannot carry, or a shape that is
     *                                     not one this gateway serves (docs/mapping.md)
     */
    public static ImagingManifest toManifest(ImagingSelection selection) {
        return SelectionToManifest.toManifest(selection);
    }

    static String bareUid(String uid) {
        return uid == null ? null : uid.startsWith(Oids.PREFIX) ? uid.substring(Oids.PREFIX.length()) : uid;
    }
}
