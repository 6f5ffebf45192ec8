package com.imagingmanifest.gateway.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ManifestSearchParametersTest {

    @Test
    void commasSeparateValuesUnlessEscaped() {
        assertThat(ManifestSearchParameters.splitValues("a,b\\,c,,d")).containsExactly("a", "b,c", "d");
        assertThat(ManifestSearchParameters.splitValues("")).isEmpty();
    }

    @Test
    void everySupportedParameterIsAccepted() {
        Map<String, String[]> all = Map.ofEntries(
                Map.entry("_id", new String[] {"a,b"}), Map.entry("_language", new String[] {"de"}),
                Map.entry("author", new String[] {"Practitioner/1"}),
                Map.entry("authoring-time", new String[] {"ge2024-01", "lt2025"}),
                Map.entry("endpoint", new String[] {"Endpoint/e"}), Map.entry("identifier", new String[] {"s|v"}),
                Map.entry("imaging-study", new String[] {"ImagingStudy/s"}),
                Map.entry("patient", new String[] {"Patient/p"}),
                Map.entry("patient.identifier", new String[] {"|v"}),
                Map.entry("selected-study", new String[] {"urn:oid:1.2.3"}),
                Map.entry("_lastUpdated", new String[] {"ap2024-01-01T10:00:00Z"}),
                Map.entry("_sort", new String[] {"-_lastUpdated,authoring-time,_id"}),
                Map.entry("_count", new String[] {"5"}), Map.entry("_format", new String[] {"json"}));
        assertThat(ManifestSearchParameters.toQuery(all, System.currentTimeMillis())).isNotNull();
    }

    @Test
    void unknownNamesModifiersAndBadValuesAreRefused() {
        for (Map<String, String[]> bad : java.util.List.of(
                Map.of("description", new String[] {"x"}), Map.of("patient:Patient", new String[] {"1"}),
                Map.of("authoring-time", new String[] {"zz2024"}), Map.of("_sort", new String[] {"patient"}),
                Map.of("identifier", new String[] {"sys|"}), Map.of("_count", new String[] {"many"}),
                Map.of("_id", new String[] {""}))) {
            assertThatThrownBy(() -> ManifestSearchParameters.toQuery(bad, 0L))
                    .as(bad.keySet().toString()).isInstanceOf(InvalidRequestException.class);
        }
    }
}
