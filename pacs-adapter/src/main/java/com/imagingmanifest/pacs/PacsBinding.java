package com.imagingmanifest.pacs;

import java.net.URI;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * How a tenant reaches its PACS (docs/architecture.md §4). {@code dicomwebUrl} is the base the gateway
 * uses; {@code publicDicomwebUrl} is the base viewers are given in Retrieve URL and Endpoint.address.
 * {@code tlsContext}, when set, secures both roads to the PACS: DIMSE associations become TLS
 * connections (PS3.15 B.1) and https URLs are trusted by it instead of the JVM's default; the PACS's
 * certificate must name the host the gateway connects to. HTTP requests authenticate with
 * {@code bearerToken} (RFC 6750) or with {@code username}/{@code password} (Basic), never both.
 * {@code retrieve} says how a DIMSE binding fetches an instance: C-GET on its own association, or
 * C-MOVE to {@code moveDestination}, the AE title of the gateway's own C-STORE SCP for the organization.
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
        int maxAssociations,
        SSLContext tlsContext,
        String bearerToken,
        Retrieve retrieve,
        String moveDestination) {

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
        if (bearerToken != null && !bearerToken.isEmpty() && username != null && !username.isEmpty()) {
            throw new IllegalArgumentException("set username/password or bearer-token, not both");
        }
        retrieve = retrieve == null ? Retrieve.C_GET : retrieve;
        if (retrieve == Retrieve.C_MOVE && kind != Kind.DIMSE) {
            throw new IllegalArgumentException("retrieve=c-move needs kind=dimse (" + kind.name().toLowerCase(
                    java.util.Locale.ROOT) + " retrieves over HTTP)");
        }
        if (retrieve == Retrieve.C_MOVE && (moveDestination == null || moveDestination.isBlank())) {
            throw new IllegalArgumentException("retrieve=c-move needs the gateway's C-STORE SCP AE title as its"
                    + " move destination");
        }
    }

    /** A binding retrieving by C-GET. */
    public PacsBinding(Kind kind, String aeTitle, String host, int port, String callingAeTitle, URI dicomwebUrl,
            URI publicDicomwebUrl, URI restUrl, String username, String password, SupersededPolicy superseded,
            Duration connectTimeout, Duration responseTimeout, int maxAssociations, SSLContext tlsContext,
            String bearerToken) {
        this(kind, aeTitle, host, port, callingAeTitle, dicomwebUrl, publicDicomwebUrl, restUrl, username, password,
                superseded, connectTimeout, responseTimeout, maxAssociations, tlsContext, bearerToken, Retrieve.C_GET,
                null);
    }

    /** How a DIMSE binding retrieves an instance (PS3.4 C.4.2 C-MOVE, C.4.3 C-GET). */
    public enum Retrieve {
        C_GET, C_MOVE
    }

    /** A binding without TLS material and bearer token. */
    public PacsBinding(Kind kind, String aeTitle, String host, int port, String callingAeTitle, URI dicomwebUrl,
            URI publicDicomwebUrl, URI restUrl, String username, String password, SupersededPolicy superseded,
            Duration connectTimeout, Duration responseTimeout, int maxAssociations) {
        this(kind, aeTitle, host, port, callingAeTitle, dicomwebUrl, publicDicomwebUrl, restUrl, username, password,
                superseded, connectTimeout, responseTimeout, maxAssociations, null, null);
    }

    /** A binding with {@link #DEFAULT_MAX_ASSOCIATIONS}. */
    public PacsBinding(Kind kind, String aeTitle, String host, int port, String callingAeTitle, URI dicomwebUrl,
            URI publicDicomwebUrl, URI restUrl, String username, String password, SupersededPolicy superseded,
            Duration connectTimeout, Duration responseTimeout) {
        this(kind, aeTitle, host, port, callingAeTitle, dicomwebUrl, publicDicomwebUrl, restUrl, username, password,
                superseded, connectTimeout, responseTimeout, DEFAULT_MAX_ASSOCIATIONS);
    }

    public enum Kind {
        DIMSE, DICOMWEB, ORTHANC;

        /** The superseded policy a binding of this kind gets when none is configured: one it can honour. */
        public SupersededPolicy defaultSuperseded() {
            return this == ORTHANC ? SupersededPolicy.DELETE : SupersededPolicy.REJECT;
        }
    }

    /** This binding with the given TLS material (null: plain TCP and the JVM's default trust). */
    public PacsBinding withTlsContext(SSLContext tls) {
        return new PacsBinding(kind, aeTitle, host, port, callingAeTitle, dicomwebUrl, publicDicomwebUrl, restUrl,
                username, password, superseded, connectTimeout, responseTimeout, maxAssociations, tls, bearerToken,
                retrieve, moveDestination);
    }

    /** This binding retrieving by {@code retrieve}, moving to {@code moveDestination} for C-MOVE. */
    public PacsBinding withRetrieve(Retrieve retrieve, String moveDestination) {
        return new PacsBinding(kind, aeTitle, host, port, callingAeTitle, dicomwebUrl, publicDicomwebUrl, restUrl,
                username, password, superseded, connectTimeout, responseTimeout, maxAssociations, tlsContext,
                bearerToken, retrieve, moveDestination);
    }

    /** Secrets left out: a binding may be logged or shown in an error. */
    @Override
    public String toString() {
        return "PacsBinding[kind=" + kind + ", aeTitle=" + aeTitle + ", host=" + host + ", port=" + port
                + ", callingAeTitle=" + callingAeTitle + ", dicomwebUrl=" + dicomwebUrl + ", restUrl=" + restUrl
                + ", username=" + username + ", password=" + (password == null ? "none" : "[set]")
                + ", bearerToken=" + (bearerToken == null ? "none" : "[set]") + ", tls=" + (tlsContext != null)
                + ", superseded=" + superseded + ", maxAssociations=" + maxAssociations + ", retrieve=" + retrieve
                + (retrieve == Retrieve.C_MOVE ? ", moveDestination=" + moveDestination : "") + "]";
    }

    /** The DICOMweb base viewers should use: the public one when set, else the internal one. */
    public URI viewerDicomwebUrl() {
        return publicDicomwebUrl != null ? publicDicomwebUrl : dicomwebUrl;
    }
}
