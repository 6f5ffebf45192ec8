package com.imagingmanifest.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * docs/architecture.md §1: pacs-adapter knows nothing of the FHIR requests or of the application around it —
 * no gateway code, no Spring, no HAPI FHIR server.
 */
@AnalyzeClasses(packages = {"com.imagingmanifest.net", "com.imagingmanifest.pacs", "com.imagingmanifest.dicomweb",
        "com.imagingmanifest.orthanc"}, importOptions = ImportOption.DoNotIncludeTests.class)
class PacsAdapterArchitectureTest {

    @ArchTest
    static final ArchRule NO_APPLICATION_CODE = noClasses()
            .that().resideInAnyPackage("com.imagingmanifest.net..", "com.imagingmanifest.pacs..",
                    "com.imagingmanifest.dicomweb..", "com.imagingmanifest.orthanc..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "com.imagingmanifest.gateway..", "org.springframework..", "ca.uhn.fhir.rest.server..")
            .because("pacs-adapter sits below the application: no gateway, Spring or FHIR server code"
                    + " (docs/architecture.md §1)");

    /** The rule is not vacuous: a class breaking it is reported. */
    @Test
    void ruleReportsAViolatingClass() {
        JavaClasses offender = new ClassFileImporter().importClasses(
                com.imagingmanifest.pacs.architectureprobe.ProbeUsingGatewayCode.class);
        assertTrue(NO_APPLICATION_CODE.evaluate(offender).hasViolation());
    }
}
