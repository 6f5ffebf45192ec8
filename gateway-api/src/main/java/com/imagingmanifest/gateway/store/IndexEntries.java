package com.imagingmanifest.gateway.store;

import java.util.List;

/**
 * The search index rows of one manifest version, and the instances it selects (what the
 * selection-scoped DICOMweb may serve).
 *
 * @param authoringLow first millisecond the authoring time may denote, or null
 * @param authoringHigh last millisecond it may denote, or null
 */
public record IndexEntries(List<Token> tokens, List<Reference> references, String language, Long authoringLow,
        Long authoringHigh, List<Selected> selected) {

    /** Index rows of a version that selects nothing the scoped DICOMweb should serve. */
    public IndexEntries(List<Token> tokens, List<Reference> references, String language, Long authoringLow,
            Long authoringHigh) {
        this(tokens, references, language, authoringLow, authoringHigh, List.of());
    }

    /** A token: {@code system} is "" when the value has none. */
    public record Token(String param, String system, String value) {
    }

    public record Reference(String param, String reference) {
    }

    /** A selected instance: {@code frame} null selects it whole, else that one frame of it. */
    public record Selected(String studyUid, String seriesUid, String sopUid, Integer frame) {
    }
}
