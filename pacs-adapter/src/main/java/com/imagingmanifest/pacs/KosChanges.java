package com.imagingmanifest.pacs;

import java.util.List;

/** A page of the KOS feed: instances that appeared, and the cursor after them. */
public record KosChanges(List<InstanceRef> instances, String nextCursor, boolean done) {
}
