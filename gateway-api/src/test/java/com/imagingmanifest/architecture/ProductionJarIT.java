package com.imagingmanifest.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/**
 * The production jar as {@code mvn package} built it (the exec jar that {@code ./gateway run} and the
 * Docker image start): its classes and its {@code BOOT-INF/lib}, which is the gateway's runtime class
 * path, carry no bench code, no HdrHistogram and no test framework. Runs after {@code package}
 * (failsafe), so it reads the jar of this build.
 */
class ProductionJarIT {
    /** Jars that belong to the bench or to tests, never to the running gateway. */
    private static final List<String> FOREIGN_JARS = List.of("HdrHistogram-", "gateway-bench-", "test-fixtures-",
            "test-studies-", "junit-", "opentest4j-", "testcontainers-", "assertj-", "mockito-", "archunit-");

    private final Path jar = Path.of(System.getProperty("gateway.exec-jar", "target/missing-exec.jar"));

    @Test
    void carriesTheGatewayAndNothingOfTheBenchOrTheTests() throws IOException {
        assertThat(jar).as("the exec jar of this build").isRegularFile();
        List<String> classes = new ArrayList<>();
        List<String> libs = new ArrayList<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            zip.stream().map(ZipEntry::getName).forEach(name -> {
                if (name.startsWith("BOOT-INF/classes/") && name.endsWith(".class")) {
                    classes.add(name.substring("BOOT-INF/classes/".length()));
                } else if (name.startsWith("BOOT-INF/lib/") && name.endsWith(".jar")) {
                    libs.add(name.substring("BOOT-INF/lib/".length()));
                }
            });
            // what the gateway needs is there: the rules below look at the real thing
            assertThat(classes).contains("com/imagingmanifest/gateway/GatewayApplication.class");
            assertThat(libs).anyMatch(l -> l.startsWith("dicom-kos-")).anyMatch(l -> l.startsWith("pacs-adapter-"))
                    .anyMatch(l -> l.startsWith("micrometer-core-"));

            assertThat(classes).noneMatch(c -> c.contains("/bench/"));
            assertThat(libs).noneMatch(l -> FOREIGN_JARS.stream().anyMatch(l::startsWith));
            // nor inside another jar (a shaded copy)
            for (String lib : libs) {
                try (InputStream in = zip.getInputStream(zip.getEntry("BOOT-INF/lib/" + lib));
                        ZipInputStream nested = new ZipInputStream(in)) {
                    for (ZipEntry e = nested.getNextEntry(); e != null; e = nested.getNextEntry()) {
                        assertThat(e.getName()).as("in %s", lib)
                                .doesNotStartWith("org/HdrHistogram/")
                                .doesNotStartWith("org/junit/")
                                .doesNotStartWith("com/imagingmanifest/gateway/bench/");
                    }
                }
            }
        }
    }
}
