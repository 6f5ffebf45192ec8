package com.imagingmanifest.gateway.ingest;

import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.gateway.config.NamedSslBundles;
import com.imagingmanifest.gateway.tenant.Tenant;
import com.imagingmanifest.gateway.tenant.Tenants;
import com.imagingmanifest.net.dimse.DimseServer;
import com.imagingmanifest.net.dimse.DimseStatus;
import com.imagingmanifest.net.dimse.StoreHandler;
import com.imagingmanifest.net.dimse.SopClasses;
import com.imagingmanifest.net.dimse.StoreRequest;
import com.imagingmanifest.pacs.MoveArrivals;
import com.imagingmanifest.pacs.PacsBinding;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.security.auth.x500.X500Principal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * The gateway's C-STORE SCP (docs/architecture.md §5): one application entity per organization
 * ({@code scp-ae-title}, with its calling-AE allow list) and optionally one shared AE whose calling
 * AE titles name the organization ({@code gateway.scp.calling-ae-organizations}). A KOS is answered
 * only after its manifest is committed (or it is quarantined). Runs when {@code gateway.scp.port} is set.
 *
 * <p>Only Verification and Key Object Selection Document Storage are negotiated: a presentation
 * context for any other abstract syntax is rejected (result 3, abstract syntax not supported), so a
 * sender of images learns it at once instead of after sending megabytes. A calling AE must be on
 * the organization's allow list ({@code *}: any; empty: the AE refuses every association) and, when
 * the organization lists client certificates, present one of them over TLS.
 *
 * <p>Statuses (PS3.4 B.2.3, PS3.7 C.5): a C-STORE whose SOP class differs from the context's gets
 * 0122 "SOP Class not supported"; a KOS that cannot be parsed gets C000 and one that parses but cannot be mapped to
 * a manifest C001 ("Error: Cannot understand", C000-CFFF), both quarantined; a database failure
 * gets 0110 "Processing failure" (nothing was decided: the sender may retry). Duplicates, the
 * gateway's own KOS and rejection notes are answered with success.
 *
 * <p>C-MOVE destination: an organization whose PACS binding retrieves by {@code c-move} has the
 * archive send to this organization's AE; every object received is first offered to the
 * {@link MoveArrivals} of the retrievals waiting, matched by SOP Instance UID, and one that is
 * awaited goes to its retrieval only, not to ingestion. Such an organization's AE also admits the
 * PACS's own AE title as calling AE (the archive calls with it), runs even with ingestion disabled
 * (then only awaited objects are taken), and the SCP then negotiates the default storage classes, not
 * only KOS, so that an image a viewer retrieves can be moved too. Without the SCP the start fails.
 */
@Component
public class KosStoreScp implements SmartLifecycle {
    static final int CANNOT_PARSE = 0xC000;
    static final int CANNOT_MAP = 0xC001;
    // PS3.5 6.2 AE: at most 16 characters of the default repertoire, no backslash, no control characters
    private static final Pattern AE_TITLE = Pattern.compile("[\\x20-\\x5B\\x5D-\\x7E]{1,16}");
    private static final Logger log = LoggerFactory.getLogger(KosStoreScp.class);

    private final IngestProperties properties;
    private final Tenants tenants;
    private final KosIngestion ingestion;
    private final MoveArrivals arrivals;
    private volatile DimseServer server;

    private final ObjectProvider<SslBundles> sslBundles;

    KosStoreScp(IngestProperties properties, Tenants tenants, KosIngestion ingestion,
            ObjectProvider<SslBundles> sslBundles, MoveArrivals arrivals) {
        this.sslBundles = sslBundles;
        this.properties = properties;
        this.tenants = tenants;
        this.ingestion = ingestion;
        this.arrivals = arrivals;
        requireMoveDestinations();
        entities(); // configuration errors stop the start
    }

    /** A c-move binding whose archive could send to no SCP would fail every retrieval: refuse the start. */
    private void requireMoveDestinations() {
        for (Tenant tenant : tenants.all()) {
            if (tenant.pacs().retrieve() != PacsBinding.Retrieve.C_MOVE) {
                continue;
            }
            if (properties.scp().port() == null) {
                throw new IllegalStateException("organization " + tenant.id() + ": pacs.retrieve=c-move needs the"
                        + " gateway's C-STORE SCP, where the archive sends to AE " + tenant.pacs().moveDestination()
                        + "; set gateway.scp.port (or use pacs.retrieve=c-get)");
            }
        }
    }

    /** The tenant retrieving by C-MOVE to its {@code scp-ae-title}, if {@code o} is one. */
    private Tenant mover(IngestProperties.Organization o) {
        return tenants.find(o.id() == null ? "" : o.id())
                .filter(t -> t.pacs().retrieve() == PacsBinding.Retrieve.C_MOVE).orElse(null);
    }

