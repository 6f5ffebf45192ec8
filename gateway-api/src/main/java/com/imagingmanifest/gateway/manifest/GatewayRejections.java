package com.imagingmanifest.gateway.manifest;

import com.imagingmanifest.pacs.InstanceRef;
import com.imagingmanifest.pacs.Pacs;
import com.imagingmanifest.pacs.PacsException;

/**
 * Where the gateway remembers a KOS it removed from the PACS because its write was never
 * acknowledged: deleted, or rejected by a note where the binding cannot delete (the KOS then stays
 * on the PACS beside the note). A poller may have met the KOS before it went away or before its note;
 * remembered, it is never made a manifest. The record is written before the write's intent closes,
 * so at every moment either the open intent or this record says the KOS is the gateway's.
 */
@FunctionalInterface
public interface GatewayRejections {
    /** Remembers nothing (a PACS that deletes, or a test that does not poll). */
    GatewayRejections NONE = (organizationId, kosSopUid, noteSopUid) -> { };

    /** {@code noteSopUid}: the rejection note stored for the KOS, null when the PACS deleted it. */
    void rejected(String organizationId, String kosSopUid, String noteSopUid);

    /** Removes a never-acknowledged {@code kos} from {@code pacs} ({@link Pacs#discard}) and remembers it. */
    default void discard(Pacs pacs, String organizationId, InstanceRef kos) throws PacsException {
        rejected(organizationId, kos.sopInstanceUid(), pacs.discard(kos).orElse(null));
    }
}
