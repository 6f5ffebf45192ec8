package com.imagingmanifest.dicom.data;

import java.util.Objects;

/**
 * A value held elsewhere, named by a URI (PS3.18 F.2.6 BulkDataURI). A data set may carry it as the
 * value of a binary element until the bulk data is fetched; the binary writers refuse it.
 */
public record BulkDataUri(String uri) {
    public BulkDataUri {
        Objects.requireNonNull(uri, "uri");
    }
}
