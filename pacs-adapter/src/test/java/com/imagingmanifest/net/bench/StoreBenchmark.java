package com.imagingmanifest.net.bench;

import com.imagingmanifest.dicom.io.Part10Object;
import com.imagingmanifest.net.KosFixture;
import com.imagingmanifest.net.dimse.DimseClient;
import com.imagingmanifest.testing.Dcmtk;
import com.imagingmanifest.testing.PrivateOrthanc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Stores N KOS (distinct UIDs, made from the template by dump2dcm) into one private Orthanc through
 * our pooled SCU (sequential, then 4 threads) and through DCMTK storescu over one association, in the
 * same run, and prints throughput, median latency and the ratio. Not a test: run it by hand.
 *
 * <pre>
 * mvn -B -q -o -pl pacs-adapter -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
 * java -cp pacs-adapter/target/test-classes:pacs-adapter/target/classes:$(cat pacs-adapter/target/test-classpath.txt) \
 *     com.imagingmanifest.net.bench.StoreBenchmark 200
 * </pre>
 */
public final class StoreBenchmark {
    private StoreBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        Path dir = Files.createTempDirectory("store-bench");
        PrivateOrthanc orthanc = PrivateOrthanc.start(java.util.Map.of());
        try {
            System.out.printf("making %d KOS files for each run ...%n", n);
            List<Part10Object> warmup = make(dir.resolve("warm"), 20);
            List<Part10Object> sequential = make(dir.resolve("seq"), n);
            List<Part10Object> parallel = make(dir.resolve("par"), n);
            List<KosFixture.Kos> forStorescu = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                forStorescu.add(KosFixture.newKos(dir.resolve("dcmtk")));
            }

            long[] latencies = new long[n];
            double ourSeconds;
            double parSeconds;
            // closed before storescu runs: idle pooled associations hold Orthanc's DICOM threads (4 by default)
            try (DimseClient client = DimseClient.builder(orthanc.host(), orthanc.dicomPort(), orthanc.aeTitle())
                    .callingAeTitle("BENCH").poolSize(4).build()) {
                warmup.forEach(o -> store(client, o));

                long start = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    long t = System.nanoTime();
                    store(client, sequential.get(i));
                    latencies[i] = System.nanoTime() - t;
                }
                ourSeconds = (System.nanoTime() - start) / 1e9;

                ExecutorService pool = Executors.newFixedThreadPool(4);
                long pstart = System.nanoTime();
                List<Future<?>> futures = new ArrayList<>();
                for (Part10Object o : parallel) {
                    futures.add(pool.submit(() -> store(client, o)));
                }
                for (Future<?> f : futures) {
                    f.get();
                }
                parSeconds = (System.nanoTime() - pstart) / 1e9;
                pool.shutdown();
            }
            List<String> cmd = new ArrayList<>(List.of("storescu", "-aet", "BENCHDCMTK", "-aec", orthanc.aeTitle(),
                    orthanc.host(), String.valueOf(orthanc.dicomPort())));
            forStorescu.forEach(k -> cmd.add(k.file().toString()));
            Dcmtk.require("storescu");
            // DCMTK reads TCP_NODELAY from the environment; without it each exchange waits ~40 ms for
            // delayed ACKs, which would make the comparison unfair to storescu
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("storescu.log").toFile());
            pb.environment().put("TCP_NODELAY", "1");
            long dstart = System.nanoTime();
            Process storescu = pb.start();
            if (!storescu.waitFor(10, java.util.concurrent.TimeUnit.MINUTES) || storescu.exitValue() != 0) {
                storescu.destroyForcibly();
                throw new IllegalStateException("storescu failed: " + Files.readString(dir.resolve("storescu.log")));
            }
            double dcmtkSeconds = (System.nanoTime() - dstart) / 1e9;

            Arrays.sort(latencies);
            double ourRate = n / ourSeconds;
            double dcmtkRate = n / dcmtkSeconds;
            System.out.printf("N=%d KOS of %d bytes each, Orthanc %s:%d%n", n, sequential.get(0).dataSet().length,
                    orthanc.host(), orthanc.dicomPort());
            System.out.printf("our SCU, pooled, 1 thread:                %7.1f KOS/s  median %.2f ms  p95 %.2f ms"
                    + "  (%.2f s)%n", ourRate, latencies[n / 2] / 1e6, latencies[(int) (n * 0.95)] / 1e6, ourSeconds);
            System.out.printf("our SCU, pooled, 4 threads:               %7.1f KOS/s  (%.2f s)%n", n / parSeconds,
                    parSeconds);
            System.out.printf("DCMTK storescu, 1 assoc. (TCP_NODELAY=1): %7.1f KOS/s  mean %.2f ms incl. process start"
                    + " (%.2f s)%n", dcmtkRate, dcmtkSeconds * 1000 / n, dcmtkSeconds);
            System.out.printf("ratio ours(1 thread)/storescu = %.2f, ours(4 threads)/storescu = %.2f%n",
                    ourRate / dcmtkRate, (n / parSeconds) / dcmtkRate);
        } finally {
            orthanc.close();
        }
    }

    private static List<Part10Object> make(Path dir, int n) {
        List<Part10Object> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(KosFixture.newKos(dir).object());
        }
        return out;
    }

    private static void store(DimseClient client, Part10Object o) {
        client.store(o.sopClassUid(), o.sopInstanceUid(), o.dataSet(), o.transferSyntaxUid());
    }
}
