package com.imagingmanifest.pacs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.dicom.io.Part10;
import com.imagingmanifest.dicom.io.Part10Object;
import com.imagingmanifest.net.dimse.DimseServer;
import com.imagingmanifest.net.dimse.DimseStatus;
import com.imagingmanifest.testing.Dcmqrscp;
import com.imagingmanifest.testing.FreePorts;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * C-MOVE retrieval against dcmqrscp: the archive sends the instance on its own association to an SCP
 * standing in for the gateway's, which hands it to the waiting retrieval through {@link MoveArrivals};
 * what nobody waits for stays an ordinary store. A destination the archive does not know (A801) and a
 * destination that refuses the sub-operation give a clear failure, never a silent empty answer.
 */
class DimsePacsMoveTest {
    static final String SCP_AE = "GWSCP";
    static final String REFUSING_AE = "REFUSING";
    static Dcmqrscp archive;
    static DimseServer scp;
    static final MoveArrivals arrivals = new MoveArrivals();
    static final AtomicInteger ordinaryStores = new AtomicInteger();
    static final AtomicInteger refusedStores = new AtomicInteger();

    @BeforeAll
    static void start() {
        int port = FreePorts.find();
        archive = Dcmqrscp.start("QRMOVE", List.of(new Dcmqrscp.Destination(SCP_AE, port),
                new Dcmqrscp.Destination(REFUSING_AE, port)));
        scp = DimseServer.builder().bindAddress("127.0.0.1").port(port)
                .storageSopClasses(List.of(Uid.KeyObjectSelectionDocumentStorage))
                .applicationEntity(SCP_AE, rq -> {
                    if (!arrivals.offer(rq.calledAeTitle(), new MoveArrivals.Arrival(rq.sopClassUid(),
                            rq.sopInstanceUid(), rq.transferSyntaxUid(), rq.dataSet()))) {
                        ordinaryStores.incrementAndGet();
                    }
                    return DimseStatus.success();
                }, Set.of(archive.aeTitle()))
                .applicationEntity(REFUSING_AE, rq -> {
                    refusedStores.incrementAndGet();
                    return new DimseStatus(DimseStatus.OUT_OF_RESOURCES, "test: refused");
                }, Set.of(archive.aeTitle()))
                .start();
    }

    @AfterAll
    static void stop() {
        scp.close();
        archive.close();
    }

    static PacsBinding binding(Duration responseTimeout) {
        return new PacsBinding(PacsBinding.Kind.DIMSE, archive.aeTitle(), archive.host(), archive.port(), "GATEWAYTEST",
                null, null, null, null, null, SupersededPolicy.REJECT, Duration.ofSeconds(5), responseTimeout);
    }

    static Pacs pacs(String destination) {
        return PacsFactory.open(binding(Duration.ofSeconds(30)).withRetrieve(PacsBinding.Retrieve.C_MOVE, destination),
                arrivals);
    }

    @Test
    void retrievesByCMoveAndTheMovedObjectIsHandedOverNotStoredAgain() throws Exception {
        try (Pacs pacs = pacs(SCP_AE)) {
            TestKos kos = TestKos.fresh();
            pacs.store(Part10Object.parse(kos.part10()));
            int before = ordinaryStores.get();
            byte[] back = pacs.retrieve(kos.study(), kos.series(), kos.sop()).orElseThrow();
            assertEquals(Part10.read(kos.part10()).dataSet(), Part10.read(back).dataSet());
            assertEquals(before, ordinaryStores.get(), "the moved KOS went to the retrieval, not to ingestion");
            assertEquals(0, arrivals.waitingCount(), "nothing left awaited");
            assertEquals(Optional.empty(), pacs.retrieve(kos.study(), kos.series(), Uid.generate()));
            assertEquals(0, arrivals.waitingCount());
        }
    }

    @Test
    void anObjectNobodyWaitsForIsAnOrdinaryStore() {
        int before = ordinaryStores.get();
        assertEquals(false, arrivals.offer(SCP_AE, new MoveArrivals.Arrival(Uid.KeyObjectSelectionDocumentStorage,
                Uid.generate(), Uid.ImplicitVRLittleEndian, new byte[0])));
        assertEquals(before, ordinaryStores.get());
    }

    @Test
    void aDestinationTheArchiveDoesNotKnowFailsNamingIt() throws Exception {
        try (Pacs pacs = pacs("NOTINTABLE")) {
            TestKos kos = TestKos.fresh();
            pacs.store(Part10Object.parse(kos.part10()));
            PacsException e = assertThrows(PacsException.class,
                    () -> pacs.retrieve(kos.study(), kos.series(), kos.sop()));
            assertEquals(PacsException.Kind.FAILED, e.kind(), e.getMessage());
            assertEquals(PacsException.MOVE_DESTINATION_UNKNOWN, e.status(), e.getMessage());
            assertTrue(e.getMessage().contains("does not know AE NOTINTABLE"), e.getMessage());
            assertEquals(0, arrivals.waitingCount());
            // dcmqrscp keeps its index locked after a refused C-MOVE until the association ends: the
            // failed association is not pooled, so other callers (here a C-GET binding) are not blocked
            try (Pacs get = PacsFactory.open(binding(Duration.ofSeconds(5)))) {
                assertTrue(get.retrieve(kos.study(), kos.series(), kos.sop()).isPresent());
            }
        }
    }

    @Test
    void aFailedSubOperationFailsWithItsCounts() throws Exception {
        try (Pacs pacs = pacs(REFUSING_AE)) {
            TestKos kos = TestKos.fresh();
            pacs.store(Part10Object.parse(kos.part10()));
            int refused = refusedStores.get();
            PacsException e = assertThrows(PacsException.class,
                    () -> pacs.retrieve(kos.study(), kos.series(), kos.sop()));
            assertEquals(PacsException.Kind.FAILED, e.kind(), e.getMessage());
            assertTrue(refusedStores.get() > refused, "the archive tried the sub-operation");
            assertTrue(e.getMessage().contains("1 failed"), e.getMessage());
            assertTrue(e.getMessage().contains(kos.sop()), e.getMessage());
            assertEquals(0, arrivals.waitingCount());
            assertTrue(pacs.retrieve(kos.study(), kos.series(), Uid.generate()).isEmpty(), "the archive still answers");
        }
    }
}
