package com.imagingmanifest.gateway.metrics;

import com.imagingmanifest.gateway.logging.LoggingConfiguration;
import com.imagingmanifest.gateway.tenant.Tenants;
import com.imagingmanifest.gateway.web.RequestContexts;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.DispatcherType;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The gateway's meters: {@link GatewayMetrics} for the other parts, and the FHIR request timer. */
@Configuration(proxyBeanMethods = false)
public class MetricsConfiguration {

    @Bean
    static MeteredPacsOpener meteredPacsOpener(ObjectProvider<GatewayMetrics> metrics, ObjectProvider<Tenants> tenants) {
        return new MeteredPacsOpener(metrics, tenants);
    }

    @Bean
    GatewayMetrics gatewayMetrics(MeterRegistry registry) {
        return new GatewayMetrics(registry);
    }

    /** One {@value GatewayMetrics#INTENTS_OPEN} gauge per organization, counted in the store at each scrape. */
    @Bean
    SmartInitializingSingleton writeIntentGauges(GatewayMetrics metrics, Tenants tenants,
            ObjectProvider<com.imagingmanifest.gateway.store.WriteIntents> store) {
        return () -> tenants.all().forEach(t -> metrics.writeIntentsOpen(t.slug(),
                () -> store.getObject().openCount(t.id())));
    }

    /**
     * Each organization's ingestion meters, created before the first KOS arrives: the quarantine size
     * gauge, and its quarantine and drop counters at 0 (a rate or an alert then works from the start).
     */
    @Bean
    SmartInitializingSingleton ingestionMeters(GatewayMetrics metrics, Tenants tenants,
            ObjectProvider<QuarantineCount> quarantine) {
        return () -> tenants.all().forEach(t -> {
            metrics.quarantineSize(t.slug(), () -> {
                try {
                    return quarantine.getObject().count(t.id());
                } catch (org.springframework.dao.DataAccessException storeDown) {
                    return Double.NaN;
                }
            });
            metrics.quarantineDroppedCounter(t.slug());
            metrics.quarantineCounters(t.slug(), GatewayMetrics.INGEST_SOURCES, GatewayMetrics.QUARANTINE_REASONS);
        });
    }

    @Bean
    FilterRegistrationBean<FhirRequestMetrics> fhirRequestMetrics(MeterRegistry registry,
            RequestContexts contexts) {
        FilterRegistrationBean<FhirRequestMetrics> registration =
                new FilterRegistrationBean<>(new FhirRequestMetrics(registry, contexts));
        // just inside the request logging, so refused requests are timed too
        registration.setOrder(LoggingConfiguration.ORDER + 1);
        registration.setDispatcherTypes(DispatcherType.REQUEST);
        registration.addUrlPatterns("/organizations/*");
        return registration;
    }
}
