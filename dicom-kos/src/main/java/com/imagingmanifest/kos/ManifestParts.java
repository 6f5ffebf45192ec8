package com.imagingmanifest.kos;

import java.util.List;
import org.hl7.fhir.dstu3.model.Coding;
import org.hl7.fhir.dstu3.model.Endpoint;
import org.hl7.fhir.dstu3.model.Extension;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.hl7.fhir.dstu3.model.Reference;
import org.hl7.fhir.dstu3.model.Resource;

/** How the parts of a manifest that need interpretation are read; shared by validation and translation. */
final class ManifestParts {
    static final String CONNECTION_TYPE_SYSTEM = "http://hl7.org/fhir/endpoint-connection-type";
    static final String DICOM_WADO_RS = "dicom-wado-rs";

    private ManifestParts() {
    }

    /** The Endpoint a reference points to when it is contained ({@code #id}) or inline; else null. */
    static Endpoint endpoint(ImagingManifest m, Reference ref) {
        if (ref.getResource() instanceof Endpoint e) {
            return e;
        }
        String r = ref.getReference();
        if (r == null || !r.startsWith("#")) {
            return null;
        }
        String id = r.substring(1);
        for (Resource contained : m.getContained()) {
            if (contained instanceof Endpoint e && id.equals(localId(e))) {
                return e;
            }
        }
        return null;
    }

    static String localId(Resource r) {
        String id = r.getIdElement().getIdPart();
        if (id == null) {
            id = r.getId();
        }
        return id != null && id.startsWith("#") ? id.substring(1) : id;
    }

    static boolean isWadoRs(Endpoint e) {
        Coding c = e.getConnectionType();
        return DICOM_WADO_RS.equals(c.getCode())
                && (!c.hasSystem() || CONNECTION_TYPE_SYSTEM.equals(c.getSystem()));
    }

    static String aeTitle(Endpoint e) {
        Extension x = e.getExtensionByUrl(ManifestExtensions.RETRIEVE_AE_TITLE);
        return x == null || x.getValue() == null ? null : x.getValue().primitiveValue();
    }

    /** The first endpoint of the list that gives a DICOMweb base or an AE title, or null. */
    static RetrieveLocation location(ImagingManifest m, List<Reference> refs) {
        for (Reference ref : refs) {
            Endpoint e = endpoint(m, ref);
            if (e == null) {
                continue;
            }
            String url = isWadoRs(e) && e.hasAddress() ? e.getAddress() : null;
            String ae = aeTitle(e);
            if (url != null || ae != null) {
                return new RetrieveLocation(ae, url == null ? null : RetrieveUrls.base(url));
            }
        }
        return null;
    }

    /** A device author is identified by its DICOM UID (identifier system urn:dicom:uid), TID 1004. */
    static boolean isDeviceAuthor(Reference author) {
        return author.hasIdentifier() && Oids.DICOM_UID_SYSTEM.equals(author.getIdentifier().getSystem());
    }

    static boolean looksLikeDevice(Reference author) {
        String r = author.getReference();
        return r != null && (r.startsWith("Device/") || r.contains("/Device/"));
    }

    static String organization(Reference author) {
        Extension x = author.getExtensionByUrl(ManifestExtensions.OBSERVER_ORGANIZATION);
        return x == null || x.getValue() == null ? null : x.getValue().primitiveValue();
    }

    /** The title extensions of the manifest (normally none or one). */
    static List<Extension> titleExtensions(ImagingManifest m) {
        return m.getExtensionsByUrl(KosTitle.EXTENSION_URL);
    }

    static DicomCode title(ImagingManifest m) {
        List<Extension> x = titleExtensions(m);
        if (x.isEmpty() || !(x.get(0).getValue() instanceof Coding coding) || !coding.hasCode()) {
            return KosTitle.OF_INTEREST;
        }
        String meaning = DicomCode.DCM_SYSTEM.equals(coding.getSystem()) ? KosTitle.meaningOf(coding.getCode()) : null;
        return DicomCode.fromCoding(coding, meaning == null ? coding.getCode() : meaning);
    }

    /** Patient ID: the identifier value, else the id of a {@code Patient/x} reference, else null. */
    static String patientId(Reference patient) {
        if (patient.hasIdentifier() && patient.getIdentifier().hasValue()) {
            return patient.getIdentifier().getValue();
        }
        if (patient.hasReference() && patient.getReferenceElement().getIdPart() != null
                && !patient.getReference().startsWith("#")) {
            return patient.getReferenceElement().getIdPart();
        }
        return null;
    }

    /** Issuer of Patient ID: the identifier system without {@code urn:oid:}, or null. */
    static String issuerOfPatientId(Reference patient) {
        if (!patient.hasIdentifier() || !patient.getIdentifier().hasSystem()) {
            return null;
        }
        String system = patient.getIdentifier().getSystem();
        String oid = Oids.fromUrn(system);
        return oid != null ? oid : system;
    }
}
