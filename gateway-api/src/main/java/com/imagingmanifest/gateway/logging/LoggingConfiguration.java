package com.imagingmanifest.gateway.logging;

import com.imagingmanifest.gateway.web.OperationOutcomeWriter;
import com.imagingmanifest.gateway.web.RequestContexts;
import jakarta.servlet.DispatcherType;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** Registers {@link RequestLogging} ahead of Spring Security. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(LoggingConfiguration.CdataProperties.class)
public class LoggingConfiguration {

    /** Spring Security's filter chain is registered at -100; request context must exist before it. */
    public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

    /**
     * {@code gateway.logging.cdata.*}: limits on the {@code log-cdata} header.
     *
     * @param maxBytes longest accepted header value
     * @param maxFields most fields accepted
     */
    @ConfigurationProperties("gateway.logging.cdata")
    public record CdataProperties(@DefaultValue("2048") int maxBytes, @DefaultValue("32") int maxFields) {
    }

    @Bean
    FilterRegistrationBean<RequestLogging> requestLogging(CdataProperties limits, RequestContexts contexts,
            OperationOutcomeWriter outcomes) {
        FilterRegistrationBean<RequestLogging> registration = new FilterRegistrationBean<>(new RequestLogging(
                new LogCdata(limits.maxBytes(), limits.maxFields()), contexts, outcomes));
        registration.setOrder(ORDER);
        registration.setDispatcherTypes(DispatcherType.REQUEST);
        registration.addUrlPatterns("/*");
        return registration;
    }
}
