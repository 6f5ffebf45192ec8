package com.imagingmanifest.gateway.viewer;

import com.imagingmanifest.gateway.ApiTestSupport;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** A gateway on the shared Orthanc for the viewer tests, and the selection they look at. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ViewerGatewayTest {
    static final String ORG = ApiTestSupport.DEMO_SLUG;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ViewerTestData.organizations(registry);
        // the second organization's manifests name the gateway's scoped DICOMweb, the first's the PACS
        registry.add("gateway.organizations[1].viewer-dicomweb", () -> "gateway");
    }

    @LocalServerPort
    int port;

    ViewerTestData data;
}
