package com.imagingmanifest.pacs;

import java.net.URI;
import java.time.Duration;

/**
 * How a tenant reaches its PACS (DESIGN.md section 4). {@code dicomwebUrl} is the base the gateway
 * uses; {@code publicDicomwebUrl} is the base viewers are given in Retrieve URL and Endpoint.address.
 */
public record PacsBinding(
        Kind kind,
        String aeTitle,
        String host,
        int port,
        String callingAeTitle,
        URI dicomwebUrl,
        URI publicDicomwebUrl,
        URI restUrl,
        String username,
        String password,
        SupersededPolicy superseded,
        Duration connectTimeout,
        Duration responseTimeout) {

    public enum Kind {
        DIMSE, DICOMWEB, ORTHANC
    }

    /** The DICOMweb base viewers should use: the public one when set, else the internal one. */
    public URI viewerDicomwebUrl() {
        return publicDicomwebUrl != null ? publicDicomwebUrl : dicomwebUrl;
    }
}
