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
}
