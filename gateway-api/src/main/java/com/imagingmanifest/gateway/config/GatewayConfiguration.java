package com.imagingmanifest.gateway.config;

import com.imagingmanifest.gateway.tenant.PacsOpener;
import com.imagingmanifest.pacs.PacsException;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Application-wide beans that tests may replace. */
@Configuration(proxyBeanMethods = false)
class GatewayConfiguration {

    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    @ConditionalOnMissingBean
    PacsOpener pacsOpener() {
        return binding -> {
            throw new IllegalStateException(new PacsException(PacsException.Kind.UNSUPPORTED,
                    "no PACS implementation for " + binding.kind()));
        };
    }
}
