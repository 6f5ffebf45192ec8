package com.imagingmanifest.gateway.ingest;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * The ingestion settings under {@code gateway.*}: the C-STORE SCP ({@code gateway.scp.*}) and, per
 * organization, its SCP application entity and its polling ({@code gateway.organizations[i].*},
 * matched to the organization by {@code id}; the rest of each entry belongs to the FHIR side).
 *
 * @param scp the C-STORE SCP; it runs only when {@code gateway.scp.port} is set
 * @param organizations the ingestion part of each configured organization
 */
@ConfigurationProperties("gateway")
public record IngestProperties(Scp scp, @DefaultValue List<Organization> organizations) {

    public IngestProperties {
        scp = scp == null ? new Scp(null, "127.0.0.1", null, Map.of(), 8, 4, 32, DataSize.ofMegabytes(16),
                Duration.ofSeconds(60), Duration.ofSeconds(5), Duration.ofSeconds(10), null) : scp;
    }

    /**
     * The gateway's C-STORE SCP (PS3.4 Annex B).
     *
     * @param port TCP port; absent: no SCP; 0: a free port (tests)
     * @param host address to bind
     * @param aeTitle an AE title shared by several organizations, which the calling AE title then
     *     chooses through {@code callingAeOrganizations}; optional
     * @param callingAeOrganizations calling AE title to organization id or slug, for {@code aeTitle}
     * @param maxAssociations associations served at once; more are rejected (transient)
     * @param maxAssociationsPerCallingAe associations one calling AE title may hold at once; more are
     *     rejected (transient), so one peer cannot take every slot
     * @param maxPendingAssociations connections still sending their association request served at once
     * @param maxObjectSize largest data set accepted in one C-STORE; a larger one aborts the association.
     *     A deflated data set may expand to no more than this either
     * @param idleTimeout how long an association may stay silent between messages before it is aborted
     * @param associationRequestTimeout time from connect to the whole A-ASSOCIATE-RQ (ARTIM), absolute
     * @param pduTimeout time for one PDU from its first byte to its last, and the longest pause between
     *     the PDUs of one message
     * @param sslBundle name of a Spring Boot SSL bundle ({@code spring.ssl.bundle.*}) holding the SCP's
     *     key and, for client authentication, its trust store; set: the SCP speaks DICOM over TLS
     *     only (PS3.15 B.1); absent: plain TCP
     */
    public record Scp(
            Integer port,
            @DefaultValue("127.0.0.1") String host,
            String aeTitle,
            @DefaultValue Map<String, String> callingAeOrganizations,
            @DefaultValue("8") int maxAssociations,
            @DefaultValue("4") int maxAssociationsPerCallingAe,
            @DefaultValue("32") int maxPendingAssociations,
            @DefaultValue("16MB") DataSize maxObjectSize,
            @DefaultValue("60s") Duration idleTimeout,
            @DefaultValue("5s") Duration associationRequestTimeout,
            @DefaultValue("10s") Duration pduTimeout,
            String sslBundle) {
    }

    /**
     * @param id the organization's id (as in {@code gateway.organizations[i].id})
     * @param scpAeTitle the SCP's AE title for this organization; optional
     * @param scpAllowedCallingAes calling AE titles allowed to store to {@code scpAeTitle}; {@code *}: any;
     *     empty: none (the AE refuses every association)
     * @param scpClientCertificates subjects (RFC 4514 distinguished names) of the TLS client certificates
     *     that may store for this organization; empty: no certificate asked of its peers
     * @param retrieveHosts hosts a KOS's Retrieve URL may name for this organization (others are dropped);
     *     empty: any host, as long as the scheme is http or https
     * @param ingest polling and the on/off switch of ingestion for this organization
     */
    public record Organization(
            String id,
            String scpAeTitle,
            @DefaultValue List<String> scpAllowedCallingAes,
            @DefaultValue List<String> scpClientCertificates,
            @DefaultValue List<String> retrieveHosts,
            Ingest ingest) {

        public Organization {
            ingest = ingest == null ? new Ingest(true, null, 100, DataSize.ofMegabytes(256), Ingest.DEFAULT_RETRIEVAL_ATTEMPTS) : ingest;
        }
    }

    /**
     * @param enabled false: neither SCP nor poller ingests for this organization
     * @param pollInterval time between polls of the PACS's KOS feed; absent or 0: no polling
     * @param pageSize KOS asked of the PACS per page (one transaction per page)
     * @param quarantineQuota the most bytes of quarantined objects kept for this organization; above
     *     it the oldest are dropped (counted by {@code gateway.ingest.quarantine.dropped}), so that a
     *     sender of broken objects cannot fill the store
     * @param retrievalAttempts turns in a row the poller tries to fetch a KOS that the PACS fails for that
     *     object alone (a failed C-GET/C-MOVE sub-operation, an HTTP error on the instance) before it
     *     quarantines the KOS as {@code unretrievable} and the feed moves on; failures of the PACS as a
     *     whole (unreachable, association refused, A801 Move Destination unknown) never count
     */
    public record Ingest(
            @DefaultValue("true") boolean enabled,
            Duration pollInterval,
            @DefaultValue("100") int pageSize,
            @DefaultValue("256MB") DataSize quarantineQuota,
            @DefaultValue("" + DEFAULT_RETRIEVAL_ATTEMPTS) int retrievalAttempts) {

        public static final int DEFAULT_RETRIEVAL_ATTEMPTS = 5;

        public boolean polls() {
            return enabled && pollInterval != null && !pollInterval.isZero() && !pollInterval.isNegative();
        }
    }
}
