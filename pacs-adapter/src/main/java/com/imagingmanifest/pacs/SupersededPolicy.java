package com.imagingmanifest.pacs;

/** What happens to a KOS when its manifest gets a new version or is deleted. */
public enum SupersededPolicy {
    /** Remove the instance from the PACS. */
    DELETE,
    /** Store an IHE IOCM rejection note (KOS titled 113001 etc.) that references it. */
    REJECT,
    /** Leave it in place. */
    KEEP
}
