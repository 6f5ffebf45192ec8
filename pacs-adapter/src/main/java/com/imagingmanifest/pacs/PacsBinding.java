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
        Duration responseTimeout,
        int maxAssociations) {

    /**
     * Associations a DIMSE binding keeps open to the PACS at once (per pool: one for echo, find and
     * store, one for retrieve). Writes wait for a free one, so fewer than the concurrent writers makes
     * them queue in the gateway: the bench saw creates at 8 clients spend most of their time waiting
     * for one of two associations.
     */
    public static final int DEFAULT_MAX_ASSOCIATIONS = 8;

    public PacsBinding {
        if (maxAssociations < 1) {
            throw new IllegalArgumentException("max-associations must be at least 1");
        }
    }

    /** A binding with {@link #DEFAULT_MAX_ASSOCIATIONS}. */
    public PacsBinding(Kind kind, String aeTitle, String host, int port, String callingAeTitle, URI dicomwebUrl,
            URI publicDicomwebUrl, URI restUrl, String username, String password, SupersededPolicy superseded,
            Duration connectTimeout, Duration responseTimeout) {
        this(kind, aeTitle, host, port, callingAeTitle, dicomwebUrl, publicDicomwebUrl, restUrl, username, password,
                superseded, connectTimeout, responseTimeout, DEFAULT_MAX_ASSOCIATIONS);
    }

    public enum Kind {
        DIMSE, DICOMWEB, ORTHANC
    }

    /** The DICOMweb base viewers should use: the public one when set, else the internal one. */
    public URI viewerDicomwebUrl() {
        return publicDicomwebUrl != null ? publicDicomwebUrl : dicomwebUrl;
    }
}
