package com.imagingmanifest.kos.bench;

import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.dicom.io.Part10;
import com.imagingmanifest.kos.KosDocument;
import com.imagingmanifest.kos.KosToManifest;
import com.imagingmanifest.kos.ManifestToKos;
import com.imagingmanifest.kos.RetrieveLocation;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.dstu3.model.DateTimeType;
import org.hl7.fhir.dstu3.model.Identifier;
import org.hl7.fhir.dstu3.model.ImagingManifest;
import org.hl7.fhir.dstu3.model.Reference;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Translations per second, both ways, including Part 10 encoding and decoding. Run with
 * {@code java -cp <test classpath> com.imagingmanifest.kos.bench.TranslationBenchmark} (short run) or
 * through {@code org.openjdk.jmh.Main} for the full JMH options.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class TranslationBenchmark {
    /** Selected instances per manifest: a typical key-image selection, and a large one. */
    @Param({"10", "500"})
    public int instances;

    private ImagingManifest manifest;
    private byte[] kosPart10;
    private ManifestToKos toKos;
    private KosToManifest toManifest;

    @Setup
    public void setUp() {
        manifest = new ImagingManifest();
        manifest.setPatient(new Reference().setIdentifier(new Identifier().setSystem("urn:oid:1.2.3.4.5").setValue("PAT-1"))
                .setDisplay("Doe^John"));
        manifest.setAuthoringTimeElement(new DateTimeType("2024-03-01T08:30:15+01:00"));
        manifest.setAuthor(new Reference().setDisplay("Welby^Marcus"));
        manifest.setDescription("Key images");
        ImagingManifest.StudyComponent study = manifest.addStudy().setUid("urn:oid:" + Uid.generate());
        ImagingManifest.SeriesComponent series = null;
        for (int i = 0; i < instances; i++) {
            if (i % 50 == 0) {
                series = study.addSeries().setUid("urn:oid:" + Uid.generate());
            }
            series.addInstance().setSopClass("urn:oid:" + Uid.CTImageStorage).setUid("urn:oid:" + Uid.generate());
        }
        toKos = new ManifestToKos(new RetrieveLocation("PACS", "https://pacs.example.org/dicom-web"));
        toManifest = new KosToManifest();
        kosPart10 = toKos.translate(manifest, Map.of()).get(0).toPart10();
    }

    @Benchmark
    public byte[] manifestToKosPart10() {
        List<KosDocument> docs = toKos.translate(manifest, Map.of());
        return docs.get(0).toPart10();
    }

    @Benchmark
    public ImagingManifest part10KosToManifest() {
        return toManifest.translate(Part10.read(kosPart10).dataSet());
    }

    public static void main(String[] args) throws RunnerException {
        new Runner(new OptionsBuilder().include(TranslationBenchmark.class.getSimpleName()).build()).run();
    }
}
