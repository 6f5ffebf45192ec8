package com.imagingmanifest.gateway.viewer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.imagingmanifest.gateway.tenant.Tenant;
import com.imagingmanifest.pacs.PacsBinding;
import com.imagingmanifest.pacs.SupersededPolicy;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.hl7.fhir.dstu3.model.Endpoint;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.junit.jupiter.api.Test;

/** gateway.organizations[n].viewer-dicomweb: only pacs or gateway; outside a request, the PACS's base. */
class ViewerLinksTest {
    static final Tenant TENANT = new Tenant("1", "demo", "Demo", new PacsBinding(PacsBinding.Kind.ORTHANC, "ORTHANC",
            "127.0.0.1", 4242, "GW", URI.create("http://pacs/dicom-web"), URI.create("https://viewer.example/dicom-web"),
            null, null, null, SupersededPolicy.DELETE, Duration.ofSeconds(1), Duration.ofSeconds(1)));

    @Test
    void anUnknownChoiceStopsTheStart() {
        assertThatThrownBy(() -> new ViewerLinks(new ViewerProperties(List.of(
                new ViewerProperties.Organization("1", "proxy")))))
                .hasMessageContaining("gateway.organizations[0].viewer-dicomweb must be pacs or gateway, not proxy");
    }

    @Test
    void withoutARequestTheManifestNamesThePacsAndNoPage() {
        ViewerLinks links = new ViewerLinks(new ViewerProperties(List.of(
                new ViewerProperties.Organization("1", "gateway"))));
        ImagingManifest m = new ImagingManifest();
        m.addStudy().setUid("urn:oid:1.2.3").addSeries().setUid("urn:oid:1.2.3.4").addInstance()
                .setUid("urn:oid:1.2.3.4.5").setSopClass("urn:oid:1.2.840.10008.5.1.4.1.1.2");
        links.add(m, TENANT, "m1");
        assertThat(m.getContained()).singleElement().satisfies(r -> {
            assertThat(((Endpoint) r).getAddress()).isEqualTo("https://viewer.example/dicom-web");
            assertThat(((Endpoint) r).getConnectionType().getCode()).isEqualTo("dicom-wado-rs");
        });
    }
}
