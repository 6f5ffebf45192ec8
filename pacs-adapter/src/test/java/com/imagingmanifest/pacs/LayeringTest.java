package com.imagingmanifest.pacs;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The port sits above its transports: DICOMweb, Orthanc REST and DIMSE know nothing of it. */
class LayeringTest {
    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("com.imagingmanifest.pacs", "com.imagingmanifest.dicomweb", "com.imagingmanifest.orthanc",
                    "com.imagingmanifest.net");

    @Test
    void transportsDoNotDependOnThePort() {
        noClasses().that().resideInAnyPackage("com.imagingmanifest.dicomweb..", "com.imagingmanifest.orthanc..",
                        "com.imagingmanifest.net..")
                .should().dependOnClassesThat().resideInAPackage("com.imagingmanifest.pacs..")
                .check(CLASSES);
    }

    @Test
    void dicomwebDoesNotDependOnOrthancOrDimse() {
        noClasses().that().resideInAPackage("com.imagingmanifest.dicomweb..")
                .should().dependOnClassesThat().resideInAnyPackage("com.imagingmanifest.orthanc..", "com.imagingmanifest.net..")
                .check(CLASSES);
    }

    @Test
    void nothingHereKnowsTheGateway() {
        noClasses().should().dependOnClassesThat().resideInAPackage("com.imagingmanifest.gateway..").check(CLASSES);
    }
}