    /** The bound port, or -1 when the SCP does not run. */
    public int port() {
        DimseServer s = server;
        return s == null ? -1 : s.port();
    }

    /**
     * One served AE: its allowed calling AE titles ({@code *}: any), how a calling AE picks the
     * organization, and the client certificate subjects each organization accepts (none listed: any).
     */
    private record Entity(Set<String> allowedCallingAes, Function<String, Tenant> organization,
            Map<String, Set<X500Principal>> certificates) {

        boolean admits(DimseServer.Peer peer) {
            Tenant tenant = organization.apply(peer.callingAeTitle());
            Set<X500Principal> subjects = tenant == null ? Set.of() : certificates.getOrDefault(tenant.id(), Set.of());
            return subjects.isEmpty() || peer.certificateSubject() != null && subjects.contains(peer.certificateSubject());
        }
    }

    private Map<String, Entity> entities() {
        Map<String, Entity> entities = new LinkedHashMap<>();
        Map<String, Set<X500Principal>> certificates = certificates();
        for (int i = 0; i < properties.organizations().size(); i++) {
            IngestProperties.Organization o = properties.organizations().get(i);
            String where = "gateway.organizations[" + i + "]";
            if (o.scpAeTitle() == null || o.scpAeTitle().isBlank()) {
                continue;
            }
            Tenant tenant = tenant(o.id(), where + ".id");
            String ae = aeTitle(o.scpAeTitle(), where + ".scp-ae-title");
            Set<String> allowed = new LinkedHashSet<>();
            for (String calling : o.scpAllowedCallingAes()) {
                allowed.add(DimseServer.ANY_CALLING_AE.equals(calling.strip()) ? DimseServer.ANY_CALLING_AE
                        : aeTitle(calling, where + ".scp-allowed-calling-aes"));
            }
            Tenant mover = mover(o);
            if (mover != null && mover.pacs().aeTitle() != null) {
                allowed.add(mover.pacs().aeTitle().strip()); // the archive's C-STORE sub-operations
            }
            if (!o.ingest().enabled() && mover == null) {
                continue;
            }
            if (allowed.isEmpty()) {
                log.warn("{}.scp-allowed-calling-aes is empty: AE {} refuses every association (list the"
                        + " calling AE titles of the organization's senders, or * for any)", where, ae);
            }
            if (entities.put(ae, new Entity(allowed, calling -> tenant, certificates)) != null) {
                throw new IllegalStateException(where + ".scp-ae-title " + ae + " is used twice");
            }
        }
        IngestProperties.Scp scp = properties.scp();
        if (scp.aeTitle() != null && !scp.aeTitle().isBlank()) {
            String ae = aeTitle(scp.aeTitle(), "gateway.scp.ae-title");
            Set<String> disabled = new HashSet<>();
            properties.organizations().stream().filter(o -> !o.ingest().enabled()).forEach(o -> disabled.add(o.id()));
            Map<String, Tenant> byCallingAe = new LinkedHashMap<>();
            scp.callingAeOrganizations().forEach((calling, org) -> {
                Tenant tenant = tenant(org, "gateway.scp.calling-ae-organizations." + calling);
                if (!disabled.contains(tenant.id())) {
                    byCallingAe.put(aeTitle(calling, "gateway.scp.calling-ae-organizations"), tenant);
                }
            });
            if (byCallingAe.isEmpty()) {
                throw new IllegalStateException("gateway.scp.ae-title needs gateway.scp.calling-ae-organizations"
                        + " (calling AE title -> organization with ingestion enabled)");
            }
            if (entities.put(ae, new Entity(byCallingAe.keySet(), byCallingAe::get, certificates)) != null) {
                throw new IllegalStateException("gateway.scp.ae-title " + ae
                        + " is also an organization's scp-ae-title");
            }
        }
        return entities;
    }

    /** Per organization id, the client certificate subjects it accepts (only organizations listing some). */
    private Map<String, Set<X500Principal>> certificates() {
        Map<String, Set<X500Principal>> out = new LinkedHashMap<>();
        for (int i = 0; i < properties.organizations().size(); i++) {
            IngestProperties.Organization o = properties.organizations().get(i);
            Set<X500Principal> subjects = new LinkedHashSet<>();
            for (String dn : o.scpClientCertificates()) {
                try {
                    subjects.add(new X500Principal(dn));
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException("gateway.organizations[" + i + "].scp-client-certificates: '" + dn
                            + "' is not a distinguished name (RFC 4514): " + e.getMessage());
                }
            }
            if (!subjects.isEmpty()) {
                if (properties.scp().sslBundle() == null && properties.scp().port() != null) {
                    throw new IllegalStateException("gateway.organizations[" + i + "].scp-client-certificates needs"
                            + " gateway.scp.ssl-bundle (certificates come only over TLS)");
                }
                out.put(tenant(o.id(), "gateway.organizations[" + i + "].id").id(), Set.copyOf(subjects));
            }
        }
        return out;
    }

