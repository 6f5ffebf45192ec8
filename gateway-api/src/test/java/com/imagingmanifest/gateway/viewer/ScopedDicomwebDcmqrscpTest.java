package com.imagingmanifest.gateway.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagingmanifest.gateway.ApiTestSupport;
import com.imagingmanifest.gateway.DcmqrscpProbe;
import com.imagingmanifest.testing.Dcmqrscp;
import com.imagingmanifest.testing.FreePorts;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The selection-scoped DICOMweb on DCMTK's dcmqrscp, a DIMSE-only archive that is not Orthanc: a
 * selected image comes by C-GET; one whose file the archive lost (its index still lists it, so C-GET
 * ends with a failed sub-operation, A702) is a 502 that says so, and the other image is still served.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScopedDicomwebDcmqrscpTest {
    static final String ORG = ApiTestSupport.DEMO_SLUG;
    static final Dcmqrscp ARCHIVE = Dcmqrscp.start("QRVIEWER", List.of());

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        ApiTestSupport.dcmqrscpOrganizations(registry, ARCHIVE, FreePorts.find());
    }

    @LocalServerPort
    int port;

    @AfterAll
    void stop() {
        ARCHIVE.close();
    }

    @Test
    void aSelectedImageTheArchiveCannotSendIs502AndTheOtherIsServed() throws IOException {
        List<Path> before = ARCHIVE.storedFiles();
        ApiTestSupport.Study study;
        try (DcmqrscpProbe probe = new DcmqrscpProbe(ARCHIVE)) {
            study = probe.newCtStudy("P-QRVIEW-" + System.nanoTime());
        }
        List<Path> added = new ArrayList<>(ARCHIVE.storedFiles());
        added.removeAll(before);
        assertThat(added).as("two CT images stored").hasSize(2);
        ApiTestSupport.client(port, ORG).create().resource(ApiTestSupport.manifest(study, 2, "Two CT images"))
                .execute();

        String lostSop = study.sopUids().get(1);
        Path lost = added.stream().filter(f -> contains(f, lostSop)).findFirst().orElseThrow();
        HttpResponse<byte[]> served = ScopedDicomwebTest.get(url(study, 1, ""));
        assertThat(served.statusCode()).as(ScopedDicomwebTest.text(served)).isEqualTo(200);
        assertThat(ScopedDicomwebTest.text(served)).contains("DICM").contains(lostSop);

        Files.delete(lost);
        for (String suffix : new String[] {"", "/metadata"}) {
            HttpResponse<byte[]> failed = ScopedDicomwebTest.get(url(study, 1, suffix));
            assertThat(failed.statusCode()).as(ScopedDicomwebTest.text(failed)).isEqualTo(502);
            assertThat(ScopedDicomwebTest.text(failed)).contains("OperationOutcome").contains("PACS failed");
        }
        HttpResponse<byte[]> other = ScopedDicomwebTest.get(url(study, 0, "/metadata"));
        assertThat(other.statusCode()).as(ScopedDicomwebTest.text(other)).isEqualTo(200);
        assertThat(ScopedDicomwebTest.text(other)).contains(study.sopUids().get(0));
    }

    private String url(ApiTestSupport.Study study, int image, String suffix) {
        return "http://127.0.0.1:" + port + "/organizations/" + ORG + "/dicomweb/studies/" + study.studyUid()
                + "/series/" + study.seriesUid() + "/instances/" + study.sopUids().get(image) + suffix;
    }

    private static boolean contains(Path file, String uid) {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(uid);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
