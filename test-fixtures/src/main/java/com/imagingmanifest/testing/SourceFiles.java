package com.imagingmanifest.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The Java source files of a module, for rules bytecode cannot check: a production class (one file)
 * over some number of lines has grown more than one responsibility (docs/architecture.md §1).
 */
public final class SourceFiles {
    private SourceFiles() {
    }

    /** Each {@code .java} file under {@code root} longer than {@code maxLines} lines, with its line count. */
    public static Map<Path, Long> longerThan(Path root, int maxLines) {
        Map<Path, Long> longer = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
                long lines;
                try (Stream<String> text = Files.lines(file)) {
                    lines = text.count();
                }
                if (lines > maxLines) {
                    longer.put(root.relativize(file), lines);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return longer;
    }
}
