package com.imagingmanifest.kos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Vr;
import com.imagingmanifest.dicom.io.Part10;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.dstu3.model.Identifier;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.hl7.fhir.dstu3.model.Reference;
import org.hl7.fhir.dstu3.model.StringType;
import org.junit.jupiter.api.Test;

/** The manifests KosToManifest produces validate against the STU3 ImagingManifest definition (HAPI's validator). */
class FhirValidationTest {
    private static final FhirContext FHIR = ManifestJson.context();
    // building the validator loads the STU3 definitions: once per test JVM
    private static final FhirValidator VALIDATOR = FHIR.newValidator().registerValidatorModule(
            new FhirInstanceValidator(new ValidationSupportChain(new DefaultProfileValidationSupport(FHIR),
                    new InMemoryTerminologyServerValidationSupport(FHIR), new CommonCodeSystemsTerminologyService(FHIR))));

    /** Validates the JSON form (as a client would receive it) and fails on any error. */
    private static List<SingleValidationMessage> assertValid(ImagingManifest m) {
        String json = ManifestJson.encode(m);
        ValidationResult result = VALIDATOR.validateWithResult(json);
        List<SingleValidationMessage> errors = result.getMessages().stream()
                .filter(x -> x.getSeverity() == ResultSeverityEnum.ERROR || x.getSeverity() == ResultSeverityEnum.FATAL)
                .toList();
        assertEquals(List.of(), errors.stream().map(e -> e.getLocationString() + ": " + e.getMessage()).toList(), json);
        return result.getMessages();
    }

    private static ImagingManifest throughKos(ImagingManifest m, RetrieveLocation binding) {
        KosDocument kos = new ManifestToKos(binding).translate(m, Map.of()).get(0);
        return new KosToManifest().translate(Part10.read(kos.toPart10()).dataSet());
    }

    @Test
    void fullManifestFromAKosValidates() {
        ImagingManifest m = Manifests.of(2, 2, 2);
        m.getAuthor().addExtension(ManifestExtensions.OBSERVER_ORGANIZATION, new StringType("St. Elsewhere"));
        m.addExtension(KosTitle.EXTENSION_URL, Manifests.title("113030"));
        m.getPatient().setDisplay("Müller^Jürgen");
        ImagingManifest back = throughKos(m, new RetrieveLocation("PACS", "https://pacs.example.org/dicom-web"));
        assertTrue(back.hasExtension(KosTitle.EXTENSION_URL));
        assertEquals(1, back.getContained().size(), "one shared endpoint");
        assertValid(back);
    }

    @Test
    void deviceAuthorAndPerSeriesEndpointsValidate() {
        ImagingManifest m = Manifests.of(1, 2, 1);
        m.setAuthor(new Reference().setIdentifier(new Identifier().setSystem("urn:dicom:uid").setValue("urn:oid:1.2.3.4"))
                .setDisplay("CAD"));
        m.addContained(Manifests.wadoRs("x", "https://a.example/rs", null));
        m.getStudy().get(0).getSeries().get(0).addEndpoint(new Reference("#x"));
        ImagingManifest back = throughKos(m, new RetrieveLocation("PACS_ONLY", null));
        assertEquals(2, back.getContained().size(), "a wado-rs endpoint and an AE-only endpoint");
        assertValid(back);
    }

    @Test
    void framesAndSegmentsOnInstancesValidate() {
        ImagingManifest m = Manifests.of(1, 2, 1);
        m.getStudyFirstRep().getSeries().get(0).getInstanceFirstRep().setSopClass("urn:oid:" + FramesTest.ENHANCED_CT)
                .addExtension(InstanceSubset.FRAME_EXTENSION, new org.hl7.fhir.dstu3.model.PositiveIntType(3));
        m.getStudyFirstRep().getSeries().get(1).getInstanceFirstRep().setSopClass("urn:oid:" + FramesTest.SEG)
                .addExtension(InstanceSubset.SEGMENT_EXTENSION, new org.hl7.fhir.dstu3.model.PositiveIntType(2));
        ImagingManifest back = throughKos(m, null);
        assertTrue(back.getStudyFirstRep().getSeries().get(1).getInstanceFirstRep().hasExtension(InstanceSubset.SEGMENT_EXTENSION));
        assertValid(back);
    }

    @Test
    void minimalKosWithoutDescriptionAuthorOrEndpointsValidates() {
        DataSet kos = KosToManifestTest.kosFromShared();
        kos.setEmpty(Tag.PatientName, Vr.PN);
        ImagingManifest back = new KosToManifest().translate(kos);
        back.setDescriptionElement(null);
        back.setAuthor(null);
        assertValid(back);
    }

    @Test
    void theValidatorCatchesAnInvalidManifest() {
        ImagingManifest broken = Manifests.basic();
        broken.getStudy().get(0).getSeries().get(0).getInstance().clear(); // instance is 1..*
        ValidationResult result = VALIDATOR.validateWithResult(ManifestJson.encode(broken));
        assertTrue(result.getMessages().stream().anyMatch(x -> x.getSeverity() == ResultSeverityEnum.ERROR),
                result.getMessages().toString());
    }
}
