package com.imagingmanifest.gateway.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.StrictErrorHandler;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.RestfulServer;
import com.imagingmanifest.gateway.config.GatewayProperties;
import com.imagingmanifest.gateway.manifest.ManifestWriter;
import com.imagingmanifest.gateway.store.ManifestStore;
import com.imagingmanifest.gateway.tenant.Tenants;
import java.time.Clock;
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
        FhirContext fhir = FhirContext.forDstu3();
        // unknown elements and other structural errors become 400, not silently dropped content
        fhir.setParserErrorHandler(new StrictErrorHandler());
        return fhir;
    }

    @Bean
    ServletRegistrationBean<RestfulServer> fhirServlet(FhirContext fhir, ManifestStore store, ManifestWriter writer,
            Clock clock) {
        RestfulServer server = new RestfulServer(fhir);
        server.setServerName("Imaging Manifest Gateway");
        server.registerProvider(new ImagingManifestProvider(store, writer, fhir, clock));
        server.setTenantIdentificationStrategy(new OrganizationPathStrategy());
        TenantPagingProvider paging = new TenantPagingProvider(1000);
        paging.setDefaultPageSize(DEFAULT_PAGE_SIZE);
        paging.setMaximumPageSize(MAX_PAGE_SIZE);
        server.setPagingProvider(paging);
        server.setDefaultResponseEncoding(EncodingEnum.JSON);
        server.registerInterceptor(new TenantCapabilityStatement());
        server.registerInterceptor(new StoreFailures());
        ServletRegistrationBean<RestfulServer> registration =
                new ServletRegistrationBean<>(server, SERVLET_PATH + "/*");
        registration.setName("fhir");
        registration.setLoadOnStartup(1);
        return registration;
    }

    @Bean
    FilterRegistrationBean<TenantRequestFilter> tenantRequestFilter(Tenants tenants, FhirContext fhir,
            GatewayProperties properties) {
        FilterRegistrationBean<TenantRequestFilter> registration = new FilterRegistrationBean<>(
                new TenantRequestFilter(tenants, fhir, properties.maxBodySize().toBytes()));
        registration.addUrlPatterns(SERVLET_PATH + "/*");
        return registration;
    }
}
