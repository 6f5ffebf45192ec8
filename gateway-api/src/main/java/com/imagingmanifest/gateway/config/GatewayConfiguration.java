package com.imagingmanifest.gateway.config;

import com.imagingmanifest.gateway.tenant.PacsOpener;
import com.imagingmanifest.pacs.MoveArrivals;
import com.imagingmanifest.pacs.PacsFactory;
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

    /** Where C-MOVE retrievals wait for what the archive sends to the gateway's C-STORE SCP. */
    @Bean
    MoveArrivals moveArrivals() {
        return new MoveArrivals();
    }

    @Bean
    @ConditionalOnMissingBean
    PacsOpener pacsOpener(MoveArrivals arrivals) {
        return binding -> PacsFactory.open(binding, arrivals);
    }
}
