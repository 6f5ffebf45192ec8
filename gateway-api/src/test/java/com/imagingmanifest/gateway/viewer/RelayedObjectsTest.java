package com.imagingmanifest.gateway.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RelayedObjectsTest {

    @Test
    void keepsWholeAnswersUpToTheObjectLimitPerOrganization() {
        RelayedObjects kept = new RelayedObjects(10_000, 1_000);
        kept.put("org-a", "W/\"e1\"", Map.of("Content-Type", "image/jpeg"), new byte[1_000]);
        kept.put("org-a", "W/\"big\"", Map.of(), new byte[1_001]);
        assertThat(kept.get("org-a", "W/\"e1\"")).hasValueSatisfying(a -> {
            assertThat(a.body()).hasSize(1_000);
            assertThat(a.headers()).containsEntry("Content-Type", "image/jpeg");
        });
        assertThat(kept.get("org-a", "W/\"big\"")).as("over the object limit: streamed only").isEmpty();
        assertThat(kept.get("org-b", "W/\"e1\"")).as("another organization's answer").isEmpty();
    }

    @Test
    void aCapacityOfZeroKeepsNothing() {
        RelayedObjects none = new RelayedObjects(0, 2_000_000);
        assertThat(none.objectLimit()).isZero();
        none.put("org-a", "W/\"e1\"", Map.of(), new byte[10]);
        assertThat(none.get("org-a", "W/\"e1\"")).isEmpty();
    }
}
