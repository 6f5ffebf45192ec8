package com.imagingmanifest.gateway.viewer;

import com.imagingmanifest.gateway.manifest.ManifestEndpoints;
import com.imagingmanifest.gateway.tenant.Tenant;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * The links a manifest carries when the API returns it (docs/viewers.md): on each series a
 * {@code dicom-wado-rs} Endpoint (the PACS's public DICOMweb base, or the organization's
 * selection-scoped base on the gateway when {@code viewer-dicomweb=gateway}), and on each study an
 * {@code ihe-iid} Endpoint to its key-image page. Gateway addresses are made from the request being
 * answered (scheme, host and port as the client used them, or as {@code X-Forwarded-*} say when the
 * gateway is configured to read them), so they are the ones the client can reach.
 */
public final class ViewerLinks {
    static final Set<String> CHOICES = Set.of("pacs", "gateway");

    private final Map<String, Boolean> throughGateway = new HashMap<>();

    ViewerLinks(ViewerProperties properties) {
        for (int i = 0; i < properties.organizations().size(); i++) {
            ViewerProperties.Organization o = properties.organizations().get(i);
            String choice = o.viewerDicomweb() == null ? "pacs" : o.viewerDicomweb().toLowerCase(Locale.ROOT);
            if (!CHOICES.contains(choice)) {
                throw new IllegalStateException("gateway.organizations[" + i + "].viewer-dicomweb must be pacs or"
                        + " gateway, not " + o.viewerDicomweb());
            }
            throughGateway.put(o.id(), choice.equals("gateway"));
        }
    }

    /** Adds the links to {@code manifest} (logical id {@code id}) of {@code tenant}. */
    public void add(ImagingManifest manifest, Tenant tenant, String id) {
        String base = organizationBase(tenant);
        if (base != null && throughGateway.getOrDefault(tenant.id(), false)) {
            ManifestEndpoints.addDicomWeb(manifest, URI.create(base + "/dicomweb"));
        } else {
            ManifestEndpoints.addDicomWeb(manifest, tenant.pacs().viewerDicomwebUrl());
        }
        if (base != null && id != null) {
            ManifestEndpoints.addImageDisplay(manifest, base + "/viewer/ImagingManifest/" + id);
        }
    }

    /** {@code {origin}{context}/organizations/{slug}} of the request being answered; null outside one. */
    private static String organizationBase(Tenant tenant) {
        if (!(RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes)) {
            return null;
        }
        HttpServletRequest request = attributes.getRequest();
        return ServletUriComponentsBuilder.fromContextPath(request).replaceQuery(null).build().toUriString()
                + "/organizations/" + tenant.slug();
    }
}
