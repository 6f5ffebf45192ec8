package com.imagingmanifest.gateway.metrics;

import com.imagingmanifest.gateway.tenant.PacsOpener;
import com.imagingmanifest.gateway.tenant.Tenant;
import com.imagingmanifest.gateway.tenant.Tenants;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Wraps whichever {@link PacsOpener} the application has (the real one or a test's) so that every
 * {@code Pacs} it opens is a {@link MeteredPacs} tagged with its tenant: PACS metrics need no code in
 * the parts that use the PACS.
 */
final class MeteredPacsOpener implements BeanPostProcessor {

    private final ObjectProvider<GatewayMetrics> metrics;
    private final ObjectProvider<Tenants> tenants;

    MeteredPacsOpener(ObjectProvider<GatewayMetrics> metrics, ObjectProvider<Tenants> tenants) {
        this.metrics = metrics;
        this.tenants = tenants;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (!(bean instanceof PacsOpener opener)) {
            return bean;
        }
        PacsOpener metered = binding -> metrics.getObject().metered(tenantOf(binding), opener.open(binding));
        return metered;
    }

    /** Each tenant has its own binding; the tag is the slug of the first tenant with this one. */
    private String tenantOf(com.imagingmanifest.pacs.PacsBinding binding) {
        return tenants.getObject().all().stream()
                .filter(t -> t.pacs().equals(binding))
                .map(Tenant::slug)
                .findFirst()
                .orElse("unknown");
    }
}
