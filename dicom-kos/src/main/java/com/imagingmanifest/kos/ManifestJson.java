package com.imagingmanifest.kos;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import java.util.List;
import org.hl7.fhir.dstu3.model.Bundle;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.hl7.fhir.instance.model.api.IBaseResource;

/** FHIR JSON (and XML) of ImagingManifest resources, with one shared (expensive to build) STU3 context. */
public final class ManifestJson {
    private static final FhirContext FHIR = FhirContext.forDstu3Cached();

    private ManifestJson() {
    }

    public static FhirContext context() {
        return FHIR;
    }

    /**
     * Parses an ImagingManifest, strictly: unknown elements are errors.
     *
     * @throws IllegalArgumentException with a one-line reason when the text is not an ImagingManifest
     */
    public static ImagingManifest parse(String json) {
        return parse(json, false);
    }

    /**
     * Parses an ImagingManifest in FHIR JSON or, when its first character is {@code <}, FHIR XML (as
     * the REST API accepts both), strictly.
     *
     * @throws IllegalArgumentException with a one-line reason when the text is not an ImagingManifest
     */
    public static ImagingManifest parseJsonOrXml(String text) {
        return parse(text, text.stripLeading().startsWith("<"));
    }

    private static ImagingManifest parse(String text, boolean xml) {
        IParser parser = (xml ? FHIR.newXmlParser() : FHIR.newJsonParser()).setParserErrorHandler(new StrictErrorHandler());
        IBaseResource resource;
        try {
            resource = parser.parseResource(text);
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("not valid FHIR " + (xml ? "XML" : "JSON") + ": "
                    + e.getMessage().replace('\n', ' '), e);
        }
        if (!(resource instanceof ImagingManifest m)) {
            throw new IllegalArgumentException("expected an ImagingManifest, found " + resource.fhirType());
        }
        return m;
    }

    public static String encode(ImagingManifest manifest) {
        return FHIR.newJsonParser().setPrettyPrint(true).encodeResourceToString(manifest);
    }

    /** The manifest alone when there is one, else a collection Bundle of them; FHIR XML or JSON. */
    public static String encodeAll(List<ImagingManifest> manifests, boolean xml) {
        IBaseResource resource;
        if (manifests.size() == 1) {
            resource = manifests.get(0);
        } else {
            Bundle bundle = new Bundle().setType(Bundle.BundleType.COLLECTION);
            manifests.forEach(m -> bundle.addEntry().setResource(m));
            resource = bundle;
        }
        return (xml ? FHIR.newXmlParser() : FHIR.newJsonParser()).setPrettyPrint(true).encodeResourceToString(resource);
    }
}
