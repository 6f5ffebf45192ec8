package com.imagingmanifest.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import org.hl7.fhir.dstu3.model.Bundle;
import org.hl7.fhir.dstu3.model.Endpoint;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The gateway behind a TLS-terminating reverse proxy ({@code server.forward-headers-strategy=framework}):
 * the URLs it hands out name the public scheme, host and port from {@code X-Forwarded-*}, not the
 * loopback address the proxy called; viewers are sent to the PACS's public DICOMweb base.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "server.forward-headers-strategy=framework",
    "gateway.organizations[0].id=org-1",
    "gateway.organizations[0].slug=demo",
    "gateway.organizations[0].pacs.kind=orthanc",
    "gateway.organizations[0].pacs.ae-title=ORTHANC",
    "gateway.organizations[0].pacs.rest-url=http://127.0.0.1:9",
    "gateway.organizations[0].pacs.dicomweb-url=http://10.0.0.5:8042/dicom-web",
    "gateway.organizations[0].pacs.public-dicomweb-url=https://pacs.example.org/dicom-web",
})
@Import(SecuredServerTest.Fakes.class)
class BehindAProxyTest {
    private static final String PUBLIC = "https://fhir.example.org";
    private static final FhirContext FHIR = FhirContext.forDstu3Cached();

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) throws Exception {
        registry.add("gateway.data-dir", Files.createTempDirectory("gateway-proxy-test")::toString);
    }

    @LocalServerPort
    int port;
    @Autowired
    LocalTokenIssuer tokens;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + tokens.issue("demo", TestTokens.ALL, Duration.ofHours(1), "t"))
                .header("X-Forwarded-Proto", "https").header("X-Forwarded-Host", "fhir.example.org")
                .header("X-Forwarded-Port", "443").header("Accept", "application/fhir+json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/fhir+json");
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void locationsLinksAndEndpointsUseThePublicAddresses() throws Exception {
        HttpResponse<String> created = send("POST", "/organizations/demo/fhir/3/ImagingManifest",
                SecuredServerTest.manifest("behind a proxy"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String location = created.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith(PUBLIC + "/organizations/demo/fhir/3/ImagingManifest/");
        assertThat(created.headers().firstValue("Content-Location")).hasValueSatisfying(
                v -> assertThat(v).startsWith(PUBLIC + "/organizations/demo/fhir/3/ImagingManifest/"));

        String id = location.replaceAll(".*/ImagingManifest/([^/]+)/_history/.*", "$1");
        HttpResponse<String> read = send("GET", "/organizations/demo/fhir/3/ImagingManifest/" + id, null);
        ImagingManifest manifest = FHIR.newJsonParser().parseResource(ImagingManifest.class, read.body());
        assertThat(manifest.getContained()).filteredOn(Endpoint.class::isInstance).map(r -> ((Endpoint) r).getAddress())
                .containsExactlyInAnyOrder("https://pacs.example.org/dicom-web",
                        // the key-image page (ihe-iid) at the address the proxy's client used
                        PUBLIC + "/organizations/demo/viewer/ImagingManifest/" + id);

        HttpResponse<String> search = send("GET", "/organizations/demo/fhir/3/ImagingManifest?_count=1", null);
        Bundle bundle = FHIR.newJsonParser().parseResource(Bundle.class, search.body());
        assertThat(bundle.getLink()).isNotEmpty()
                .allSatisfy(l -> assertThat(l.getUrl()).startsWith(PUBLIC + "/organizations/demo/fhir/3"));
        assertThat(bundle.getEntry()).allSatisfy(e -> assertThat(e.getFullUrl()).startsWith(PUBLIC + "/organizations/demo/fhir/3/"));

        HttpResponse<String> metadata = send("GET", "/organizations/demo/fhir/3/metadata", null);
        assertThat(metadata.body()).contains("\"url\":\"" + PUBLIC + "/organizations/demo/fhir/3\"");
    }
}
