package com.imagingmanifest.gateway.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagingmanifest.gateway.ApiTestSupport;
import com.imagingmanifest.testing.FreePorts;
import com.imagingmanifest.testing.PrivateOrthanc;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The selection-scoped DICOMweb of an organization whose PACS is bound by DIMSE only (Orthanc's DICOM port):
 * the selected instance by C-GET, its metadata from the project's own Part 10 reader and DICOM JSON
 * writer (without pixel data), 501 for rendered and frames, 404 outside the selection.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScopedDicomwebDimseTest {
    static final String ORG = ApiTestSupport.DEMO_SLUG;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws Exception {
        int closed = FreePorts.find();
        // Orthanc reached through its DICOM port only: C-FIND, C-STORE, C-GET
        PrivateOrthanc o = PrivateOrthanc.shared();
        ApiTestSupport.organizations(registry, "dimse", o.aeTitle(), o.host(), o.dicomPort(),
                "http://127.0.0.1:" + closed + "/dicom-web", null, null, null, closed);
        Path h2 = Files.createTempDirectory("viewer-dimse");
        registry.add("spring.datasource.url", () -> "jdbc:h2:file:" + h2 + "/gateway;AUTO_SERVER=FALSE;WRITE_DELAY=0");
    }

    @LocalServerPort
    int port;

    ViewerTestData data;

    @BeforeAll
    void selection() {
        data = ViewerTestData.store(port, ORG, "P-DIMSE-" + System.nanoTime());
    }

    @Test
    void theInstanceAndItsMetadataComeByCGetTheRestIs501() {
        HttpResponse<byte[]> dicom = ScopedDicomwebTest.get(data.ct(port, ORG, 0, ""));
        assertThat(dicom.statusCode()).as(ScopedDicomwebTest.text(dicom)).isEqualTo(200);
        assertThat(dicom.headers().firstValue("Content-Type").orElse("")).startsWith("multipart/related");
        assertThat(ScopedDicomwebTest.text(dicom)).contains("DICM").contains(data.study().sopUids().get(0));
        // the whole 128 x 128 16-bit image came along
        assertThat(dicom.body().length).isGreaterThan(ViewerTestData.SIZE * ViewerTestData.SIZE * 2);

        HttpResponse<byte[]> metadata = ScopedDicomwebTest.get(data.ct(port, ORG, 1, "/metadata"));
        assertThat(metadata.statusCode()).as(ScopedDicomwebTest.text(metadata)).isEqualTo(200);
        assertThat(metadata.headers().firstValue("Content-Type").orElse("")).startsWith("application/dicom+json");
        assertThat(ScopedDicomwebTest.text(metadata)).startsWith("[{").contains(data.study().sopUids().get(1))
                .contains("\"00280010\"").doesNotContain("\"7FE00010\"");
        // C-GET takes only the storage classes the gateway negotiates (SopClasses.DEFAULT_STORAGE), which
        // multi-frame secondary capture is not: the PACS's failure is a 502, not a wrong answer
        assertThat(ScopedDicomwebTest.get(data.multiFrame(port, ORG, "/metadata")).statusCode()).isEqualTo(502);

        for (String suffix : new String[] {"/rendered", "/frames/1"}) {
            HttpResponse<byte[]> r = ScopedDicomwebTest.get(data.ct(port, ORG, 0, suffix));
            assertThat(r.statusCode()).isEqualTo(501);
            assertThat(ScopedDicomwebTest.text(r)).contains("not-supported").contains("DIMSE only");
        }
        assertThat(ScopedDicomwebTest.get(data.multiFrame(port, ORG, "/frames/1/rendered")).statusCode())
                .isEqualTo(501);
        // outside the selection: 404 before the PACS is asked
        assertThat(ScopedDicomwebTest.get(data.ct(port, ORG, 2, "")).statusCode()).isEqualTo(404);
        assertThat(ScopedDicomwebTest.get(data.multiFrame(port, ORG, "/frames/2/rendered")).statusCode())
                .isEqualTo(404);
    }
}
