package com.imagingmanifest.gateway.ingest;

import com.imagingmanifest.kos.KosToManifest;
import com.imagingmanifest.kos.ManifestExtensions;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.hl7.fhir.dstu3.model.Coding;
import org.hl7.fhir.dstu3.model.Endpoint;
import org.hl7.fhir.dstu3.model.Extension;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.hl7.fhir.dstu3.model.Reference;
import org.hl7.fhir.dstu3.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which Retrieve URLs (0008,1190) of an ingested KOS may become an {@code Endpoint.address}: viewers
 * follow it, so a KOS from a peer must not point them at {@code javascript:}, {@code file:} or a host
 * the organization never named. Only {@code http} and {@code https} pass, and, when the organization
 * lists {@code retrieve-hosts}, only those hosts. A refused URL is dropped with a log line; an
 * endpoint that also named a Retrieve AE Title stays, as a DIMSE endpoint of that AE.
 */
final class RetrieveUrlPolicy {
    private static final Logger log = LoggerFactory.getLogger(RetrieveUrlPolicy.class);

    private final Set<String> hosts;

    RetrieveUrlPolicy(List<String> hosts) {
        Set<String> h = new HashSet<>();
        hosts.forEach(v -> h.add(v.strip().toLowerCase(Locale.ROOT)));
        this.hosts = Set.copyOf(h);
    }

    /** The reason {@code address} is refused, or null when it may stay. */
    String refusal(String address) {
        URI uri;
        try {
            uri = new URI(address);
        } catch (URISyntaxException e) {
            return "not a URI";
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return "scheme '" + scheme + "' is not http or https";
        }
        if (uri.getHost() == null) {
            return "no host";
        }
        if (!hosts.isEmpty() && !hosts.contains(uri.getHost().toLowerCase(Locale.ROOT))) {
            return "host " + uri.getHost() + " is not among the organization's retrieve-hosts";
        }
        return null;
    }

    /** Drops the refused WADO-RS addresses of {@code manifest}'s contained endpoints (see the class comment). */
    void apply(String organization, String sopInstanceUid, ImagingManifest manifest) {
        Set<String> removed = new HashSet<>();
        for (Resource r : List.copyOf(manifest.getContained())) {
            if (!(r instanceof Endpoint e) || !e.hasAddress() || !isWado(e)) {
                continue;
            }
            String why = refusal(e.getAddress());
            if (why == null) {
                continue;
            }
            log.warn("organization {}: KOS {}: Retrieve URL dropped ({}): {}", organization, sopInstanceUid, why,
                    Text.truncate(e.getAddress(), 200));
            Extension ae = e.getExtensionByUrl(ManifestExtensions.RETRIEVE_AE_TITLE);
            if (ae != null && ae.getValue() != null && !ae.getValue().primitiveValue().isBlank()) {
                e.setConnectionType(new Coding(KosToManifest.DIMSE_CONNECTION_SYSTEM,
                        KosToManifest.DIMSE_CONNECTION_CODE, "DICOM DIMSE"));
                e.setAddress("urn:dicom:ae:" + URLEncoder.encode(ae.getValue().primitiveValue(), StandardCharsets.UTF_8)
                        .replace("+", "%20"));
            } else {
                manifest.getContained().remove(e);
                removed.add("#" + e.getIdElement().getIdPart());
            }
        }
        if (removed.isEmpty()) {
            return;
        }
        for (ImagingManifest.StudyComponent study : manifest.getStudy()) {
            study.getEndpoint().removeIf(ref -> refersTo(ref, removed));
            for (ImagingManifest.SeriesComponent series : study.getSeries()) {
                series.getEndpoint().removeIf(ref -> refersTo(ref, removed));
            }
        }
    }

    private static boolean refersTo(Reference ref, Set<String> ids) {
        String r = ref.getReference();
        return r != null && (ids.contains(r) || ids.contains("#" + r));
    }

    private static boolean isWado(Endpoint e) {
        return e.hasConnectionType() && "dicom-wado-rs".equals(e.getConnectionType().getCode());
    }
}
