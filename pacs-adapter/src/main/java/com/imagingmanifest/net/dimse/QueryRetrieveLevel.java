package com.imagingmanifest.net.dimse;

/** Query/Retrieve Level (0008,0052) of the Study Root information model (PS3.4 C.6.2). */
public enum QueryRetrieveLevel {
    STUDY, SERIES, IMAGE
}
