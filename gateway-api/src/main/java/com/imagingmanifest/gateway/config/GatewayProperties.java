package com.imagingmanifest.gateway.config;

import com.imagingmanifest.pacs.PacsBinding;
import com.imagingmanifest.pacs.SupersededPolicy;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Everything under {@code gateway.*}: where the embedded store lives, request limits, and the
 * organizations (tenants) with the PACS each one is bound to.
 *
 * @param dataDir directory of the embedded H2 database (used when no {@code spring.datasource.url} is set)
 * @param maxBodySize largest request body accepted; larger bodies get 413
 * @param recoveryInterval how often open write intents are settled against the PACS
 * @param organizations the tenants
 */
@ConfigurationProperties("gateway")
public record GatewayProperties(
        @DefaultValue("./data") Path dataDir,
        @DefaultValue("1MB") DataSize maxBodySize,
        @DefaultValue("60s") Duration recoveryInterval,
        @DefaultValue List<Organization> organizations) {

    /**
     * One tenant; {@code id} and {@code slug} both name it in the URL. {@code scpAeTitle} is the
     * organization's AE on the gateway's C-STORE SCP (configured with ingestion), here because a
     * {@code c-move} binding names it as its move destination.
     */
    public record Organization(String id, String slug, String name, Pacs pacs, String scpAeTitle) {
        @ConstructorBinding
        public Organization {
        }

        public Organization(String id, String slug, String name, Pacs pacs) {
            this(id, slug, name, pacs, null);
        }
    }

    /** How an organization reaches its PACS; mirrors {@link PacsBinding}. */
    public record Pacs(
            @DefaultValue("orthanc") String kind,
            String aeTitle,
            String host,
            @DefaultValue("104") int port,
            @DefaultValue("IMGGATEWAY") String callingAeTitle,
            URI dicomwebUrl,
            URI publicDicomwebUrl,
            URI restUrl,
            String username,
            String password,
            String superseded,
            @DefaultValue("5s") Duration connectTimeout,
            @DefaultValue("30s") Duration responseTimeout,
            @DefaultValue("" + PacsBinding.DEFAULT_MAX_ASSOCIATIONS) int maxAssociations,
            String sslBundle,
            String bearerToken,
            @DefaultValue("c-get") String retrieve) {

        @ConstructorBinding
        public Pacs {
        }

        /** A binding retrieving by C-GET. */
        public Pacs(String kind, String aeTitle, String host, int port, String callingAeTitle, URI dicomwebUrl,
                URI publicDicomwebUrl, URI restUrl, String username, String password, String superseded,
                Duration connectTimeout, Duration responseTimeout, int maxAssociations, String sslBundle,
                String bearerToken) {
            this(kind, aeTitle, host, port, callingAeTitle, dicomwebUrl, publicDicomwebUrl, restUrl, username,
                    password, superseded, connectTimeout, responseTimeout, maxAssociations, sslBundle, bearerToken,
                    "c-get");
        }

        /**
         * The binding, without TLS material: {@code sslBundle} names a Spring Boot SSL bundle that
         * {@link com.imagingmanifest.gateway.tenant.Tenants} resolves.
         */
        public PacsBinding toBinding() {
            return toBinding(null);
        }

        /**
         * The binding; {@code moveDestination} (the organization's {@code scp-ae-title}) is where a
         * {@code retrieve=c-move} binding has the archive send what it retrieves.
         */
        public PacsBinding toBinding(String moveDestination) {
            PacsBinding.Kind k = oneOf(PacsBinding.Kind.class, kind, "kind");
            // absent: the kind's own default (orthanc: delete; dimse, dicomweb: reject)
            SupersededPolicy policy = superseded == null || superseded.isBlank() ? k.defaultSuperseded()
                    : oneOf(SupersededPolicy.class, superseded, "superseded");
            return new PacsBinding(k,
                    aeTitle, host, port, callingAeTitle, dicomwebUrl, publicDicomwebUrl, restUrl,
                    username, password, policy,
                    connectTimeout, responseTimeout, maxAssociations, null, bearerToken,
                    oneOf(PacsBinding.Retrieve.class, retrieve == null || retrieve.isBlank() ? "c-get" : retrieve,
                            "retrieve"),
                    moveDestination == null || moveDestination.isBlank() ? null : moveDestination.strip());
        }

        /** {@code value} as a constant of {@code type}, any case; IllegalArgumentException naming {@code key} otherwise. */
        private static <E extends Enum<E>> E oneOf(Class<E> type, String value, String key) {
            try {
                return Enum.valueOf(type, value.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new IllegalArgumentException(key + " must be one of " + java.util.Arrays.stream(
                        type.getEnumConstants()).map(c -> c.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'))
                        .collect(java.util.stream.Collectors.joining("|")) + ", not '" + value + "'", e);
            }
        }
    }
}
