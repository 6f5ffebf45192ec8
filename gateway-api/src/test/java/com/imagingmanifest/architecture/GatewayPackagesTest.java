package com.imagingmanifest.architecture;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.imagingmanifest.testing.SourceFiles;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * docs/architecture.md §1: the packages of gateway-api form no cycle (each can be read, and changed,
 * knowing only those below it), and no production file of gateway-api or gateway-bench is over 500
 * lines (a class that long is two classes).
 */
class GatewayPackagesTest {
    static final int MAX_LINES = 500;

    private static JavaClasses production() {
        return new ClassFileImporter().withImportOption(new ImportOption.DoNotIncludeTests())
                .importPackages("com.imagingmanifest.gateway");
    }

    /** The packages right under {@code root} form no cycle. */
    static ArchRule noPackageCycles(String root) {
        return slices().matching(root + ".(*)..").should().beFreeOfCycles()
                .because("a cycle makes two packages one (docs/architecture.md §1)");
    }

    @Test
    void thePackagesOfGatewayApiFormNoCycle() {
        JavaClasses classes = production();
        assertThat(classes.contain("com.imagingmanifest.gateway.manifest.ManifestWriter"))
                .as("the production classes are imported").isTrue();
        noPackageCycles("com.imagingmanifest.gateway").check(classes);
    }

    @Test
    void theCycleRuleCanFail() {
        // fhir uses manifest; a class of manifest that used fhir would close a cycle: the rule sees the
        // test class below, which stands for one
        JavaClasses classes = new ClassFileImporter().importPackages("com.imagingmanifest.architecture.cycle");
        assertThat(noPackageCycles("com.imagingmanifest.architecture.cycle").evaluate(classes).hasViolation()).isTrue();
    }

    @Test
    void noProductionFileIsOver500Lines() {
        Path root = Path.of("").toAbsolutePath().getParent();
        for (String module : new String[] {"gateway-api", "gateway-bench"}) {
            Path sources = root.resolve(module).resolve("src/main/java");
            assertThat(Files.isDirectory(sources)).as(sources.toString()).isTrue();
            assertThat(SourceFiles.longerThan(sources, MAX_LINES)).as("files of %s over %d lines", module, MAX_LINES)
                    .isEmpty();
        }
        assertThat(SourceFiles.longerThan(root.resolve("gateway-api/src/test/java"), MAX_LINES))
                .as("the rule can fail: some test file is longer").isNotEmpty();
    }
}
