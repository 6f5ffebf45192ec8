package com.imagingmanifest.gateway.startup;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.dicom.data.Vr;
import com.imagingmanifest.gateway.security.GatewaySecurityProperties;
import com.imagingmanifest.gateway.security.LocalTokenIssuer;
import com.imagingmanifest.gateway.store.ManifestVersions;
import com.imagingmanifest.gateway.tenant.PacsConnections;
import com.imagingmanifest.gateway.tenant.Tenant;
import com.imagingmanifest.gateway.tenant.Tenants;
import com.imagingmanifest.pacs.Pacs;
import com.imagingmanifest.pacs.PacsException;
import com.imagingmanifest.pacs.QueryLevel;
import java.io.PrintStream;
import java.util.List;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Prints, once the server is up, each organization's FHIR base URL and one curl command that
 * creates a manifest for the first organization (the {@code ./gateway run} launcher relies on
 * it). The example selects an instance the PACS already holds when there is one, found in the
 * background so that a slow PACS never delays the start; otherwise it shows example UIDs.
 */
@Component
class StartupBanner {
    private final Tenants tenants;
    private final PacsConnections connections;
    private final Environment environment;
    private final PrintStream out = System.out;

    private final GatewaySecurityProperties security;
    private final ObjectProvider<LocalTokenIssuer> issuer;

    private final ObjectProvider<ManifestVersions> store;

    StartupBanner(Tenants tenants, PacsConnections connections, Environment environment,
            GatewaySecurityProperties security, ObjectProvider<LocalTokenIssuer> issuer,
            ObjectProvider<ManifestVersions> store) {
        this.store = store;
        this.tenants = tenants;
        this.connections = connections;
        this.environment = environment;
        this.security = security;
        this.issuer = issuer;
    }

    /**
     * The Authorization header of the example: a write token of the embedded issuer, so the curl works
     * as pasted when start-up tokens are on (the demo); none when security is off, and a placeholder
     * otherwise (an external issuer, or a site that prints no credentials).
     */
    private String authorizationHeader(Tenant tenant) {
        if (!security.enabled()) {
            return "";
        }
        LocalTokenIssuer local = issuer.getIfAvailable();
        String token = local == null || !security.startupTokens() ? "$TOKEN"
                : local.issue(tenant.slug(), "user/ImagingManifest.write", security.startupTokenTtl(),
                        "startup-example-" + tenant.slug());
        return " -H \"Authorization: Bearer " + token + "\"";
    }

    /** UIDs and patient of an instance on the PACS, for the example manifest. */
    record Selection(String studyUid, String seriesUid, String sopClassUid, String sopUid, String patientId,
            String issuer) {
        static final Selection EXAMPLE = new Selection("2.25.111111111111111111111111111111111111",
                "2.25.333333333333333333333333333333333333", "1.2.840.10008.5.1.4.1.1.2",
                "2.25.444444444444444444444444444444444441", "PAT-1", null);
    }

    @EventListener(ApplicationReadyEvent.class)
    void ready() {
        String port = environment.getProperty("local.server.port", environment.getProperty("server.port", "8080"));
        String root = "http://127.0.0.1:" + port + environment.getProperty("server.servlet.context-path", "");
        if (tenants.all().isEmpty()) {
            out.println("Imaging Manifest Gateway is up at " + root + " but has no organization:"
                    + " configure gateway.organizations[0].*");
            return;
        }
        StringBuilder banner = new StringBuilder("Imaging Manifest Gateway is up.\n");
        for (Tenant t : tenants.all()) {
            banner.append("  organization ").append(t.slug()).append(" (id ").append(t.id()).append("): ")
                    .append(base(root, t)).append("/ImagingManifest\n");
        }
        out.print(banner);
        Tenant first = tenants.all().get(0);
        Thread lookup = new Thread(() -> printExample(root, first), "startup-example");
        lookup.setDaemon(true);
        lookup.start();
        Optional<String> readToken = viewerToken(first);
        if (readToken.isPresent()) {
            Thread links = new Thread(() -> printViewerLinks(root, first, readToken.get()), "startup-viewer-link");
            links.setDaemon(true);
            links.start();
        }
    }

    /**
     * The token a printed key-image link carries (docs/viewers.md §3): a read token of the embedded
     * issuer when start-up tokens are on (the demo), "" when security is off; empty (no link printed)
     * otherwise, since a site's link would need a token nobody printed.
     */
    private Optional<String> viewerToken(Tenant tenant) {
        if (!security.enabled()) {
            return Optional.of("");
        }
        LocalTokenIssuer local = issuer.getIfAvailable();
        if (local == null || !security.startupTokens()) {
            return Optional.empty();
        }
        return Optional.of(local.issue(tenant.slug(), "user/ImagingManifest.read", security.startupTokenTtl(),
                "startup-viewer-" + tenant.slug()));
    }

