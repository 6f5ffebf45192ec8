package com.imagingmanifest.gateway.store;

import com.imagingmanifest.pacs.InstanceRef;
import java.time.Instant;
import java.util.List;

/**
 * An open intent: for {@link Purpose#WRITE}, the KOS a write may have stored on the PACS before its
 * version was committed; for {@link Purpose#RETIRE}, superseded KOS still to delete or reject.
 */
public record WriteIntent(String intentId, Purpose purpose, String organizationId, String resourceId,
        Instant created, List<InstanceRef> kos) {

    public enum Purpose {
        WRITE, RETIRE
    }
}
