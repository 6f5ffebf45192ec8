package com.imagingmanifest.gateway.tenant;

import com.imagingmanifest.pacs.MoveArrivals;
import com.imagingmanifest.pacs.PacsFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * How the organizations' PACS are opened. Here rather than in {@code config}, which the organizations
 * read their properties from: beans of this package declared there made the two packages depend on each
 * other.
 */
@Configuration(proxyBeanMethods = false)
class PacsConfiguration {

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
