package com.imagingmanifest.gateway.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.FhirVersionEnum;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.RestfulServer;
import com.imagingmanifest.gateway.config.GatewayProperties;
import com.imagingmanifest.gateway.manifest.ManifestReads;
import com.imagingmanifest.gateway.manifest.ManifestWriter;
import com.imagingmanifest.gateway.store.SigningKeys;
import com.imagingmanifest.gateway.web.OperationOutcomeWriter;
import com.imagingmanifest.gateway.web.RequestContexts;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.hl7.fhir.dstu3.model.Bundle;
import org.hl7.fhir.dstu3.model.CapabilityStatement;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.hl7.fhir.dstu3.model.OperationOutcome;
import org.hl7.fhir.dstu3.model.Parameters;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.info.BuildProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The HAPI FHIR plain server under {@code /organizations/*}, with the tenant filter in front of it. */
@Configuration(proxyBeanMethods = false)
class FhirServerConfiguration {
    static final String SERVLET_PATH = "/organizations";
    static final int DEFAULT_PAGE_SIZE = 20;
    static final int MAX_PAGE_SIZE = 500;

    @Bean
    FhirContext fhirContext() {
        // its own context: the strict error handler must not leak into a shared cached one
        FhirContext fhir = ParserFailures.strictContext(FhirVersionEnum.DSTU3);
        // HAPI scans the model classes of each resource type on first use: for ImagingManifest and the
        // types the server answers with, that is over a second of a start-up, spent when the servlet
        // initialises at the very end. Scanning them now on another thread overlaps it with the rest
        // of the context (the store, migrations, security); the scan is synchronized inside HAPI, so
        // the servlet's own initialisation waits for it rather than repeating it.
        Thread scan = new Thread(() -> {
            for (Class<? extends IBaseResource> type : List.of(ImagingManifest.class, OperationOutcome.class,
                    Bundle.class, CapabilityStatement.class, Parameters.class)) {
                fhir.getResourceDefinition(type);
            }
        }, "fhir-model-scan");
        scan.setDaemon(true);
        scan.start();
        return fhir;
    }

    @Bean
    ServletRegistrationBean<FhirVersions> fhirServlet(FhirContext fhir, ManifestReads reads,
            ManifestWriter writer,
            Clock clock, SmartConfiguration smart, ObjectProvider<BuildProperties> build, SigningKeys signingKeys,
            com.imagingmanifest.gateway.viewer.ViewerLinks viewerLinks,
            @Value("${gateway.paging.link-lifetime:1h}") Duration pageLinkLifetime) {
        RestfulServer server = new RestfulServer(fhir);
        server.setServerName("Imaging Manifest Gateway");
        // CapabilityStatement.software.version: the gateway's (HAPI would report its own otherwise)
        BuildProperties info = build.getIfAvailable();
        server.setServerVersion(info != null ? info.getVersion() : "unknown");
        // pages are read from the store by key; their state is in the signed next link (no paging provider)
        ImagingManifestProvider manifests = new ImagingManifestProvider(reads, writer, fhir, clock,
                new PageLinks(signingKeys, clock, pageLinkLifetime), viewerLinks);
        server.registerProvider(manifests);
        server.registerInterceptor(new FailureMapper());
        common(server, smart);

        // the R5 ImagingSelection base: the same provider behind a translation (docs/architecture.md §2)
        FhirContext r5 = ParserFailures.strictContext(FhirVersionEnum.R5);
        RestfulServer r5Server = new RestfulServer(r5);
        r5Server.setServerName(server.getServerName());
        r5Server.setServerVersion(server.getServerVersion());
        r5Server.registerProvider(new ImagingSelectionProvider(manifests, r5));
        r5Server.registerInterceptor(new R5Outcomes(fhir, r5));
        common(r5Server, smart);
        ServletRegistrationBean<FhirVersions> registration =
                new ServletRegistrationBean<>(new FhirVersions(server, r5Server), SERVLET_PATH + "/*");
        registration.setName("fhir");
        registration.setLoadOnStartup(1);
        return registration;
    }

    private static void common(RestfulServer server, SmartConfiguration smart) {
        server.setTenantIdentificationStrategy(new OrganizationPathStrategy());
        server.setDefaultResponseEncoding(EncodingEnum.JSON);
        server.setServerConformanceProvider(PerRequestCapabilityStatement.of(server));
        server.registerInterceptor(new TenantCapabilityStatement(smart));
        server.registerInterceptor(new UnknownTotals());
    }

    @Bean
    FilterRegistrationBean<TenantRequestFilter> tenantRequestFilter(RequestContexts contexts,
            OperationOutcomeWriter outcomes, FhirContext fhir, GatewayProperties properties, SmartConfiguration smart) {
        FilterRegistrationBean<TenantRequestFilter> registration = new FilterRegistrationBean<>(
                new TenantRequestFilter(contexts, outcomes, fhir, properties.maxBodySize().toBytes(), smart));
        registration.addUrlPatterns(SERVLET_PATH + "/*");
        return registration;
    }
}
