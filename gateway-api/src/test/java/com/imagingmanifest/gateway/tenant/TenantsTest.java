package com.imagingmanifest.gateway.tenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.imagingmanifest.gateway.config.GatewayProperties;
import com.imagingmanifest.pacs.PacsBinding;
import com.imagingmanifest.pacs.SupersededPolicy;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TenantsTest {
    static GatewayProperties.Pacs pacs(String kind, String superseded) {
        return new GatewayProperties.Pacs(kind, "ORTHANC", "127.0.0.1", 4242, "GW",
                URI.create("http://127.0.0.1:8042/dicom-web"), null, null, "u", "p", superseded,
                Duration.ofSeconds(5), Duration.ofSeconds(30), 8, null, null);
    }

    static GatewayProperties.Pacs secured(String sslBundle, String username, String bearerToken) {
        return new GatewayProperties.Pacs("orthanc", "ORTHANC", "127.0.0.1", 4242, "GW",
                URI.create("https://127.0.0.1:8042/dicom-web"), null, null, username, "p", "delete",
                Duration.ofSeconds(5), Duration.ofSeconds(30), 8, sslBundle, bearerToken);
    }

    static GatewayProperties properties(GatewayProperties.Pacs pacs) {
        return new GatewayProperties(null, null, null, List.of(new GatewayProperties.Organization("a", null, null, pacs)));
    }

    @Test
    void anSslBundleThatIsNotThereStopsTheStartWithItsName() {
        assertThatThrownBy(() -> new Tenants(properties(secured("pacs-tls", null, null))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("gateway.organizations[0].pacs.ssl-bundle");
        org.springframework.boot.ssl.SslBundles none = new org.springframework.boot.ssl.DefaultSslBundleRegistry();
        assertThatThrownBy(() -> new Tenants(properties(secured("pacs-tls", null, null)), none))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no SSL bundle named 'pacs-tls'");
    }

    @Test
    void aNamedSslBundleGivesTheBindingItsTlsContext() throws Exception {
        java.security.KeyStore empty = java.security.KeyStore.getInstance("PKCS12");
        empty.load(null, null);
        org.springframework.boot.ssl.DefaultSslBundleRegistry bundles =
                new org.springframework.boot.ssl.DefaultSslBundleRegistry();
        bundles.registerBundle("pacs-tls", org.springframework.boot.ssl.SslBundle.of(
                org.springframework.boot.ssl.SslStoreBundle.of(empty, "", empty)));
        Tenants t = new Tenants(properties(secured("pacs-tls", null, "t0ken")), bundles);
        PacsBinding binding = t.find("a").orElseThrow().pacs();
        assertThat(binding.tlsContext()).isNotNull();
        assertThat(binding.bearerToken()).isEqualTo("t0ken");
        assertThat(new Tenants(properties(secured(null, null, null)), bundles).find("a").orElseThrow().pacs()
                .tlsContext()).isNull();
    }

    @Test
    void aBearerTokenAndBasicCredentialsTogetherAreRefusedAndSecretsStayOutOfToString() {
        assertThatThrownBy(() -> new Tenants(properties(secured(null, "user", "t0ken"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("username/password or bearer-token, not both");
        PacsBinding binding = secured(null, null, "s3cret-token").toBinding();
        assertThat(binding.bearerToken()).isEqualTo("s3cret-token");
        assertThat(binding.toString()).doesNotContain("s3cret-token").contains("bearerToken=[set]");
        assertThat(secured(null, "user", null).toBinding().toString()).doesNotContain("=p,").contains("password=[set]");
    }

    @Test
    void aBindingKeepsItsAssociationLimitAndRefusesNone() {
        GatewayProperties.Pacs four = new GatewayProperties.Pacs("dimse", "ORTHANC", "127.0.0.1", 4242, "GW", null, null,
                null, null, null, "keep", Duration.ofSeconds(5), Duration.ofSeconds(30), 4, null, null);
        assertThat(four.toBinding().maxAssociations()).isEqualTo(4);
        GatewayProperties.Pacs none = new GatewayProperties.Pacs("dimse", "ORTHANC", "127.0.0.1", 4242, "GW", null, null,
                null, null, null, "keep", Duration.ofSeconds(5), Duration.ofSeconds(30), 0, null, null);
        assertThatThrownBy(none::toBinding).hasMessageContaining("max-associations");
    }

    @Test
    void cMoveNeedsKindDimseAndTheOrganizationsScpAeTitle() {
        GatewayProperties.Pacs move = new GatewayProperties.Pacs("dimse", "ARCHIVE", "127.0.0.1", 4242, "GW", null, null,
                null, null, null, null, Duration.ofSeconds(5), Duration.ofSeconds(30), 8, null, null, "c-move");
        PacsBinding binding = tenants(new GatewayProperties.Organization("m", null, null, move, "GWSCP")).find("m")
                .orElseThrow().pacs();
        assertThat(binding.retrieve()).isEqualTo(PacsBinding.Retrieve.C_MOVE);
        assertThat(binding.moveDestination()).isEqualTo("GWSCP");
        assertThat(tenants(new GatewayProperties.Organization("g", null, null, pacs("dimse", null))).find("g")
                .orElseThrow().pacs().retrieve()).isEqualTo(PacsBinding.Retrieve.C_GET);
        assertThatThrownBy(() -> tenants(new GatewayProperties.Organization("m", null, null, move)))
                .hasMessage("organization m: gateway.organizations[0].pacs: retrieve=c-move needs the gateway's C-STORE"
                        + " SCP AE title as its move destination (set gateway.organizations[0].scp-ae-title and"
                        + " gateway.scp.port)");
        GatewayProperties.Pacs orthanc = new GatewayProperties.Pacs("orthanc", "ORTHANC", "127.0.0.1", 4242, "GW",
                URI.create("http://127.0.0.1:8042/dicom-web"), null, null, null, null, null, Duration.ofSeconds(5),
                Duration.ofSeconds(30), 8, null, null, "c-move");
        assertThatThrownBy(() -> tenants(new GatewayProperties.Organization("o", null, null, orthanc, "GWSCP")))
                .hasMessageContaining("retrieve=c-move needs kind=dimse");
        GatewayProperties.Pacs pigeon = new GatewayProperties.Pacs("dimse", "ARCHIVE", "127.0.0.1", 4242, "GW", null,
                null, null, null, null, null, Duration.ofSeconds(5), Duration.ofSeconds(30), 8, null, null, "c-fetch");
        assertThatThrownBy(() -> tenants(new GatewayProperties.Organization("p", null, null, pigeon, "GWSCP")))
                .hasMessageContaining("retrieve must be one of c-get|c-move, not 'c-fetch'");
    }

    static Tenants tenants(GatewayProperties.Organization... organizations) {
        return new Tenants(new GatewayProperties(null, null, null, List.of(organizations)));
    }

    @Test
    void organizationsAreFoundByIdAndBySlug() {
        Tenants t = tenants(new GatewayProperties.Organization("1", "demo", "Demo", pacs("orthanc", "delete")),
                new GatewayProperties.Organization("2", "other", null, pacs("DICOMWEB", "Reject")));
        assertThat(t.find("1")).containsSame(t.find("demo").orElseThrow());
        assertThat(t.find("other").orElseThrow().pacs().kind()).isEqualTo(PacsBinding.Kind.DICOMWEB);
        assertThat(t.find("other").orElseThrow().pacs().superseded()).isEqualTo(SupersededPolicy.REJECT);
        assertThat(t.find("other").orElseThrow().name()).isEqualTo("other");
        assertThat(t.find("3")).isEmpty();
    }

    @Test
    void badConfigurationStopsTheStartWithTheKeyToFix() {
        assertThatThrownBy(() -> tenants(new GatewayProperties.Organization("1", "demo", "A", pacs("orthanc", "delete")),
                new GatewayProperties.Organization("2", "1", "B", pacs("orthanc", "delete"))))
                .hasMessageContaining("gateway.organizations[1]").hasMessageContaining("'1'");
        assertThatThrownBy(() -> tenants(new GatewayProperties.Organization("1", "demo", "A", pacs("pigeon", "delete"))))
                .hasMessageContaining("gateway.organizations[0].pacs");
        assertThatThrownBy(() -> tenants(new GatewayProperties.Organization("a/b", "demo", "A", pacs("orthanc", "delete"))))
                .hasMessageContaining("gateway.organizations[0].id");
        assertThatThrownBy(() -> tenants(new GatewayProperties.Organization("1", "demo", "A", null)))
                .hasMessageContaining("gateway.organizations[0].pacs");
    }

    @Test
    void anImpossibleSupersededPolicyStopsTheStartWithOneLineNamingOrganizationPolicyAndWhatTheKindCanDo() {
        for (String kind : List.of("dimse", "dicomweb")) {
            assertThatThrownBy(() -> tenants(new GatewayProperties.Organization("north", null, null,
                    pacs(kind, "delete"))))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("organization north: gateway.organizations[0].pacs.superseded=delete is impossible"
                            + " with pacs.kind=" + kind + ", which can do only superseded=reject, keep (it has no"
                            + " delete of instances)");
        }
        assertThat(tenants(new GatewayProperties.Organization("o", null, null, pacs("orthanc", "delete")))
                .find("o").orElseThrow().pacs().superseded()).isEqualTo(SupersededPolicy.DELETE);
    }

    @Test
    void eachKindDefaultsToAPolicyItCanHonour() {
        Tenants t = tenants(new GatewayProperties.Organization("o", null, null, pacs("orthanc", null)),
                new GatewayProperties.Organization("d", null, null, pacs("dimse", null)),
                new GatewayProperties.Organization("w", null, null, pacs("dicomweb", "")));
        assertThat(t.find("o").orElseThrow().pacs().superseded()).isEqualTo(SupersededPolicy.DELETE);
        assertThat(t.find("d").orElseThrow().pacs().superseded()).isEqualTo(SupersededPolicy.REJECT);
        assertThat(t.find("w").orElseThrow().pacs().superseded()).isEqualTo(SupersededPolicy.REJECT);
        for (PacsBinding.Kind kind : PacsBinding.Kind.values()) {
            assertThat(com.imagingmanifest.pacs.Pacs.supports(com.imagingmanifest.pacs.PacsCapability.of(kind),
                    kind.defaultSuperseded())).as(kind.name()).isTrue();
        }
    }
}
