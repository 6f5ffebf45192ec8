package com.imagingmanifest.gateway.manifest;

import com.imagingmanifest.pacs.InstanceRef;
import com.imagingmanifest.pacs.Pacs;
import com.imagingmanifest.pacs.PacsException;

/**
 * Where the gateway remembers a KOS it rejected on the PACS instead of deleting it (a binding
 * without delete). The KOS stays on the PACS beside its rejection note, and the poller may meet the
 * KOS before the note: remembered as rejected, it is never made a manifest.
 */
@FunctionalInterface
public interface GatewayRejections {
    /** Remembers nothing (a PACS that deletes, or a test that does not poll). */
    GatewayRejections NONE = (organizationId, kosSopUid, noteSopUid) -> { };

    void rejected(String organizationId, String kosSopUid, String noteSopUid);

    /** Removes a never-acknowledged {@code kos} from {@code pacs} ({@link Pacs#discard}) and remembers a note stored for it. */
    default void discard(Pacs pacs, String organizationId, InstanceRef kos) throws PacsException {
        pacs.discard(kos).ifPresent(note -> rejected(organizationId, kos.sopInstanceUid(), note));
    }
}
