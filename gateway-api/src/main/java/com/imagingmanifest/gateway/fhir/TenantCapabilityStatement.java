package com.imagingmanifest.gateway.fhir;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import org.hl7.fhir.dstu3.model.CapabilityStatement;
import org.hl7.fhir.instance.model.api.IBaseConformance;

/**
 * Completes HAPI's generated CapabilityStatement for the tenant base: HAPI reports the servlet
 * base, while clients of this organization use {@code /organizations/{org}/fhir/3}; and it declares
 * the security of the REST interface ({@link SmartConfiguration}).
 */
final class TenantCapabilityStatement {
    private final SmartConfiguration smart;

    TenantCapabilityStatement(SmartConfiguration smart) {
        this.smart = smart;
    }

    @Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
    public void complete(IBaseConformance generated, RequestDetails request) {
        if (generated instanceof org.hl7.fhir.r5.model.CapabilityStatement r5) {
            completeR5(r5, request);
            return;
        }
        if (!(generated instanceof CapabilityStatement cs)) {
            return;
        }
        cs.getImplementation().setUrl(request.getFhirServerBase())
                .setDescription("Imaging Manifest Gateway, organization " + request.getTenantId());
        cs.getFormat().clear();
        cs.addFormat("application/fhir+json").addFormat("application/fhir+xml");
        cs.addPatchFormat("application/json-patch+json");
        for (CapabilityStatement.CapabilityStatementRestComponent rest : cs.getRest()) {
            smart.declare(rest);
            for (CapabilityStatement.CapabilityStatementRestResourceComponent resource : rest.getResource()) {
                resource.setVersioning(CapabilityStatement.ResourceVersionPolicy.VERSIONED);
                resource.setReadHistory(true);
                resource.setUpdateCreate(false);
                resource.setConditionalCreate(true);
                resource.setConditionalUpdate(false);
                resource.setConditionalDelete(CapabilityStatement.ConditionalDeleteStatus.NOTSUPPORTED);
            }
        }
    }

    /**
     * The R5 base: the same statements, and its security read from the STU3 declaration, whose JSON
     * R5 reads unchanged (cors, service, description, the OAuth URIs extension).
     */
    private void completeR5(org.hl7.fhir.r5.model.CapabilityStatement cs, RequestDetails request) {
        cs.getImplementation().setUrl(request.getFhirServerBase())
                .setDescription("Imaging Manifest Gateway, organization " + request.getTenantId()
                        + " (R5 ImagingSelection view)");
        cs.getFormat().clear();
        cs.addFormat("application/fhir+json").addFormat("application/fhir+xml");
        cs.addPatchFormat("application/json-patch+json");
        CapabilityStatement stu3 = new CapabilityStatement();
        smart.declare(stu3.addRest());
        String json = STU3.newJsonParser().encodeResourceToString(stu3);
        org.hl7.fhir.r5.model.CapabilityStatement.CapabilityStatementRestSecurityComponent security = R5.newJsonParser()
                .parseResource(org.hl7.fhir.r5.model.CapabilityStatement.class, json).getRestFirstRep().getSecurity();
        for (org.hl7.fhir.r5.model.CapabilityStatement.CapabilityStatementRestComponent rest : cs.getRest()) {
            rest.setSecurity(security.copy());
            for (org.hl7.fhir.r5.model.CapabilityStatement.CapabilityStatementRestResourceComponent resource
                    : rest.getResource()) {
                resource.setVersioning(org.hl7.fhir.r5.model.CapabilityStatement.ResourceVersionPolicy.VERSIONED);
                resource.setReadHistory(true);
                resource.setUpdateCreate(false);
                resource.setConditionalCreate(true);
                resource.setConditionalUpdate(false);
                resource.setConditionalDelete(
                        org.hl7.fhir.r5.model.CapabilityStatement.ConditionalDeleteStatus.NOTSUPPORTED);
            }
        }
    }

    private static final ca.uhn.fhir.context.FhirContext STU3 = ca.uhn.fhir.context.FhirContext.forDstu3Cached();
    private static final ca.uhn.fhir.context.FhirContext R5 = ca.uhn.fhir.context.FhirContext.forR5Cached();
}
