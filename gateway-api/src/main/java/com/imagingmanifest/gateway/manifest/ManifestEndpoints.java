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
        String containedId = null;
        Set<String> ids = new HashSet<>();
        for (Resource contained : manifest.getContained()) {
            String cid = localId(contained.getId());
            ids.add(cid);
            if (contained instanceof Endpoint e && address.equals(e.getAddress()) && containedId == null) {
                containedId = cid;
            }
        }
        boolean existing = containedId != null;
        boolean added = false;
        for (ImagingManifest.StudyComponent study : manifest.getStudy()) {
            for (ImagingManifest.SeriesComponent series : study.getSeries()) {
                if (containedId != null && (refersTo(series.getEndpoint(), containedId)
                        || (series.getEndpoint().isEmpty() && refersTo(study.getEndpoint(), containedId)))) {
                    continue;
                }
                if (containedId == null) {
                    containedId = "pacs-dicomweb";
                    for (int n = 2; ids.contains(containedId); n++) {
                        containedId = "pacs-dicomweb-" + n;
                    }
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

    private static boolean refersTo(List<Reference> references, String containedId) {
        return references.stream().anyMatch(r -> ("#" + containedId).equals(r.getReference()));
    }

    private static String localId(String id) {
        return id == null ? "" : id.startsWith("#") ? id.substring(1) : id;
    }
}
