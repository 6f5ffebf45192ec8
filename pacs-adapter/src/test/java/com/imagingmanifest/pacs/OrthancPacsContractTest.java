package com.imagingmanifest.pacs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.dicom.data.Vr;
import com.imagingmanifest.dicom.io.Part10;
import com.imagingmanifest.testing.PrivateOrthanc;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The contract through Orthanc: DICOMweb plus REST delete, change feed and /system. */
class OrthancPacsContractTest extends PacsContractTest {

    @Override
    PacsBinding binding(PrivateOrthanc o, String password, Duration timeout) {
        return binding(PacsBinding.Kind.ORTHANC, o, password, timeout, o.dicomwebUrl(), URI.create(o.restUrl()));
    }

    @Override
    PacsBinding bindingAt(int port, Duration timeout) {
        return binding(PacsBinding.Kind.ORTHANC, ORTHANC, ORTHANC.password(), timeout,
                URI.create("http://127.0.0.1:" + port + "/dicom-web/"), URI.create("http://127.0.0.1:" + port));
    }

    @Override
    Set<PacsCapability> expectedCapabilities() {
        return caps(PacsCapability.STORE, PacsCapability.FIND, PacsCapability.STUDY_CONTEXT,
                PacsCapability.RETRIEVE, PacsCapability.REJECT, PacsCapability.DELETE, PacsCapability.CHANGE_FEED);
    }

    /**
     * The change feed reads each KOS's file while it pages (the poller needs no retrieve of its own),
     * and only KOS files: the SOP classes of the page's new instances come in one bulk-content call.
     */
    @Test
    void kosSinceHandsOverTheKosFilesAndSkipsImages() throws Exception {
        String cursor = drain(null);
        TestKos kos = storeImageThenKos();
        List<KosChanges.Kos> found = pacs.kosSince(cursor, 100).kos();
        assertEquals(List.of(kos.ref()), found.stream().map(KosChanges.Kos::ref).toList());
        assertArrayEquals(kos.part10(), found.get(0).part10(), "the file as stored");
    }

    /** Orthanc before 1.9.4 has no /tools/bulk-content: the feed asks each new instance's SOP class. */
    @Test
    void kosSinceWorksWithAnOrthancWithoutBulkContent() throws Exception {
        String cursor = drain(null);
        TestKos kos = storeImageThenKos();
        try (OlderOrthanc older = new OlderOrthanc(ORTHANC.restUrl());
                Pacs p = PacsFactory.open(bindingAt(older.port(), SHORT))) {
            for (int poll = 0; poll < 2; poll++) {
                List<KosChanges.Kos> found = p.kosSince(cursor, 100).kos();
                assertEquals(List.of(kos.ref()), found.stream().map(KosChanges.Kos::ref).toList());
            }
            assertEquals(1, older.bulkContentAsked(), "asked once, then not again after the 404");
        }
    }

    /** A CT image, then a KOS, stored into Orthanc: the feed must report the KOS only. */
    private static TestKos storeImageThenKos() {
        TestKos kos = TestKos.fresh().contentAheadOfNow();
        ORTHANC.post("/instances", "application/dicom", image());
        ORTHANC.post("/instances", "application/dicom", kos.part10());
        return kos;
    }

    private static byte[] image() {
        DataSet ds = new DataSet();
        ds.setString(Tag.SOPClassUID, Vr.UI, Uid.CTImageStorage);
        ds.setString(Tag.SOPInstanceUID, Vr.UI, Uid.generate());
        ds.setString(Tag.StudyInstanceUID, Vr.UI, Uid.generate());
        ds.setString(Tag.SeriesInstanceUID, Vr.UI, Uid.generate());
        ds.setString(Tag.Modality, Vr.CS, "CT");
        ds.setString(Tag.PatientID, Vr.LO, "PAT-IMAGE");
        return Part10.write(ds, Uid.ExplicitVRLittleEndian);
    }

    /** A proxy to Orthanc that answers 404 to /tools/bulk-content, as Orthanc before 1.9.4 does. */
    private static final class OlderOrthanc implements AutoCloseable {
        private final HttpServer server;
        private final HttpClient client = HttpClient.newHttpClient();
        private final AtomicInteger bulkContent = new AtomicInteger();

        OlderOrthanc(String orthanc) throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", exchange -> {
                try (exchange) {
                    String path = exchange.getRequestURI().toString();
                    if (path.startsWith("/tools/bulk-content")) {
                        bulkContent.incrementAndGet();
                        exchange.sendResponseHeaders(404, -1);
                        return;
                    }
                    HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create(orthanc + path)).method(
                            exchange.getRequestMethod(),
                            HttpRequest.BodyPublishers.ofByteArray(exchange.getRequestBody().readAllBytes()));
                    for (String header : List.of("Authorization", "Accept", "Content-Type")) {
                        String value = exchange.getRequestHeaders().getFirst(header);
                        if (value != null) {
                            forward.header(header, value);
                        }
                    }
                    HttpResponse<byte[]> answer = client.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
                    answer.headers().firstValue("Content-Type")
                            .ifPresent(v -> exchange.getResponseHeaders().set("Content-Type", v));
                    exchange.sendResponseHeaders(answer.statusCode(), answer.body().length == 0 ? -1 : answer.body().length);
                    exchange.getResponseBody().write(answer.body());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            server.start();
        }

        int port() {
            return server.getAddress().getPort();
        }

        int bulkContentAsked() {
            return bulkContent.get();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    /** A base URL Orthanc does not serve: QIDO-RS answers 404. */
    @Override
    PacsException provokeFailure() {
        PacsBinding wrongPath = binding(PacsBinding.Kind.ORTHANC, ORTHANC, ORTHANC.password(), SHORT,
                URI.create(ORTHANC.restUrl() + "/no-such-dicom-web/"), URI.create(ORTHANC.restUrl()));
        try (Pacs p = PacsFactory.open(wrongPath)) {
            DataSet keys = new DataSet();
            keys.setEmpty(Tag.StudyInstanceUID, Vr.UI);
            return assertThrows(PacsException.class, () -> p.find(QueryLevel.STUDY, keys));
        }
    }

    @Override
    PacsException provokeRefusal() {
        try (Pacs p = PacsFactory.open(binding(ORTHANC, "wrong-password", SHORT))) {
            return assertThrows(PacsException.class, p::check);
        }
    }
}
