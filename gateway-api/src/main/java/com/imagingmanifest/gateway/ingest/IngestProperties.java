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
        scp = scp == null ? new Scp(null, "127.0.0.1", null, Map.of(), 8, DataSize.ofMegabytes(16),
                Duration.ofSeconds(60)) : scp;
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
     * @param maxObjectSize largest data set accepted in one C-STORE; a larger one aborts the association
     * @param idleTimeout how long an association may stay silent before it is aborted
     */
    public record Scp(
            Integer port,
            @DefaultValue("127.0.0.1") String host,
            String aeTitle,
            @DefaultValue Map<String, String> callingAeOrganizations,
            @DefaultValue("8") int maxAssociations,
            @DefaultValue("16MB") DataSize maxObjectSize,
            @DefaultValue("60s") Duration idleTimeout) {
    }

    /**
     * @param id the organization's id (as in {@code gateway.organizations[i].id})
     * @param scpAeTitle the SCP's AE title for this organization; optional
     * @param scpAllowedCallingAes calling AE titles allowed to store to {@code scpAeTitle}; empty: any
     * @param ingest polling and the on/off switch of ingestion for this organization
     */
    public record Organization(
            String id,
            String scpAeTitle,
            @DefaultValue List<String> scpAllowedCallingAes,
            Ingest ingest) {

        public Organization {
            ingest = ingest == null ? new Ingest(true, null, 100) : ingest;
        }
    }

    /**
     * @param enabled false: neither SCP nor poller ingests for this organization
     * @param pollInterval time between polls of the PACS's KOS feed; absent or 0: no polling
     * @param pageSize KOS asked of the PACS per page (one transaction per page)
     */
    public record Ingest(
            @DefaultValue("true") boolean enabled,
            Duration pollInterval,
            @DefaultValue("100") int pageSize) {

        public boolean polls() {
            return enabled && pollInterval != null && !pollInterval.isZero() && !pollInterval.isNegative();
        }
    }
}