    /**
     * Prints the key-image page of the organization's newest manifest as soon as there is one, and
     * again for each newer one, looking every {@value #VIEWER_LINK_POLL_MS} ms (one index read).
     */
    private void printViewerLinks(String root, Tenant tenant, String token) {
        String printed = null;
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Optional<String> newest = store.getObject().newestManifest(tenant.id());
                if (newest.isPresent() && !newest.get().equals(printed)) {
                    printed = newest.get();
                    out.println("Key-image page of ImagingManifest/" + printed + " (org " + tenant.slug() + "): "
                            + root + "/organizations/" + tenant.slug() + "/viewer/ImagingManifest/" + printed
                            + (token.isEmpty() ? "" : "#token=" + token));
                }
                Thread.sleep(VIEWER_LINK_POLL_MS);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException storeDown) {
                // the store is down or shutting down: try again at the next turn
                try {
                    Thread.sleep(VIEWER_LINK_POLL_MS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    static final long VIEWER_LINK_POLL_MS = 2000;

    private void printExample(String root, Tenant tenant) {
        Optional<Selection> found = Optional.empty();
        try {
            found = findInstance(connections.of(tenant));
        } catch (PacsException | RuntimeException e) {
            out.println("(PACS of " + tenant.slug() + " not answering: " + e.getMessage() + ")");
        }
        Selection s = found.orElse(Selection.EXAMPLE);
        if (found.isEmpty()) {
            out.println("No image on the PACS of " + tenant.slug() + " yet: store a study there (e.g. storescu "
                    + tenant.pacs().host() + " " + tenant.pacs().port() + " -aec " + tenant.pacs().aeTitle()
                    + " file.dcm) and put its UIDs into this example:");
        } else {
            out.println("Create a manifest selecting an image on the PACS of " + tenant.slug() + ":");
        }
        String issuer = s.issuer() == null || s.issuer().isBlank() ? "" : "\"system\":\"" + s.issuer() + "\",";
        String manifest = "{\"resourceType\":\"ImagingManifest\","
                + "\"patient\":{\"identifier\":{" + issuer + "\"value\":\"" + s.patientId() + "\"}},"
                + "\"authoringTime\":\"2024-01-15T10:15:00+01:00\",\"description\":\"Key images\","
                + "\"study\":[{\"uid\":\"urn:oid:" + s.studyUid() + "\",\"series\":[{\"uid\":\"urn:oid:"
                + s.seriesUid() + "\",\"instance\":[{\"sopClass\":\"urn:oid:" + s.sopClassUid()
                + "\",\"uid\":\"urn:oid:" + s.sopUid() + "\"}]}]}]}";
        out.println("curl -sS -X POST '" + base(root, tenant) + "/ImagingManifest'" + authorizationHeader(tenant)
                + " -H 'Content-Type: application/fhir+json' -d '" + manifest.replace("'", "'\\''") + "'");
    }

    private static String base(String root, Tenant tenant) {
        return root + "/organizations/" + tenant.slug() + "/fhir/3";
    }

    private static Optional<Selection> findInstance(Pacs pacs) throws PacsException {
        List<DataSet> studies = pacs.find(QueryLevel.STUDY, keys(Tag.StudyInstanceUID, Tag.PatientID,
                Tag.IssuerOfPatientID));
        for (DataSet study : studies) {
            String studyUid = study.getString(Tag.StudyInstanceUID);
            DataSet keys = keys(Tag.SeriesInstanceUID, Tag.SOPInstanceUID, Tag.SOPClassUID);
            keys.setString(Tag.StudyInstanceUID, Vr.UI, studyUid);
            for (DataSet instance : pacs.find(QueryLevel.IMAGE, keys)) {
                if (!Uid.KeyObjectSelectionDocumentStorage.equals(instance.getString(Tag.SOPClassUID))
                        && instance.getString(Tag.SOPInstanceUID) != null) {
                    return Optional.of(new Selection(studyUid, instance.getString(Tag.SeriesInstanceUID),
                            instance.getString(Tag.SOPClassUID), instance.getString(Tag.SOPInstanceUID),
                            study.getString(Tag.PatientID), study.getString(Tag.IssuerOfPatientID)));
                }
            }
        }
        return Optional.empty();
    }

    private static DataSet keys(int... tags) {
        DataSet keys = new DataSet();
        for (int tag : tags) {
            keys.setEmpty(tag, tag == Tag.StudyInstanceUID || tag == Tag.SeriesInstanceUID
                    || tag == Tag.SOPInstanceUID || tag == Tag.SOPClassUID ? Vr.UI : Vr.LO);
        }
        return keys;
    }
}
