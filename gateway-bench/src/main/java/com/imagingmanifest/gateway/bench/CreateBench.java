package com.imagingmanifest.gateway.bench;

import com.imagingmanifest.dicom.io.Part10Object;
import com.imagingmanifest.net.dimse.DimseClient;
import com.imagingmanifest.net.dimse.QueryRetrieveLevel;
import com.imagingmanifest.pacs.StudyContext;
import com.imagingmanifest.testing.PrivateOrthanc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import org.hl7.fhir.dstu3.model.ImagingManifest;

/**
 * The create scenario: {@code POST ImagingManifest} against the gateway, beside the same KOS stored
 * straight into Orthanc by C-STORE, the PACS floor of a create (the study's C-FIND, then the
 * C-STORE), and DCMTK storescu sending copies in one association.
 */
final class CreateBench {
    private static final String CALLING_AE_TITLE = "BENCHSCU";

    private final BenchContext bench;
    private final BenchOptions options;
    private final DoubleSupplier gatewayCpu;
    /** The peer asked the same creates after the gateway (--peer); null without one. */
    private final PeerBench peer;

    CreateBench(BenchContext bench, DoubleSupplier gatewayCpu, PeerBench peer) {
        this.bench = bench;
        this.options = bench.options();
        this.gatewayCpu = gatewayCpu;
        this.peer = peer;
    }

    /** The gateway's KOS as the PACS stored it: what the baselines store copies of. */
    private record Kos(byte[] file, Part10Object object, String seriesUid, String studyUid) {
    }

    void run(String base, PrivateOrthanc orthanc, List<BenchStudy> studies, Path work) throws Exception {
        List<String> bodies = studies.stream().map(s -> bench.fhir().newJsonParser().encodeResourceToString(s.manifest()))
                .toList();
        // one create first: it warms the path and gives the KOS the gateway writes, the baselines' payload
        String created = bench.client().create(base + "/ImagingManifest", bodies.get(0)).body();
        String kosUid = bench.fhir().newJsonParser().parseResource(ImagingManifest.class, created).getIdentifier()
                .getValue().replace("urn:oid:", "");
        byte[] kosFile = orthanc.instanceFile(kosUid);
        // every KOS the gateway writes is a new instance in a new series of the study (docs/architecture.md §6):
        // the baselines store the same, or the PACS would be spared the cost of a new series each time
        Part10Object object = Part10Object.parse(kosFile);
        Kos kos = new Kos(kosFile, object, object.seriesInstanceUid(), studies.get(0).studyUid());
        bench.progress("KOS of the create scenario: " + kosFile.length + " bytes, " + kos.object().sopInstanceUid()
                + "; creates go round " + studies.size() + " studies");
        bench.report().note("create: the manifests, and the baselines' KOS, go round " + studies.size()
                + " studies of 4 CT instances each (--create-studies)");
        AtomicLong next = new AtomicLong();
        DoubleSupplier pacsCpu = () -> GatewayProcess.cpuSeconds(orthanc.pid());
        for (int clients : options.createClients()) {
            LoadRun.Result gateway;
            LoadRun.Result scu;
            LoadRun.Result floor;
            try (DimseClient dimse = DimseClient.builder("127.0.0.1", orthanc.dicomPort(), orthanc.aeTitle())
                    .callingAeTitle(CALLING_AE_TITLE).poolSize(clients).build()) {
                // the PACS work a create cannot do without: the study's context (docs/architecture.md §6), then
                // the store. Measured before the gateway: Orthanc's look-ups grow dearer as its database
                // grows, so the later runs meet a larger database than this one
                floor = LoadRun.run(clients, options.warmup(), options.duration(), (c, r) -> {
                    BenchStudy target = studies.get(nextStudy(next, studies));
                    if (dimse.find(QueryRetrieveLevel.STUDY, StudyContext.queryKeys(target.studyUid())).isEmpty()) {
                        throw new IllegalStateException("study " + target.studyUid() + " not found");
                    }
                    storeCopy(dimse, kos, target);
                }, () -> Double.NaN, pacsCpu);
                gateway = LoadRun.run(clients, options.warmup(), options.duration(),
                        (c, r) -> bench.client().create(base + "/ImagingManifest", bodies.get(nextStudy(next, studies))),
                        gatewayCpu, pacsCpu);
                scu = LoadRun.run(clients, options.warmup(), options.duration(),
                        (c, r) -> storeCopy(dimse, kos, studies.get(nextStudy(next, studies))),
                        () -> Double.NaN, pacsCpu);
            }
            if (peer != null) {
                peer.create(bodies, clients, gateway);
            }
            boolean target = clients < 8 ? gateway.p50Millis() <= scu.p50Millis() + 3
                    : gateway.throughput() >= 0.8 * scu.throughput() && gateway.p50Millis() <= scu.p50Millis() + 3;
            bench.report().add(new BenchReport.Row("create", "", clients, gateway, "DimseClient C-STORE", scu,
                    clients < 8 ? "p50 <= base+3ms" : ">= 0.8x, p50 <= base+3ms", target));
            bench.report().add(new BenchReport.Row("create", "", clients, gateway, "C-FIND study + C-STORE", floor,
                    ">= 0.8x", gateway.throughput() >= 0.8 * floor.throughput()));
            bench.progress("create x" + clients + " done");
        }
        storescu(orthanc, kos, studies, work);
    }

