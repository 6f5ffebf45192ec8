package com.imagingmanifest.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.imagingmanifest.testing.SourceFiles;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * docs/architecture.md §1: dicom-kos knows nothing of networks or Spring, and within it only the translation
 * package ({@code kos}) may see HAPI FHIR; the DICOM data layer stays a plain library.
 */
@AnalyzeClasses(packages = {"com.imagingmanifest.dicom", "com.imagingmanifest.kos"},
        importOptions = ImportOption.DoNotIncludeTests.class)
class DicomKosArchitectureTest {
    private static final int MAX_LINES = 500;

    @ArchTest
    static final ArchRule NO_NETWORK_OR_SPRING = noClasses()
            .that().resideInAnyPackage("com.imagingmanifest.dicom..", "com.imagingmanifest.kos..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "com.imagingmanifest.net..", "com.imagingmanifest.pacs..", "com.imagingmanifest.gateway..",
                    "com.imagingmanifest.dicomweb..", "com.imagingmanifest.orthanc..",
                    "org.springframework..", "java.net.http..")
            .because("dicom-kos is the bottom layer: no PACS, network or Spring code (docs/architecture.md §1)");

    @ArchTest
    static final ArchRule DATA_LAYER_WITHOUT_HAPI = noClasses()
            .that().resideInAPackage("com.imagingmanifest.dicom..")
            .should().dependOnClassesThat().resideInAnyPackage("org.hl7..", "ca.uhn..")
            .because("only com.imagingmanifest.kos.. may import HAPI FHIR; the DICOM layer is FHIR-free");

    /** The rules are not vacuous: a class breaking them is reported. */
    @Test
    void rulesReportAViolatingClass() {
        JavaClasses offender = new ClassFileImporter().importClasses(
                com.imagingmanifest.dicom.architectureprobe.ProbeUsingHttpAndHapi.class);
        assertTrue(NO_NETWORK_OR_SPRING.evaluate(offender).hasViolation());
        assertTrue(DATA_LAYER_WITHOUT_HAPI.evaluate(offender).hasViolation());
    }

    /**
     * No production class over {@value #MAX_LINES} lines: one that long does several things, and is split
     * along them (issue 22). Counted in the source files, which bytecode does not know.
     */
    @Test
    void noProductionClassIsLongerThanTheLimit() {
        assertEquals(Map.of(), SourceFiles.longerThan(Path.of("src/main/java"), MAX_LINES),
                "dicom-kos classes over " + MAX_LINES + " lines");
    }

    /** The size rule is not vacuous: with a low limit it reports files, and counts every line. */
    @Test
    void sizeRuleReportsLongFiles() {
        Map<Path, Long> longer = SourceFiles.longerThan(Path.of("src/main/java"), 100);
        assertFalse(longer.isEmpty());
        assertTrue(longer.values().stream().allMatch(n -> n > 100));
    }
}
