package com.imagingmanifest.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagingmanifest.gateway.ingest.KosStoreScp;
import com.imagingmanifest.gateway.security.CorsProperties;
import com.imagingmanifest.gateway.security.GatewaySecurityProperties;
import com.imagingmanifest.gateway.tenant.Tenant;
import com.imagingmanifest.gateway.tenant.Tenants;
import com.imagingmanifest.pacs.PacsBinding;
import com.imagingmanifest.pacs.SupersededPolicy;
import com.imagingmanifest.testing.GatewayScript;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * config/application.example.yml, the sample a site starts from, loads and starts the gateway: only
 * what a test machine cannot have is replaced (the database by an in-memory H2, the SCP's port and
 * address, the secrets the file takes from the environment).
 */
class ConfigExampleTest {
    @TempDir
    Path dir;

    @Test
    void theSampleSiteConfigurationStartsTheGateway() throws Exception {
        Path example = GatewayScript.root().resolve("config/application.example.yml");
        assertThat(example).isRegularFile();
        try (ConfigurableApplicationContext gateway = new SpringApplicationBuilder(GatewayApplication.class).run(
                "--spring.config.additional-location=file:" + example,
                "--NORTH_PACS_PASSWORD=secret", "--GATEWAY_DB_PASSWORD=",
                "--spring.datasource.url=jdbc:h2:mem:config-example;DB_CLOSE_DELAY=-1",
                "--gateway.data-dir=" + dir, "--server.port=0", "--gateway.scp.port=0", "--gateway.scp.host=127.0.0.1")) {
            // (organization entries cannot be overridden one key at a time: Spring binds a list from
            // one source only; the pollers run and find the example hosts unresolvable, which they log)
            Tenants tenants = gateway.getBean(Tenants.class);
            assertThat(tenants.all()).extracting(Tenant::slug).containsExactly("north", "south");
            PacsBinding north = tenants.find("north").orElseThrow().pacs();
            assertThat(north.kind()).isEqualTo(PacsBinding.Kind.ORTHANC);
            assertThat(north.password()).isEqualTo("secret");
            PacsBinding south = tenants.find("2").orElseThrow().pacs();
            assertThat(south.kind()).isEqualTo(PacsBinding.Kind.DIMSE);
            assertThat(south.superseded()).isEqualTo(SupersededPolicy.REJECT);

            GatewaySecurityProperties security = gateway.getBean(GatewaySecurityProperties.class);
            assertThat(security.embeddedIssuer()).isFalse();
            assertThat(security.issuerUri()).hasToString("https://login.example.org/realms/radiology");
            assertThat(gateway.getBean(CorsProperties.class).allowedOrigins()).containsExactly("https://viewer.example.org");

            int port = ((WebServerApplicationContext) gateway).getWebServer().getPort();
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> metadata = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/organizations/south/fhir/3/metadata")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(metadata.statusCode()).isEqualTo(200);
            assertThat(metadata.body()).contains("\"cors\":true");
            HttpResponse<String> search = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/organizations/north/fhir/3/ImagingManifest")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(search.statusCode()).as("no token, external issuer").isEqualTo(401);

            try (Socket scp = new Socket("127.0.0.1", gateway.getBean(KosStoreScp.class).port())) {
                assertThat(scp.isConnected()).isTrue();
            }
        }
        assertThat(Files.readString(example)).doesNotContain("password: gateway").contains("${NORTH_PACS_PASSWORD}");
    }
}
