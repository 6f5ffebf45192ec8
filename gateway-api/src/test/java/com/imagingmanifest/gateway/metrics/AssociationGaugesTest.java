package com.imagingmanifest.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagingmanifest.pacs.Pacs;
import com.imagingmanifest.pacs.PacsBinding;
import com.imagingmanifest.pacs.PacsFactory;
import com.imagingmanifest.pacs.SupersededPolicy;
import com.imagingmanifest.testing.PrivateOrthanc;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code gateway_dicom_associations{tenant,state}} for a DIMSE binding to a real Orthanc: the pool's
 * associations as they open and go idle; HTTP kinds have none to report.
 */
class AssociationGaugesTest {
    static final PrivateOrthanc ORTHANC = PrivateOrthanc.shared();

    @Test
    void aDimseBindingReportsItsPooledAssociations() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        GatewayMetrics metrics = new GatewayMetrics(registry);
        PacsBinding binding = new PacsBinding(PacsBinding.Kind.DIMSE, ORTHANC.aeTitle(), ORTHANC.host(),
                ORTHANC.dicomPort(), "GW", null, null, null, null, null, SupersededPolicy.KEEP, Duration.ofSeconds(5),
                Duration.ofSeconds(30), 4);
        try (Pacs pacs = metrics.metered("demo", PacsFactory.open(binding))) {
            assertThat(gauge(registry, "idle")).isZero();
            assertThat(gauge(registry, "in-use")).isZero();
            pacs.check(); // a C-ECHO on a new pooled association, which then stays open
            assertThat(gauge(registry, "idle")).isEqualTo(1);
            assertThat(gauge(registry, "in-use")).isZero();
            assertThat(gauge(registry, "waiting")).isZero();
        }
    }

    @Test
    void anHttpBindingHasNoAssociationGauges() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        PacsBinding binding = new PacsBinding(PacsBinding.Kind.DICOMWEB, null, null, 0, null, ORTHANC.dicomwebUrl(),
                null, null, ORTHANC.username(), ORTHANC.password(), SupersededPolicy.KEEP, null, null);
        try (Pacs ignored = new GatewayMetrics(registry).metered("demo", PacsFactory.open(binding))) {
            assertThat(registry.find(GatewayMetrics.ASSOCIATIONS).gauges()).isEmpty();
        }
    }

    private static double gauge(SimpleMeterRegistry registry, String state) {
        return registry.get(GatewayMetrics.ASSOCIATIONS).tags("tenant", "demo", "state", state).gauge().value();
    }
}
