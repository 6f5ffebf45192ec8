package com.imagingmanifest.kos;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r5.model.Bundle;
import org.hl7.fhir.r5.model.ImagingSelection;

/** FHIR R5 JSON (and XML) of ImagingSelection resources, for the offline converter. */
final class SelectionJson {
    private static final FhirContext FHIR = FhirContext.forR5Cached();
    /** ImagingSelection exists only in R5 (and R4B's successor): its name anywhere as a type says R5. */
    private static final Pattern R5_TYPE = Pattern.compile(
            "\"resourceType\"\\s*:\\s*\"ImagingSelection\"|<ImagingSelection[\\s>]");

    private SelectionJson() {
    }

    static boolean isR5(String text) {
        return R5_TYPE.matcher(text).find();
    }

    /**
     * The selections of an ImagingSelection or a Bundle of them, strictly parsed.
     *
     * @throws IllegalArgumentException with a one-line reason otherwise
     */
    static List<ImagingSelection> parseJsonOrXml(String text) {
        boolean xml = text.stripLeading().startsWith("<");
        IParser parser = (xml ? FHIR.newXmlParser() : FHIR.newJsonParser()).setParserErrorHandler(new StrictErrorHandler());
        IBaseResource resource;
        try {
            resource = parser.parseResource(text);
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("not valid FHIR R5 " + (xml ? "XML" : "JSON") + ": "
                    + e.getMessage().replace('\n', ' '), e);
        }
        List<ImagingSelection> out = new ArrayList<>();
        if (resource instanceof ImagingSelection s) {
            out.add(s);
        } else if (resource instanceof Bundle bundle) {
            for (int i = 0; i < bundle.getEntry().size(); i++) {
                if (!(bundle.getEntry().get(i).getResource() instanceof ImagingSelection s)) {
                    throw new IllegalArgumentException("Bundle.entry[" + i + "] is not an ImagingSelection");
                }
                out.add(s);
            }
        } else {
            throw new IllegalArgumentException("expected an ImagingSelection or a Bundle of them, found "
                    + resource.fhirType());
        }
        return out;
    }

    /** The selection alone when there is one, else a collection Bundle of them. */
    static String encodeAll(List<ImagingSelection> selections, boolean xml) {
        IBaseResource resource;
        if (selections.size() == 1) {
            resource = selections.get(0);
        } else {
            Bundle bundle = new Bundle().setType(Bundle.BundleType.COLLECTION);
            selections.forEach(s -> bundle.addEntry().setResource(s));
            resource = bundle;
        }
        return (xml ? FHIR.newXmlParser() : FHIR.newJsonParser()).setPrettyPrint(true).encodeResourceToString(resource);
    }
}
