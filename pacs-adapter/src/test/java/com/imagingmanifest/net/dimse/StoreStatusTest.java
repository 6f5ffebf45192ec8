package com.imagingmanifest.net.dimse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.dicom.data.Vr;
import com.imagingmanifest.net.KosFixture;
import com.imagingmanifest.net.pdu.PresentationContextRq;
import com.imagingmanifest.net.ul.Association;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The C-STORE statuses our SCP gives that no ordinary SCU provokes (docs/conformance.md): a request
 * whose Affected SOP Class is not its presentation context's abstract syntax, and a store handler that
 * fails. A raw association sends exactly the request under test.
 */
class StoreStatusTest {
    private static final String CT = "1.2.840.10008.5.1.4.1.1.2";

    @TempDir
    Path dir;

    @Test
    void aSopClassOtherThanTheContextsGets0122() throws Exception {
        try (DimseServer server = DimseServer.builder()
                .applicationEntity("GATEWAY", rq -> DimseStatus.success(), Set.of(DimseServer.ANY_CALLING_AE)).start()) {
            DimseMessage rsp = storeOnKosContext(server, CT);
            assertEquals(DimseStatus.SOP_CLASS_NOT_SUPPORTED, rsp.status().code(), rsp.status().toString());
        }
    }

    @Test
    void aFailingStoreHandlerGets0110() throws Exception {
        try (DimseServer server = DimseServer.builder().applicationEntity("GATEWAY", rq -> {
            throw new IllegalStateException("store unavailable");
        }, Set.of(DimseServer.ANY_CALLING_AE)).start()) {
            DimseMessage rsp = storeOnKosContext(server, Uid.KeyObjectSelectionDocumentStorage);
            assertEquals(DimseStatus.PROCESSING_FAILURE, rsp.status().code(), rsp.status().toString());
        }
    }

    /** A C-STORE-RQ naming {@code affectedSopClass}, sent with a KOS on an association that proposed only KOS. */
    private DimseMessage storeOnKosContext(DimseServer server, String affectedSopClass) throws Exception {
        Association a = Association.request(new Association.Request("127.0.0.1", server.port(), "GATEWAY", "RAWSCU",
                List.of(new PresentationContextRq(1, Uid.KeyObjectSelectionDocumentStorage, List.of(Uid.ExplicitVRLittleEndian))),
                List.of(), 16384, Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(10), null));
        try {
            var kos = KosFixture.newKos(dir).object();
            DimseChannel ch = new DimseChannel(a);
            var rq = CommandSet.request(CommandField.C_STORE_RQ, ch.nextMessageId(), affectedSopClass, true);
            rq.setString(Tag.AffectedSOPInstanceUID, Vr.UI, kos.sopInstanceUid());
            ch.send(1, rq, kos.dataSet());
            DimseMessage rsp = ch.receive(10_000, 0);
            assertNotNull(rsp, "a C-STORE-RSP");
            return rsp;
        } finally {
            a.release();
        }
    }
}
