package com.imagingmanifest.kos;

import java.util.List;
import org.hl7.fhir.r5.model.CodeableConcept;
import org.hl7.fhir.r5.model.Coding;
import org.hl7.fhir.r5.model.Endpoint;
import org.hl7.fhir.r5.model.Identifier;
import org.hl7.fhir.r5.model.Reference;
import org.hl7.fhir.r5.model.StringType;

/**
 * What moves between STU3 and R5 in the same shape: datatypes (through FHIR JSON), Endpoints, the code
 * systems that moved to terminology.hl7.org, and the rule for an Issuer of Patient ID that is no URI.
 */
final class Stu3R5 {
    private static final ca.uhn.fhir.context.FhirContext R5_CONTEXT = ca.uhn.fhir.context.FhirContext.forR5Cached();

    private Stu3R5() {
    }

    static Endpoint endpoint(org.hl7.fhir.dstu3.model.Endpoint in) {
        Endpoint out = new Endpoint();
        out.setId(localId(in.getId()));
        if (in.hasStatus()) {
            out.setStatus(Endpoint.EndpointStatus.fromCode(in.getStatus().toCode()));
        }
        if (in.hasConnectionType()) {
            org.hl7.fhir.dstu3.model.Coding c = in.getConnectionType();
            out.addConnectionType(new CodeableConcept(new Coding(terminology(c.getSystem(), c.getCode(), true), c.getCode(),
                    c.getDisplay())));
        }
        if (in.hasName()) {
            out.setName(in.getName());
        }
        if (in.hasPayloadType() || in.hasPayloadMimeType()) {
            Endpoint.EndpointPayloadComponent payload = out.addPayload();
            in.getPayloadType().forEach(t -> {
                CodeableConcept type = r5(t);
                type.getCoding().forEach(c -> c.setSystem(terminology(c.getSystem(), null, true)));
                payload.addType(type);
            });
            in.getPayloadMimeType().forEach(m -> payload.addMimeType(m.getValue()));
        }
        out.setAddress(in.getAddress());
        in.getExtension().forEach(x -> {
            if (x.getValue() instanceof org.hl7.fhir.dstu3.model.StringType s) {
                out.addExtension(x.getUrl(), new StringType(s.getValue()));
            }
        });
        return out;
    }

    static org.hl7.fhir.dstu3.model.Endpoint endpoint(Endpoint in) {
        org.hl7.fhir.dstu3.model.Endpoint out = new org.hl7.fhir.dstu3.model.Endpoint();
        out.setId(localId(in.getId()));
        if (in.hasStatus()) {
            out.setStatus(org.hl7.fhir.dstu3.model.Endpoint.EndpointStatus.fromCode(in.getStatus().toCode()));
        }
        if (in.hasConnectionType() && in.getConnectionTypeFirstRep().hasCoding()) {
            Coding c = in.getConnectionTypeFirstRep().getCodingFirstRep();
            out.setConnectionType(new org.hl7.fhir.dstu3.model.Coding(terminology(c.getSystem(), c.getCode(), false), c.getCode(),
                    c.getDisplay()));
        }
        if (in.hasName()) {
            out.setName(in.getName());
        }
        for (Endpoint.EndpointPayloadComponent payload : in.getPayload()) {
            payload.getType().forEach(t -> {
                org.hl7.fhir.dstu3.model.CodeableConcept type = stu3(t);
                type.getCoding().forEach(c -> c.setSystem(terminology(c.getSystem(), null, false)));
                out.addPayloadType(type);
            });
            payload.getMimeType().forEach(mt -> out.addPayloadMimeType(mt.getValue()));
        }
        out.setAddress(in.getAddress());
        in.getExtension().forEach(x -> {
            if (x.getValue() instanceof StringType s) {
                out.addExtension(x.getUrl(), new org.hl7.fhir.dstu3.model.StringType(s.getValue()));
            }
        });
        return out;
    }

    /**
     * A datatype of the same shape in both versions (Reference, Identifier, CodeableConcept), moved
     * across through FHIR JSON as the value of a Parameters parameter, which both versions allow: its
     * extensions and every element come along without a field-by-field copy.
     */
    @SuppressWarnings("unchecked")
    static <T extends org.hl7.fhir.r5.model.DataType> T r5(org.hl7.fhir.dstu3.model.Type in) {
        org.hl7.fhir.dstu3.model.Parameters p = new org.hl7.fhir.dstu3.model.Parameters();
        p.addParameter().setName("v").setValue(in);
        String json = ManifestJson.context().newJsonParser().encodeResourceToString(p);
        return (T) R5_CONTEXT.newJsonParser().parseResource(org.hl7.fhir.r5.model.Parameters.class, json)
                .getParameterFirstRep().getValue();
    }

    @SuppressWarnings("unchecked")
    static <T extends org.hl7.fhir.dstu3.model.Type> T stu3(org.hl7.fhir.r5.model.DataType in) {
        org.hl7.fhir.r5.model.Parameters p = new org.hl7.fhir.r5.model.Parameters();
        p.addParameter().setName("v").setValue(in);
        String json = R5_CONTEXT.newJsonParser().encodeResourceToString(p);
        return (T) ManifestJson.context().newJsonParser().parseResource(org.hl7.fhir.dstu3.model.Parameters.class,
                json).getParameterFirstRep().getValue();
    }

    /**
     * An Issuer of Patient ID (0010,0021) that is not a URI ("HOSPITAL-A") is the STU3 identifier's
     * system as the KOS gave it; R5 requires an absolute system, so there it is the identifier's
     * assigner (the authority that issued the id, which is what the DICOM attribute names).
     */
    static Reference issuerAsAssigner(Reference subject) {
        Identifier id = subject.getIdentifier();
        if (id != null && id.hasSystem() && !java.net.URI.create(safeUri(id.getSystem())).isAbsolute()) {
            id.setAssigner(new Reference().setDisplay(id.getSystem()));
            id.setSystem(null);
        }
        return subject;
    }

    static Reference assignerAsIssuer(Reference subject) {
        Identifier id = subject.getIdentifier();
        if (id != null && !id.hasSystem() && id.hasAssigner() && id.getAssigner().hasDisplay()
                && !id.getAssigner().hasReference() && !id.getAssigner().hasIdentifier()) {
            id.setSystem(id.getAssigner().getDisplay());
            id.setAssigner(null);
        }
        return subject;
    }

    static String safeUri(String value) {
        try {
            return java.net.URI.create(value).toString();
        } catch (IllegalArgumentException e) {
            return "relative"; // not a URI at all: treated as a name
        }
    }

    /**
     * Endpoint code systems moved to terminology.hl7.org after STU3 ({@code http://hl7.org/fhir/X} became
     * {@code http://terminology.hl7.org/CodeSystem/X}); other systems are kept.
     */
    static String terminology(String system, String code, boolean toR5) {
        String stu3 = "http://hl7.org/fhir/";
        String r5 = "http://terminology.hl7.org/CodeSystem/";
        for (String name : List.of("endpoint-connection-type", "endpoint-payload-type")) {
            if (code != null && name.equals("endpoint-connection-type") && !code.startsWith("dicom-")) {
                continue; // ihe-iid and the like are not in terminology.hl7.org's code system: kept as written
            }
            if (toR5 && (stu3 + name).equals(system)) {
                return r5 + name;
            }
            if (!toR5 && (r5 + name).equals(system)) {
                return stu3 + name;
            }
        }
        return system;
    }

    static String localId(String id) {
        return id == null ? null : id.startsWith("#") ? id.substring(1) : id;
    }
}
