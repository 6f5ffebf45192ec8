package com.imagingmanifest.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagingmanifest.testing.GatewayScript;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/architecture.md is the map a new engineer reads first, so it must name what exists: every
 * {@code package.Class} it mentions (in its prose, tables and the diagram of §1) is a class of one of
 * the project's modules, and every {@code docs/architecture.md §N} a source comment cites is a
 * section of it. A rename that forgets the document fails here instead of misleading a reader.
 */
class ArchitectureDocumentTest {
    /** package.Class as the document writes it: lower-case package segments, then a type name. */
    static final Pattern CLASS_REFERENCE = Pattern.compile("(?<![\\w.])([a-z][a-z0-9]*(?:\\.[a-z][a-z0-9]*)*)\\.([A-Z][A-Za-z0-9]*)\\b");
    static final Pattern SECTION_CITATION = Pattern.compile("architecture\\.md §(\\d+)");
    static final Pattern SECTION_HEADING = Pattern.compile("(?m)^## (\\d+)\\. ");

    static final Path ROOT = GatewayScript.root();

    @Test
    void everyClassTheDocumentNamesExists() throws IOException {
        String document = Files.readString(ROOT.resolve("docs/architecture.md"));
        Set<String> classes = projectClasses();
        assertThat(classes).as("the project's classes are found").contains("gateway.manifest.ManifestWriter");

        List<String> missing = missingReferences(document, classes);
        List<String> named = new ArrayList<>();
        CLASS_REFERENCE.matcher(document).results().forEach(m -> named.add(m.group()));
        assertThat(named).as("the document names classes by package").hasSizeGreaterThan(40);
        assertThat(missing).as("classes named in docs/architecture.md that no module has").isEmpty();
    }

    @Test
    void aRenamedClassIsCaught() {
        Set<String> classes = Set.of("gateway.manifest.ManifestWriter", "pacs.Pacs");
        assertThat(missingReferences("`manifest.ManifestWriter` stores through `pacs.Pacs`.", classes)).isEmpty();
        assertThat(missingReferences("`manifest.ManifestStore` and `store.ManifestWriter`", classes))
                .containsExactly("manifest.ManifestStore", "store.ManifestWriter");
    }

    @Test
    void everyCitedSectionExists() throws IOException {
        String document = Files.readString(ROOT.resolve("docs/architecture.md"));
        Set<Integer> sections = new TreeSet<>();
        SECTION_HEADING.matcher(document).results().forEach(m -> sections.add(Integer.valueOf(m.group(1))));
        assertThat(sections).as("numbered sections of docs/architecture.md").contains(1, 2, 3, 8);

        Set<String> wrong = new TreeSet<>();
        int citations = 0;
        for (Path file : sourceFiles()) {
            Matcher m = SECTION_CITATION.matcher(Files.readString(file));
            while (m.find()) {
                citations++;
                if (!sections.contains(Integer.valueOf(m.group(1)))) {
                    wrong.add(ROOT.relativize(file) + " cites §" + m.group(1));
                }
            }
        }
        assertThat(citations).as("source comments cite the document").isGreaterThan(20);
        assertThat(wrong).as("citations of sections docs/architecture.md does not have").isEmpty();
    }

    /** The references in {@code text} that name no class of {@code classes} (package suffix + name). */
    static List<String> missingReferences(String text, Set<String> classes) {
        List<String> missing = new ArrayList<>();
        Matcher m = CLASS_REFERENCE.matcher(text);
        while (m.find()) {
            String reference = m.group();
            boolean known = classes.stream().anyMatch(c -> c.equals(reference) || c.endsWith("." + reference));
            if (!known && !missing.contains(reference)) {
                missing.add(reference);
            }
        }
        return missing;
    }

    /** Every class of the reactor's modules and of the peer, as package.Name below com.imagingmanifest. */
    static Set<String> projectClasses() throws IOException {
        Set<String> classes = new TreeSet<>();
        for (Path file : sourceFiles()) {
            String path = file.toString().replace('\\', '/');
            int at = path.indexOf("/java/com/");
            if (at < 0 || !path.endsWith(".java")) {
                continue;
            }
            String name = path.substring(at + "/java/com/".length(), path.length() - ".java".length())
                    .replace('/', '.');
            // com.imagingmanifest.gateway.web.RequestTarget -> gateway.web.RequestTarget
            classes.add(name.substring(name.indexOf('.') + 1));
        }
        return classes;
    }

    static List<Path> sourceFiles() {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(ROOT)) {
            walk.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> p.toString().contains("/src/"))
                    .filter(p -> !p.toString().contains("/target/") && !p.toString().contains("/.git/"))
                    .forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }
}
