package com.imagingmanifest.pacs;

import java.util.List;

/**
 * A page of the KOS feed: the KOS that appeared, and the cursor after them.
 *
 * @param kos each KOS, with its Part 10 file when the PACS handed it over with the page
 */
public record KosChanges(List<Kos> kos, String nextCursor, boolean done) {

    public KosChanges {
        kos = List.copyOf(kos);
    }

    /**
     * One KOS of the page.
     *
     * @param ref its identity
     * @param part10 the KOS as a Part 10 file, read while the page was made; null when the PACS
     *     reports identities only and the caller retrieves each KOS itself
     */
    public record Kos(InstanceRef ref, byte[] part10) {
    }

    /** A page of identities only: the caller retrieves each KOS. */
    public static KosChanges of(List<InstanceRef> instances, String nextCursor, boolean done) {
        return new KosChanges(instances.stream().map(ref -> new Kos(ref, null)).toList(), nextCursor, done);
    }

    /** The identities of the page's KOS, in feed order. */
    public List<InstanceRef> instances() {
        return kos.stream().map(Kos::ref).toList();
    }
}
