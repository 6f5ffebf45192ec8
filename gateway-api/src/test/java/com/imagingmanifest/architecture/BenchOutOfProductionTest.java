package com.imagingmanifest.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * docs/architecture.md §1: the bench is a program of its own (module gateway-bench). The gateway's
 * main code holds no bench package and depends on none, so the production jar carries no bench code;
 * {@code ProductionJarIT} checks the built jar itself.
 */
@AnalyzeClasses(packages = "com.imagingmanifest.gateway", importOptions = ImportOption.DoNotIncludeTests.class)
class BenchOutOfProductionTest {

    @ArchTest
    static final ArchRule NO_BENCH_DEPENDENCY = noClasses()
            .that().resideInAPackage("com.imagingmanifest.gateway..")
            .should().dependOnClassesThat().resideInAnyPackage("..bench..", "org.HdrHistogram..")
            .because("the bench measures the gateway from outside (gateway-bench); its code and HdrHistogram"
                    + " stay off the gateway's class path (docs/architecture.md §1)");

    @ArchTest
    static final ArchRule NO_BENCH_PACKAGE = noClasses()
            .should().resideInAPackage("..bench..")
            .because("bench code lives in the module gateway-bench, not in the production jar");

    /** The rules are not vacuous: a class using bench code, and a class in a bench package, are reported. */
    @Test
    void rulesReportViolatingClasses() {
        JavaClasses offenders = new ClassFileImporter().importClasses(
                com.imagingmanifest.gateway.architectureprobe.ProbeUsingBench.class,
                com.imagingmanifest.gateway.architectureprobe.bench.BenchProbe.class);
        assertTrue(NO_BENCH_DEPENDENCY.evaluate(offenders).hasViolation());
        assertTrue(NO_BENCH_PACKAGE.evaluate(offenders).hasViolation());
    }
}
