package com.imagingmanifest.kos;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import java.util.List;
import org.hl7.fhir.dstu3.model.Bundle;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.hl7.fhir.instance.model.api.IBaseResource;

/** FHIR JSON of ImagingManifest resources, with one shared (expensive to build) STU3 context. */
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
        IParser parser = FHIR.newJsonParser().setParserErrorHandler(new StrictErrorHandler());
        IBaseResource resource;
        try {
            resource = parser.parseResource(json);
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("not valid FHIR JSON: " + e.getMessage().replace('\n', ' '), e);
        }
        if (!(resource instanceof ImagingManifest m)) {
            throw new IllegalArgumentException("expected an ImagingManifest, found " + resource.fhirType());
        }
        return m;
    }

    public static String encode(ImagingManifest manifest) {
        return FHIR.newJsonParser().setPrettyPrint(true).encodeResourceToString(manifest);
    }

    /** A collection Bundle of the manifests, as JSON. */
    public static String encodeBundle(List<ImagingManifest> manifests) {
        Bundle bundle = new Bundle().setType(Bundle.BundleType.COLLECTION);
        manifests.forEach(m -> bundle.addEntry().setResource(m));
        return FHIR.newJsonParser().setPrettyPrint(true).encodeResourceToString(bundle);
    }
}
