package com.imagingmanifest.gateway.store;

import com.imagingmanifest.pacs.InstanceRef;
import java.time.Instant;
import java.util.List;

/** An open write: the KOS it may have stored on the PACS before its version was committed. */
public record WriteIntent(String intentId, String organizationId, String resourceId, Instant created,
        List<InstanceRef> kos) {
}
