package com.imagingmanifest.gateway.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagingmanifest.gateway.ApiTestSupport;
import com.imagingmanifest.gateway.security.TestTokens;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The selection-scoped DICOMweb against a real Orthanc on the embedded H2 store: what a current
 * manifest selects is relayed (instance, metadata, rendered, selected frames), everything else is
 * the same 404 whatever the token, and other organizations' tokens see nothing.
 */
class ScopedDicomwebTest extends ViewerGatewayTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();


    @BeforeAll
    void selection() {
        data = ViewerTestData.store(port, ORG, "P-VIEW-" + System.nanoTime());
    }

    static HttpResponse<byte[]> get(String url, String token, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).GET();
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        headers.forEach(b::header);
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static HttpResponse<byte[]> get(String url) {
        return get(url, TestTokens.token(ApiTestSupport.DATA_DIR, ORG, TestTokens.READ), Map.of());
    }

    static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.ISO_8859_1);
    }

    static void assertJpeg(HttpResponse<byte[]> r) {
        assertThat(r.statusCode()).as(text(r)).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("image/jpeg"));
        assertThat(r.body()[0] & 0xFF).isEqualTo(0xFF);
        assertThat(r.body()[1] & 0xFF).isEqualTo(0xD8);
    }

    @Test
    void selectedInstancesAreRelayedInEveryWadoRsForm() {
        HttpResponse<byte[]> dicom = get(data.ct(port, ORG, 0, ""));
        assertThat(dicom.statusCode()).as(text(dicom)).isEqualTo(200);
        assertThat(dicom.headers().firstValue("Content-Type").orElse("")).startsWith("multipart/related");
        assertThat(text(dicom)).contains("DICM").contains(data.study().sopUids().get(0));

        HttpResponse<byte[]> metadata = get(data.ct(port, ORG, 1, "/metadata"));
        assertThat(metadata.statusCode()).isEqualTo(200);
        assertThat(text(metadata)).contains(data.study().sopUids().get(1)).contains("\"00280010\"");

        assertJpeg(get(data.ct(port, ORG, 0, "/rendered")));
        assertJpeg(get(data.ct(port, ORG, 1, "/rendered?quality=80")));
        // what a browser's img element asks for
        assertJpeg(get(data.ct(port, ORG, 1, "/rendered"), TestTokens.token(ApiTestSupport.DATA_DIR, ORG,
                TestTokens.READ), Map.of("Accept", "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8")));
        assertJpeg(get(data.multiFrame(port, ORG, "/frames/1/rendered")));
        assertJpeg(get(data.multiFrame(port, ORG, "/frames/3/rendered")));

        HttpResponse<byte[]> frames = get(data.multiFrame(port, ORG, "/frames/1,3"));
        assertThat(frames.statusCode()).as(text(frames)).isEqualTo(200);
        assertThat(frames.headers().firstValue("Content-Type").orElse("")).startsWith("multipart/related");
        // two frames of 128 x 128 16-bit pixels, each its own part
        assertThat(frames.body().length).isGreaterThan(2 * ViewerTestData.SIZE * ViewerTestData.SIZE * 2);
        // a frame selection still gives the instance's attributes
        assertThat(get(data.multiFrame(port, ORG, "/metadata")).statusCode()).isEqualTo(200);
    }

    @Test
    void whatNoCurrentManifestSelectsIs404WhateverTheToken() {
        HttpResponse<byte[]> unselected = get(data.ct(port, ORG, 2, "/rendered"));
        HttpResponse<byte[]> unknown = get(data.url(port, ORG, data.study().seriesUid(), "1.2.3.4.5.6", ""));
        assertThat(unselected.statusCode()).isEqualTo(404);
        assertThat(text(unselected)).contains(SelectionScopedDicomweb.NOT_SELECTED);
        // the instance exists on the PACS, the other does not: the answers are the same
        assertThat(unselected.body()).isEqualTo(unknown.body());
        for (String suffix : new String[] {"", "/metadata", "/frames/1"}) {
            assertThat(get(data.ct(port, ORG, 2, suffix)).statusCode()).isEqualTo(404);
        }
        // unselected frames, a list with one, and the whole of a frame-selected instance
        assertThat(get(data.multiFrame(port, ORG, "/frames/2/rendered")).statusCode()).isEqualTo(404);
        assertThat(get(data.multiFrame(port, ORG, "/frames/1,2")).statusCode()).isEqualTo(404);
        assertThat(get(data.multiFrame(port, ORG, "")).statusCode()).isEqualTo(404);
        assertThat(get(data.multiFrame(port, ORG, "/rendered")).statusCode()).isEqualTo(404);
        // the right UIDs under another study
        assertThat(get(data.url(port, ORG, data.study().seriesUid(), data.study().sopUids().get(0), "")
                .replace(data.study().studyUid(), "1.2.3.4")).statusCode()).isEqualTo(404);
        // study-level and QIDO-RS paths are not served
        assertThat(get("http://127.0.0.1:" + port + "/organizations/" + ORG + "/dicomweb/studies").statusCode())
                .isEqualTo(404);
    }

    @Test
    void tokensOfOtherOrganizationsAndWithoutTheReadScopeSeeNothing() {
        String url = data.ct(port, ORG, 0, "/rendered");
        HttpResponse<byte[]> other = get(url, TestTokens.token(ApiTestSupport.DATA_DIR, ApiTestSupport.OTHER_SLUG,
                TestTokens.ALL), Map.of());
        assertThat(other.statusCode()).isEqualTo(404);
        assertThat(text(other)).contains("Unknown organization: " + ORG);
        // the other organization's own base: same PACS, but none of its manifests selects the instance
        HttpResponse<byte[]> otherBase = get(data.ct(port, ApiTestSupport.OTHER_SLUG, 0, "/rendered"),
                TestTokens.token(ApiTestSupport.DATA_DIR, ApiTestSupport.OTHER_SLUG, TestTokens.ALL), Map.of());
        assertThat(otherBase.statusCode()).isEqualTo(404);
        assertThat(text(otherBase)).contains(SelectionScopedDicomweb.NOT_SELECTED);
        assertThat(get(url, null, Map.of()).statusCode()).isEqualTo(401);
        assertThat(get(url, TestTokens.token(ApiTestSupport.DATA_DIR, ORG, TestTokens.WRITE), Map.of()).statusCode())
                .isEqualTo(403);
    }

    @Test
    void badPathsAre400AndRevalidationIs304WithoutThePacs() {
        assertThat(get(data.multiFrame(port, ORG, "/frames/0")).statusCode()).isEqualTo(400);
        assertThat(get(data.multiFrame(port, ORG, "/frames/1,3/rendered")).statusCode()).isEqualTo(400);
        assertThat(get(data.ct(port, ORG, 0, "/metadata?x=1")).statusCode()).isEqualTo(400);
        assertThat(get(data.url(port, ORG, "1.2.x", "1.2.3", "")).statusCode()).isEqualTo(400);

        HttpResponse<byte[]> first = get(data.ct(port, ORG, 0, "/rendered"));
        String etag = first.headers().firstValue("ETag").orElseThrow();
        HttpResponse<byte[]> again = get(data.ct(port, ORG, 0, "/rendered"),
                TestTokens.token(ApiTestSupport.DATA_DIR, ORG, TestTokens.READ), Map.of("If-None-Match", etag));
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        // an unselected instance is 404 even with a matching validator
        assertThat(get(data.ct(port, ORG, 2, "/rendered"), TestTokens.token(ApiTestSupport.DATA_DIR, ORG,
                TestTokens.READ), Map.of("If-None-Match", etag)).statusCode()).isEqualTo(404);
    }

    @Test
    void aDeletedManifestSelectsNothing() {
        ViewerTestData gone = ViewerTestData.store(port, ORG, "P-GONE-" + System.nanoTime());
        assertJpeg(get(gone.ct(port, ORG, 0, "/rendered")));
        ApiTestSupport.client(port, ORG).delete().resourceById("ImagingManifest", gone.manifestId()).execute();
        assertThat(get(gone.ct(port, ORG, 0, "/rendered")).statusCode()).isEqualTo(404);
        assertThat(get(gone.multiFrame(port, ORG, "/frames/1/rendered")).statusCode()).isEqualTo(404);
    }

    @Test
    void manifestsLinkTheirKeyImagePageAndTheChosenDicomwebBase() {
        String gateway = "http://127.0.0.1:" + port + "/organizations/";
        org.hl7.fhir.dstu3.model.ImagingManifest read = ApiTestSupport.client(port, ORG).read()
                .resource(org.hl7.fhir.dstu3.model.ImagingManifest.class).withId(data.manifestId()).execute();
        assertThat(endpoint(read, "ihe-iid").getAddress())
                .isEqualTo(gateway + ORG + "/viewer/ImagingManifest/" + data.manifestId());
        assertThat(read.getStudyFirstRep().getEndpoint()).extracting(r -> r.getReference())
                .contains("#" + endpoint(read, "ihe-iid").getIdElement().getIdPart());
        assertThat(endpoint(read, "dicom-wado-rs").getAddress())
                .isEqualTo(com.imagingmanifest.testing.PrivateOrthanc.shared().dicomwebUrl().toString());

        // viewer-dicomweb=gateway: a DICOMweb client that follows the Endpoint gets the selection, with the token
        ViewerTestData other = ViewerTestData.store(port, ApiTestSupport.OTHER_SLUG, "P-OTHER-" + System.nanoTime());
        org.hl7.fhir.dstu3.model.ImagingManifest otherRead = ApiTestSupport.client(port, ApiTestSupport.OTHER_SLUG)
                .read().resource(org.hl7.fhir.dstu3.model.ImagingManifest.class).withId(other.manifestId()).execute();
        String base = endpoint(otherRead, "dicom-wado-rs").getAddress();
        assertThat(base).isEqualTo(gateway + ApiTestSupport.OTHER_SLUG + "/dicomweb");
        String token = TestTokens.token(ApiTestSupport.DATA_DIR, ApiTestSupport.OTHER_SLUG, TestTokens.READ);
        String instance = base + "/studies/" + other.study().studyUid() + "/series/" + other.study().seriesUid()
                + "/instances/";
        assertThat(get(instance + other.study().sopUids().get(0), token, Map.of()).statusCode()).isEqualTo(200);
        assertThat(get(instance + other.study().sopUids().get(2), token, Map.of()).statusCode()).isEqualTo(404);
    }

    /** The contained Endpoint of {@code connectionType} that a study or series of the manifest refers to. */
    static org.hl7.fhir.dstu3.model.Endpoint endpoint(org.hl7.fhir.dstu3.model.ImagingManifest m, String type) {
        return m.getContained().stream().filter(r -> r instanceof org.hl7.fhir.dstu3.model.Endpoint)
                .map(r -> (org.hl7.fhir.dstu3.model.Endpoint) r)
                .filter(e -> type.equals(e.getConnectionType().getCode())).findFirst().orElseThrow();
    }
}