    private Tenant tenant(String idOrSlug, String where) {
        return tenants.find(idOrSlug == null ? "" : idOrSlug).orElseThrow(() -> new IllegalStateException(
                where + ": no configured organization '" + idOrSlug + "'"));
    }

    private static String aeTitle(String value, String where) {
        String ae = value.strip();
        if (!AE_TITLE.matcher(ae).matches()) {
            throw new IllegalStateException(where + ": '" + value + "' is not an AE title (1-16 characters,"
                    + " no backslash or control characters)");
        }
        return ae;
    }

    @Override
    public synchronized void start() {
        IngestProperties.Scp scp = properties.scp();
        if (scp.port() == null || server != null) {
            return;
        }
        Map<String, Entity> entities = entities();
        if (entities.isEmpty()) {
            throw new IllegalStateException("gateway.scp.port is set but no organization has an scp-ae-title"
                    + " (or ingestion is disabled for all)");
        }
        DimseServer.Builder builder = DimseServer.builder().bindAddress(scp.host()).port(scp.port())
                .maxAssociations(scp.maxAssociations()).maxAssociationsPerCallingAe(scp.maxAssociationsPerCallingAe())
                .maxPendingAssociations(scp.maxPendingAssociations())
                .maxDataSetLength(scp.maxObjectSize().toBytes()).idleTimeout(scp.idleTimeout())
                .artimTimeout(scp.associationRequestTimeout()).pduTimeout(scp.pduTimeout())
                // PS3.4 B.5: only what ingestion needs (and, for C-MOVE, what is retrieved); Verification always
                .storageSopClasses(moves() ? SopClasses.DEFAULT_STORAGE : List.of(Uid.KeyObjectSelectionDocumentStorage));
        SSLContext tls = NamedSslBundles.tlsContext(sslBundles.getIfAvailable(), scp.sslBundle(),
                "gateway.scp.ssl-bundle");
        if (tls != null) {
            // PS3.15 B.1 authenticates both ends: ask every peer; the bundle's trust store decides
            builder.tlsContext(tls).wantClientCertificates(true);
        }
        entities.forEach((ae, entity) -> builder.applicationEntity(ae, handler(entity), entity.allowedCallingAes(),
                entity::admits));
        server = builder.start();
        log.info("C-STORE SCP for KOS listening on {}:{} as {}", scp.host(), server.port(), entities.keySet());
    }

    private boolean ingesting(Tenant tenant) {
        return properties.organizations().stream().filter(o -> tenant.isNamedBy(o.id() == null ? "" : o.id()))
                .allMatch(o -> o.ingest().enabled());
    }

    private boolean moves() {
        return tenants.all().stream().anyMatch(t -> t.pacs().retrieve() == PacsBinding.Retrieve.C_MOVE);
    }

    private StoreHandler handler(Entity entity) {
        return request -> onStore(entity.organization().apply(request.callingAeTitle()), request);
    }

    private DimseStatus onStore(Tenant tenant, StoreRequest request) {
        // a C-MOVE sub-operation a retrieval waits for: handed to it, never ingested as well
        if (arrivals.offer(request.calledAeTitle(), new MoveArrivals.Arrival(request.sopClassUid(),
                request.sopInstanceUid(), request.transferSyntaxUid(), request.dataSet()))) {
            return DimseStatus.success();
        }
        if (!ingesting(tenant)) {
            // the AE runs only as a C-MOVE destination: nothing else is taken
            return status(DimseStatus.OUT_OF_RESOURCES, "ingestion is disabled for this organization");
        }
        if (!Uid.KeyObjectSelectionDocumentStorage.equals(request.sopClassUid())) {
            return status(DimseStatus.SOP_CLASS_NOT_SUPPORTED, "this AE stores only Key Object Selection documents");
        }
        KosIngestion.Result result;
        try {
            String source = Sources.scp(request.callingAeTitle(), request.calledAeTitle());
            result = ingestion.received(tenant, source, request.sopClassUid(), request.sopInstanceUid(),
                    request.transferSyntaxUid(), request.dataSet());
        } catch (DataAccessException e) {
            log.error("organization {}: KOS {} not ingested: {}", tenant.id(), request.sopInstanceUid(),
                    e.getMessage());
            return status(DimseStatus.PROCESSING_FAILURE, "gateway store unavailable; retry later");
        }
        if (result.outcome() == KosIngestion.Outcome.QUARANTINED) {
            return status(result.defect() == KosIngestion.Defect.UNPARSEABLE ? CANNOT_PARSE : CANNOT_MAP,
                    result.detail());
        }
        return DimseStatus.success();
    }

    // PS3.7 C.4.2: Error Comment (0000,0902) is LO, at most 64 characters
    private static DimseStatus status(int code, String comment) {
        return new DimseStatus(code, Text.truncate(comment, 64));
    }

    @Override
    public synchronized void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }
}
