package com.imagingmanifest.gateway.manifest;

import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.dstu3.model.Coding;
import org.hl7.fhir.dstu3.model.Endpoint;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.hl7.fhir.dstu3.model.Reference;
import org.hl7.fhir.dstu3.model.Resource;

/**
 * Gives every series of a manifest an Endpoint a viewer can fetch the selection from (docs/architecture.md
 * §6): a contained {@code dicom-wado-rs} Endpoint at the binding's public DICOMweb base,
 * referenced from each series that does not already reach an endpoint with that address.
 */
public final class ManifestEndpoints {
    static final String CONNECTION_TYPE_SYSTEM = "http://hl7.org/fhir/endpoint-connection-type";
    static final String PAYLOAD_TYPE_SYSTEM = "http://hl7.org/fhir/endpoint-payload-type";

    private ManifestEndpoints() {
    }

    public static void addDicomWeb(ImagingManifest manifest, URI dicomwebBase) {
        if (dicomwebBase == null) {
            return;
        }
        String address = dicomwebBase.toString();
        Set<String> ids = new HashSet<>();
        String containedId = containedWith(manifest, address, ids);
        boolean existing = containedId != null;
        boolean added = false;
        for (ImagingManifest.StudyComponent study : manifest.getStudy()) {
            for (ImagingManifest.SeriesComponent series : study.getSeries()) {
                if (containedId != null && (refersTo(series.getEndpoint(), containedId)
                        || (series.getEndpoint().isEmpty() && refersTo(study.getEndpoint(), containedId)))) {
                    continue;
                }
                if (containedId == null) {
                    containedId = freeId(ids, "pacs-dicomweb");
                }
                series.addEndpoint(new Reference("#" + containedId));
                added = true;
            }
        }
        if (added && !existing) {
            Endpoint endpoint = new Endpoint();
            endpoint.setId(containedId);
            endpoint.setStatus(Endpoint.EndpointStatus.ACTIVE);
            endpoint.setConnectionType(new Coding(CONNECTION_TYPE_SYSTEM, "dicom-wado-rs", "DICOM WADO-RS"));
            endpoint.addPayloadType().addCoding(new Coding(PAYLOAD_TYPE_SYSTEM, "any", "Any"));
            endpoint.addPayloadMimeType("application/dicom");
            endpoint.setAddress(address);
            manifest.addContained(endpoint);
        }
    }

    /**
     * Gives the manifest a link to its key-image page (IHE IID's "invoke image display"): a contained
     * Endpoint with connection type {@code ihe-iid} at {@code pageAddress}, referenced from each study
     * (study.endpoint: the services that give access to the study, viewing included). A contained
     * Endpoint that already has the address is used again, so a manifest written back keeps one.
     */
    public static void addImageDisplay(ImagingManifest manifest, String pageAddress) {
        Set<String> ids = new HashSet<>();
        String containedId = containedWith(manifest, pageAddress, ids);
        if (containedId == null) {
            containedId = freeId(ids, "key-image-page");
            Endpoint endpoint = new Endpoint();
            endpoint.setId(containedId);
            endpoint.setStatus(Endpoint.EndpointStatus.ACTIVE);
            endpoint.setConnectionType(new Coding(CONNECTION_TYPE_SYSTEM, "ihe-iid", "IHE IID"));
            endpoint.setName("Key-image page");
            endpoint.addPayloadType().setText("IHE IID image display");
            endpoint.addPayloadMimeType("text/html");
            endpoint.setAddress(pageAddress);
            manifest.addContained(endpoint);
        }
        for (ImagingManifest.StudyComponent study : manifest.getStudy()) {
            if (!refersTo(study.getEndpoint(), containedId)) {
                study.addEndpoint(new Reference("#" + containedId));
            }
        }
    }

    /** The id of the first contained Endpoint at {@code address}, or null; every contained id goes into {@code ids}. */
    private static String containedWith(ImagingManifest manifest, String address, Set<String> ids) {
        String found = null;
        for (Resource contained : manifest.getContained()) {
            String cid = localId(contained.getId());
            ids.add(cid);
            if (contained instanceof Endpoint e && address.equals(e.getAddress()) && found == null) {
                found = cid;
            }
        }
        return found;
    }

    /** {@code name}, or {@code name-2}, {@code name-3}... whichever no contained resource has. */
    private static String freeId(Set<String> ids, String name) {
        String id = name;
        for (int n = 2; ids.contains(id); n++) {
            id = name + "-" + n;
        }
        return id;
    }

    private static boolean refersTo(List<Reference> references, String containedId) {
        return references.stream().anyMatch(r -> ("#" + containedId).equals(r.getReference()));
    }

    private static String localId(String id) {
        return id == null ? "" : id.startsWith("#") ? id.substring(1) : id;
    }
}