    static int nextStudy(AtomicLong next, List<BenchStudy> studies) {
        return (int) (next.getAndIncrement() % studies.size());
    }

    /** The gateway's KOS as a new instance in a new series of {@code target}, stored straight into the PACS. */
    private void storeCopy(DimseClient dimse, Kos kos, BenchStudy target) {
        Part10Object object = kos.object();
        String uid = bench.uids().next(object.sopInstanceUid().length());
        dimse.store(object.sopClassUid(), uid, copy(object.dataSet(), kos, uid, target), object.transferSyntaxUid());
    }

    /**
     * The encoded KOS ({@code bytes}: its data set or its whole file) with SOP Instance UID {@code uid},
     * a new Series Instance UID and {@code target}'s Study Instance UID, every UID swapped in place.
     */
    private byte[] copy(byte[] bytes, Kos kos, String uid, BenchStudy target) {
        byte[] renamed = SameLengthUids.replace(bytes, kos.object().sopInstanceUid(), uid);
        byte[] newSeries = SameLengthUids.replace(renamed, kos.seriesUid(), bench.uids().next(kos.seriesUid().length()));
        return SameLengthUids.replace(newSeries, kos.studyUid(), target.studyUid());
    }

    /**
     * DCMTK storescu sending N copies of the KOS (new SOP Instance and Series UIDs, round the studies
     * as the creates go) in one association.
     */
    private void storescu(PrivateOrthanc orthanc, Kos kos, List<BenchStudy> studies, Path work) throws Exception {
        Path dir = Files.createDirectories(work.resolve("storescu"));
        List<String> command = new ArrayList<>(List.of("storescu", "-aet", CALLING_AE_TITLE, "-aec",
                orthanc.aeTitle(), "127.0.0.1", Integer.toString(orthanc.dicomPort())));
        String kosUid = kos.object().sopInstanceUid();
        for (int i = 0; i < options.storescuFiles(); i++) {
            Path file = dir.resolve("kos" + i + ".dcm");
            Files.write(file, copy(kos.file(), kos, bench.uids().next(kosUid.length()), studies.get(i % studies.size())));
            command.add(file.toString());
        }
        long start = System.nanoTime();
        Process process;
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("storescu.log").toFile()));
            // DCMTK leaves Nagle on unless told: each exchange would wait ~40 ms for a delayed ACK
            builder.environment().put("TCP_NODELAY", "1");
            process = builder.start();
        } catch (IOException e) {
            bench.report().note("DCMTK storescu baseline not measured: " + e.getMessage() + " (apt-get install -y dcmtk)");
            return;
        }
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("storescu did not finish within 10 minutes");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (process.exitValue() != 0) {
            throw new IllegalStateException("storescu exited with " + process.exitValue() + " (log "
                    + work.resolve("storescu.log") + ")");
        }
        LoadRun.Result whole = LoadRun.Result.whole(options.storescuFiles(), seconds);
        LoadRun.Result gatewayAt1 = bench.report().rows().stream().filter(r -> r.scenario().equals("create") && r.clients() == 1)
                .map(BenchReport.Row::gateway).findFirst().orElse(null);
        if (gatewayAt1 != null) {
            bench.report().add(new BenchReport.Row("create", "", 1, gatewayAt1, "storescu, 1 association", whole, null, null));
        }
        bench.report().note(String.format(Locale.ROOT, "storescu: %d KOS in one association in %.2f s (process start included)",
                options.storescuFiles(), seconds));
    }
}
