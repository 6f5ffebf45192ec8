package com.imagingmanifest.pacs;

import java.util.Collection;
import java.util.Set;

/**
 * What the caller of {@link Pacs#kosSince(String, int, KosLedger)} already knows about KOS, by SOP
 * Instance UID: those it decided about (ingested, quarantined, rejected) or wrote itself. A feed
 * without an insertion order (the watermark of DICOMweb and DIMSE) uses it to report a KOS that
 * arrived with a Content Date/Time behind its watermark, which the watermark alone would never report.
 */
@FunctionalInterface
public interface KosLedger {
    /** Takes every KOS behind the watermark as known: only KOS after it are reported. */
    KosLedger WATERMARK_ONLY = Set::copyOf;

    /** Those of {@code sopInstanceUids} that are known. */
    Set<String> known(Collection<String> sopInstanceUids);
}
