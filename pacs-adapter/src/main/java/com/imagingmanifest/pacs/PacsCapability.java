package com.imagingmanifest.pacs;

/** What a PACS binding can do; declared, not discovered by failing. */
public enum PacsCapability {
    STORE, FIND, STUDY_CONTEXT, RETRIEVE, DELETE, REJECT, CHANGE_FEED
}
