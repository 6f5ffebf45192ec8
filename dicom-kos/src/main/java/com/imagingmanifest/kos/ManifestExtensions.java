package com.imagingmanifest.kos;

/**
 * Extensions this gateway defines for content that STU3 ImagingManifest has no element for. Each
 * carries a DICOM attribute so that it survives KOS → manifest → KOS.
 */
public final class ManifestExtensions {
    /** On ImagingManifest: the KOS document title (valueCoding). Same as {@link KosTitle#EXTENSION_URL}. */
    public static final String KOS_DOCUMENT_TITLE = KosTitle.EXTENSION_URL;
    /** On ImagingManifest.author: TID 1003 Person Observer's Organization Name (121009), valueString. */
    public static final String OBSERVER_ORGANIZATION =
            "http://imagingmanifest.com/fhir/StructureDefinition/observer-organization";
    /** On a contained Endpoint: the Retrieve AE Title (0008,0054) of the series it serves, valueString. */
    public static final String RETRIEVE_AE_TITLE =
            "http://imagingmanifest.com/fhir/StructureDefinition/retrieve-ae-title";

    private ManifestExtensions() {
    }
}
