package com.imagingmanifest.gateway.store;

import java.util.List;

/**
 * The search index rows of one manifest version.
 *
 * @param authoringLow first millisecond the authoring time may denote, or null
 * @param authoringHigh last millisecond it may denote, or null
 */
public record IndexEntries(List<Token> tokens, List<Reference> references, String language, Long authoringLow,
        Long authoringHigh) {

    /** A token: {@code system} is "" when the value has none. */
    public record Token(String param, String system, String value) {
    }

    public record Reference(String param, String reference) {
    }
}
