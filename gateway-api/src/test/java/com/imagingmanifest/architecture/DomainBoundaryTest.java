package com.imagingmanifest.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * docs/architecture.md §3 and §7: the write and read use cases, the store and ingestion speak the
 * domain's language (ManifestException); only the FHIR edge knows HAPI's server and the servlet API,
 * and turns those exceptions into HTTP answers. So the edge depends on the use cases and never the
 * other way round.
 */
@AnalyzeClasses(packages = "com.imagingmanifest.gateway", importOptions = ImportOption.DoNotIncludeTests.class)
class DomainBoundaryTest {
    private static final String[] DOMAIN = {"com.imagingmanifest.gateway.store..",
        "com.imagingmanifest.gateway.manifest..", "com.imagingmanifest.gateway.ingest.."};

    @ArchTest
    static final ArchRule NO_SERVER_TYPES_BELOW_THE_EDGE = noClasses()
            .that().resideInAnyPackage(DOMAIN)
            .should().dependOnClassesThat().resideInAnyPackage("ca.uhn.fhir.rest.server..",
                    "ca.uhn.fhir.rest.api.server..", "jakarta.servlet..", "javax.servlet..")
            .because("HTTP answers are made at the FHIR edge (fhir.FailureMapper), not by the use cases"
                    + " (docs/architecture.md §3)");

    @ArchTest
    static final ArchRule THE_WRITE_PATH_DOES_NOT_CALL_THE_EDGE = noClasses()
            .that().resideInAPackage("com.imagingmanifest.gateway.manifest..")
            .should().dependOnClassesThat().resideInAPackage("com.imagingmanifest.gateway.fhir..")
            .because("fhir calls manifest; an arrow back would make the two one package (docs/architecture.md §3)");

    /** The store's parts that hold manifests, intents and KOS; the FHIR edge reaches them through manifest. */
    static final String[] STORE_PARTS = {"com.imagingmanifest.gateway.store.ManifestVersions",
        "com.imagingmanifest.gateway.store.WriteIntents", "com.imagingmanifest.gateway.store.ManifestKos"};

    @ArchTest
    static final ArchRule THE_FHIR_EDGE_GOES_THROUGH_THE_USE_CASES = noClasses()
            .that().resideInAPackage("com.imagingmanifest.gateway.fhir..")
            .should().dependOnClassesThat().haveFullyQualifiedName(STORE_PARTS[0])
            .orShould().dependOnClassesThat().haveFullyQualifiedName(STORE_PARTS[1])
            .orShould().dependOnClassesThat().haveFullyQualifiedName(STORE_PARTS[2])
            .because("reads, searches and history go through manifest.ManifestReads and writes through"
                    + " manifest.ManifestWriter, so their rules live in one place (docs/architecture.md §2)");

    /** The rules are not vacuous: the classes they guard are imported, and an edge class breaks the first. */
    @Test
    void theRulesSeeTheirClasses() {
        var imported = new ClassFileImporter().withImportOption(new ImportOption.DoNotIncludeTests())
                .importPackages("com.imagingmanifest.gateway.manifest", "com.imagingmanifest.gateway.fhir");
        assertThat(imported.contain("com.imagingmanifest.gateway.manifest.ManifestWriter")).isTrue();
        var edge = noClasses().that().resideInAPackage("com.imagingmanifest.gateway.fhir..")
                .should().dependOnClassesThat().resideInAnyPackage("ca.uhn.fhir.rest.server..");
        assertThat(edge.evaluate(imported).hasViolation()).as("the edge uses HAPI's server").isTrue();
        var reads = noClasses().that().resideInAPackage("com.imagingmanifest.gateway.manifest..")
                .should().dependOnClassesThat().haveFullyQualifiedName(STORE_PARTS[0]);
        assertThat(reads.evaluate(imported).hasViolation()).as("manifest.ManifestReads uses the store").isTrue();
    }
}
