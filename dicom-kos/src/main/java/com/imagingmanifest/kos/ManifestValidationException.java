package com.imagingmanifest.kos;

import java.util.List;
import java.util.stream.Collectors;

/** A manifest that cannot be written as a KOS; carries every problem found, each with its location. */
public final class ManifestValidationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient List<ManifestProblem> problems;

    public ManifestValidationException(List<ManifestProblem> problems) {
        super(problems.stream().map(ManifestProblem::toString).collect(Collectors.joining("; ")));
        this.problems = List.copyOf(problems);
    }

    public List<ManifestProblem> problems() {
        return problems;
    }
}
