package com.imagingmanifest.kos;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Only the translation package of dicom-kos knows the HAPI STU3 model; the DICOM layer and tools do not. */
@AnalyzeClasses(packages = "com.imagingmanifest", importOptions = ImportOption.DoNotIncludeTests.class)
class HapiConfinementTest {
    @ArchTest
    static final ArchRule ONLY_KOS_USES_THE_STU3_MODEL = noClasses()
            .that().resideOutsideOfPackage("com.imagingmanifest.kos")
            .should().dependOnClassesThat().resideInAPackage("org.hl7.fhir.dstu3.model..");
}
