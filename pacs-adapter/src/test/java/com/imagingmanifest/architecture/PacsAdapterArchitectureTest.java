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
 * docs/architecture.md §1: pacs-adapter knows nothing of the FHIR requests or of the application around it —
 * no gateway code, no Spring, no HAPI FHIR server.
 */
@AnalyzeClasses(packages = {"com.imagingmanifest.net", "com.imagingmanifest.pacs", "com.imagingmanifest.dicomweb",
        "com.imagingmanifest.orthanc"}, importOptions = ImportOption.DoNotIncludeTests.class)
class PacsAdapterArchitectureTest {
    private static final int MAX_LINES = 500;

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

    /**
     * No production class over {@value #MAX_LINES} lines: one that long does several things, and is split
     * along them (issue 22). Counted in the source files, which bytecode does not know.
     */
    @Test
    void noProductionClassIsLongerThanTheLimit() {
        assertEquals(Map.of(), SourceFiles.longerThan(Path.of("src/main/java"), MAX_LINES),
                "pacs-adapter classes over " + MAX_LINES + " lines");
    }

    /** The size rule is not vacuous: with a low limit it reports files, and counts every line. */
    @Test
    void sizeRuleReportsLongFiles() {
        Map<Path, Long> longer = SourceFiles.longerThan(Path.of("src/main/java"), 100);
        assertFalse(longer.isEmpty());
        assertTrue(longer.values().stream().allMatch(n -> n > 100));
    }
}
