package com.imagingmanifest.kos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.ValidationResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.hl7.fhir.r5.model.ImagingSelection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ImagingSelections the gateway serves validate against the R5 base specification (HAPI's validator). */
class R5ValidationTest {
    private static final FhirContext R5 = FhirContext.forR5Cached();
    // building the validator loads the R5 definitions: once per test JVM
    private static final FhirValidator VALIDATOR = R5.newValidator().registerValidatorModule(
            new FhirInstanceValidator(new ValidationSupportChain(new DefaultProfileValidationSupport(R5),
                    new InMemoryTerminologyServerValidationSupport(R5), new CommonCodeSystemsTerminologyService(R5))));

    @TempDir
    Path dir;

    private static void assertValid(ImagingSelection s) {
        String json = R5.newJsonParser().encodeResourceToString(s);
        ValidationResult result = VALIDATOR.validateWithResult(json);
        List<String> errors = result.getMessages().stream()
                .filter(x -> x.getSeverity() == ResultSeverityEnum.ERROR || x.getSeverity() == ResultSeverityEnum.FATAL)
                .map(e -> e.getLocationString() + ": " + e.getMessage()).toList();
        assertEquals(List.of(), errors, json);
    }

    private static ImagingManifest throughKos(ImagingManifest m, RetrieveLocation binding) {
        KosDocument kos = new ManifestToKos(binding).translate(m, Map.of()).get(0);
        return new KosToManifest().translate(com.imagingmanifest.dicom.io.Part10.read(kos.toPart10()).dataSet());
    }

    @Test
    void oneSeriesFromAKosValidates() {
        ImagingManifest m = Manifests.of(1, 1, 3);
        m.addExtension(KosTitle.EXTENSION_URL, Manifests.title("113030"));
        ImagingManifest back = throughKos(m, new RetrieveLocation("PACS", "https://pacs.example.org/dicom-web"));
        back.setId("one");
        assertValid(ImagingSelections.toSelection(back));
    }

    @Test
    void severalSeriesWithContainedSelectionsValidate() {
        ImagingManifest m = Manifests.of(1, 3, 2);
        ImagingManifest back = throughKos(m, new RetrieveLocation("PACS", "https://pacs.example.org/dicom-web"));
        back.setId("several");
        ImagingSelection s = ImagingSelections.toSelection(back);
        assertEquals(3, s.getFocus().size());
        assertValid(s);
        // and a manifest of two studies, as the store keeps it (one KOS per study)
        ImagingManifest twoStudies = Manifests.of(2, 1, 1);
        twoStudies.setId("studies");
        assertValid(ImagingSelections.toSelection(twoStudies));
    }

    @Test
    void framesSegmentsAndAMinimalKosValidate() throws IOException {
        ImagingManifest frames = new KosToManifest().translate(com.imagingmanifest.dicom.io.Part10.read(
                Files.readAllBytes(FramesTest.kosWithFrames(dir))).dataSet());
        ImagingSelection s = ImagingSelections.toSelection(frames);
        assertTrue(s.getInstanceFirstRep().hasSubset());
        assertValid(s);
        ImagingManifest seg = Manifests.of(1, 1, 1);
        seg.getStudyFirstRep().getSeriesFirstRep().getInstanceFirstRep().setSopClass("urn:oid:" + FramesTest.SEG)
                .addExtension(InstanceSubset.SEGMENT_EXTENSION, new org.hl7.fhir.dstu3.model.PositiveIntType(2));
        assertValid(ImagingSelections.toSelection(seg));
        ImagingManifest minimal = Manifests.of(1, 1, 1);
        minimal.setAuthor(null);
        minimal.setDescription(null);
        minimal.setAuthoringTime(null);
        assertValid(ImagingSelections.toSelection(minimal));
    }

    @Test
    void theValidatorCatchesAnInvalidSelection() {
        ImagingSelection broken = ImagingSelections.toSelection(Manifests.of(1, 1, 1));
        broken.setCode(null); // code is 1..1
        ValidationResult result = VALIDATOR.validateWithResult(R5.newJsonParser().encodeResourceToString(broken));
        assertTrue(result.getMessages().stream().anyMatch(x -> x.getSeverity() == ResultSeverityEnum.ERROR),
                result.getMessages().toString());
    }
}
