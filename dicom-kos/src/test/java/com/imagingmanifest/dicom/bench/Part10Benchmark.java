package com.imagingmanifest.dicom.bench;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.dicom.data.Vr;
import com.imagingmanifest.dicom.io.Part10;
import com.imagingmanifest.dicom.json.DicomJson;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.CommandLineOptionException;

/**
 * Parse and write throughput of a typical KOS (TID 2010, one study, one series, 20 selected instances;
 * about 6 kB in explicit VR LE). Results are data sets per second; MB/s = ops/s x {@link #kosSize()}.
 *
 * <pre>
 * mvn -B -o -pl dicom-kos -am test-compile
 * java -cp "dicom-kos/target/test-classes:dicom-kos/target/classes:$(cat cp.txt)" \
 *     com.imagingmanifest.dicom.bench.Part10Benchmark -wi 2 -i 3 -f 1
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class Part10Benchmark {
    static final int INSTANCES = 20;

    DataSet kos;
    byte[] explicit;
    byte[] implicit;
    byte[] deflated;
    String json;

    @Setup
    public void setUp() {
        kos = typicalKos();
        explicit = Part10.write(kos, Uid.ExplicitVRLittleEndian);
        implicit = Part10.write(kos, Uid.ImplicitVRLittleEndian);
        deflated = Part10.write(kos, Uid.DeflatedExplicitVRLittleEndian);
        json = DicomJson.write(kos);
    }

    @Benchmark
    public DataSet parseExplicit() {
        return Part10.read(explicit).dataSet();
    }

    @Benchmark
    public DataSet parseImplicit() {
        return Part10.read(implicit).dataSet();
    }

    @Benchmark
    public DataSet parseDeflated() {
        return Part10.read(deflated).dataSet();
    }

    @Benchmark
    public byte[] writeExplicit() {
        return Part10.write(kos, Uid.ExplicitVRLittleEndian);
    }

    @Benchmark
    public DataSet parseJson() {
        return DicomJson.readObject(json);
    }

    @Benchmark
    public String writeJson() {
        return DicomJson.write(kos);
    }

    /** A KOS as the gateway writes it: patient/study/series modules, evidence and content tree. */
    public static DataSet typicalKos() {
        String study = "2.25.111111111111111111111111111111111111";
        String series = "2.25.333333333333333333333333333333333333";
        DataSet ds = new DataSet()
                .setString(Tag.SpecificCharacterSet, Vr.CS, "ISO_IR 192")
                .setString(Tag.SOPClassUID, Vr.UI, Uid.KeyObjectSelectionDocumentStorage)
                .setString(Tag.SOPInstanceUID, Vr.UI, Uid.generate())
                .setString(Tag.StudyDate, Vr.DA, "20240115").setString(Tag.StudyTime, Vr.TM, "100000")
                .setString(Tag.ContentDate, Vr.DA, "20240115").setString(Tag.ContentTime, Vr.TM, "101500")
                .setString(Tag.AccessionNumber, Vr.SH, "ACC0001").setString(Tag.Modality, Vr.CS, "KO")
                .setEmpty(Tag.ReferringPhysicianName, Vr.PN)
                .setString(Tag.PatientName, Vr.PN, "Müller^Jürgen").setString(Tag.PatientID, Vr.LO, "PAT-1")
                .setString(Tag.PatientBirthDate, Vr.DA, "19700101").setString(Tag.PatientSex, Vr.CS, "M")
                .setString(Tag.StudyInstanceUID, Vr.UI, study).setString(Tag.SeriesInstanceUID, Vr.UI, Uid.generate())
                .setString(Tag.StudyID, Vr.SH, "S1").setInt(Tag.SeriesNumber, Vr.IS, 99).setInt(Tag.InstanceNumber, Vr.IS, 1)
                .setString(Tag.ValueType, Vr.CS, "CONTAINER").setString(Tag.ContinuityOfContent, Vr.CS, "SEPARATE");
        ds.newSequence(Tag.ReferencedPerformedProcedureStepSequence);
        ds.newSequence(Tag.ConceptNameCodeSequence).addItem().setString(Tag.CodeValue, Vr.SH, "113000")
                .setString(Tag.CodingSchemeDesignator, Vr.SH, "DCM").setString(Tag.CodeMeaning, Vr.LO, "Of Interest");
        DataSet seriesItem = ds.newSequence(Tag.CurrentRequestedProcedureEvidenceSequence).addItem()
                .setString(Tag.StudyInstanceUID, Vr.UI, study)
                .newSequence(Tag.ReferencedSeriesSequence).addItem()
                .setString(Tag.SeriesInstanceUID, Vr.UI, series)
                .setString(Tag.RetrieveAETitle, Vr.AE, "ORTHANC")
                .setString(Tag.RetrieveURL, Vr.UR, "http://pacs.example.org/dicom-web");
        var sops = seriesItem.newSequence(Tag.ReferencedSOPSequence);
        var content = ds.newSequence(Tag.ContentSequence);
        content.addItem().setString(Tag.RelationshipType, Vr.CS, "CONTAINS").setString(Tag.ValueType, Vr.CS, "TEXT")
                .setString(Tag.TextValue, Vr.UT, "Key images selected for the tumour board");
        for (int i = 1; i <= INSTANCES; i++) {
            String uid = "2.25.44444444444444444444444444444444444" + i;
            sops.addItem().setString(Tag.ReferencedSOPClassUID, Vr.UI, Uid.CTImageStorage)
                    .setString(Tag.ReferencedSOPInstanceUID, Vr.UI, uid);
            DataSet image = content.addItem().setString(Tag.RelationshipType, Vr.CS, "CONTAINS")
                    .setString(Tag.ValueType, Vr.CS, "IMAGE");
            image.newSequence(Tag.ReferencedSOPSequence).addItem()
                    .setString(Tag.ReferencedSOPClassUID, Vr.UI, Uid.CTImageStorage)
                    .setString(Tag.ReferencedSOPInstanceUID, Vr.UI, uid);
        }
        return ds;
    }

    /** Size of the explicit VR LE file, to turn data sets per second into MB/s. */
    public static int kosSize() {
        return Part10.write(typicalKos(), Uid.ExplicitVRLittleEndian).length;
    }

    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        System.out.println("typical KOS: " + kosSize() + " bytes (explicit VR LE)");
        new Runner(new CommandLineOptions(args)).run();
    }
}
