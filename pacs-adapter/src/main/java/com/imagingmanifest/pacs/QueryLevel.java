package com.imagingmanifest.pacs;

/** Query/Retrieve Level (0008,0052) of the Study Root information model. */
public enum QueryLevel {
    STUDY, SERIES, IMAGE
}
