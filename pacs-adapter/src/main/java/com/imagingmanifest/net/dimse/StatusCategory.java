package com.imagingmanifest.net.dimse;

/** Status classes of PS3.7 Annex C. */
public enum StatusCategory {
    SUCCESS, PENDING, CANCEL, WARNING, FAILURE
}
