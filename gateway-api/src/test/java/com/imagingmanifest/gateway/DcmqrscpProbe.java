package com.imagingmanifest.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.dicom.data.Vr;
import com.imagingmanifest.dicom.io.Part10;
import com.imagingmanifest.testing.studies.SyntheticCtStudy;
import com.imagingmanifest.pacs.Pacs;
import com.imagingmanifest.pacs.PacsBinding;
import com.imagingmanifest.pacs.PacsException;
import com.imagingmanifest.pacs.PacsFactory;
import com.imagingmanifest.pacs.QueryLevel;
import com.imagingmanifest.pacs.SupersededPolicy;
import com.imagingmanifest.testing.Dcmqrscp;
import com.imagingmanifest.testing.Dcmtk;
import com.imagingmanifest.testing.ToolResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What tests ask of a dcmqrscp archive, over a DIMSE binding of their own (hierarchical C-FIND,
 * C-GET): a CT study stored with DCMTK's storescu, the KO instances of a study, and its rejection notes.
 */
public final class DcmqrscpProbe implements AutoCloseable {
    private static final List<String> REJECTION_TITLES = List.of("113001", "113037", "113038", "113039");
    private final Dcmqrscp archive;
    private final Pacs pacs;

    public DcmqrscpProbe(Dcmqrscp archive) {
        this.archive = archive;
        this.pacs = PacsFactory.open(new PacsBinding(PacsBinding.Kind.DIMSE, archive.aeTitle(), archive.host(),
                archive.port(), "APITEST", null, null, null, null, null, SupersededPolicy.KEEP,
                Duration.ofSeconds(5), Duration.ofSeconds(30)));
    }

    /** A two-image CT study of {@code patientId}, stored by storescu as another system would. */
    public ApiTestSupport.Study newCtStudy(String patientId) {
        SyntheticCtStudy study = SyntheticCtStudy.of(Uid.generate(), 2, "Test^Patient", patientId,
                OrthancApiContract.ISSUER);
        try {
            Path dir = Files.createTempDirectory("dcmqrscp-study");
            List<Path> files = new ArrayList<>();
            int i = 0;
            for (byte[] file : study.part10Files()) {
                files.add(Files.write(dir.resolve("ct" + i++ + ".dcm"), file));
            }
            store(files.toArray(Path[]::new));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ApiTestSupport.Study(study.studyUid(), study.seriesUid(), study.sopUids(), study.sopClassUid(),
                patientId, OrthancApiContract.ISSUER);
    }

    /** Stores files with storescu (calling AE STORESCU), as a system other than the gateway. */
    public void store(Path... files) {
        List<String> command = new ArrayList<>(List.of("storescu", "-aec", archive.aeTitle(), archive.host(),
                String.valueOf(archive.port())));
        for (Path f : files) {
            command.add(f.toString());
        }
        ToolResult stored = Dcmtk.run(Duration.ofSeconds(60), command.toArray(String[]::new));
        assertThat(stored.exitCode()).as(stored.output()).isZero();
    }

    /** Every instance of the study's KO series: SOP Instance UID to its series. */
    public Map<String, String> kosOfStudy(String studyUid) {
        Map<String, String> out = new HashMap<>();
        try {
            DataSet seriesKeys = new DataSet();
            seriesKeys.setString(Tag.StudyInstanceUID, Vr.UI, studyUid);
            seriesKeys.setString(Tag.Modality, Vr.CS, "KO");
            seriesKeys.setEmpty(Tag.SeriesInstanceUID, Vr.UI);
            for (DataSet series : pacs.find(QueryLevel.SERIES, seriesKeys)) {
                String seriesUid = series.getString(Tag.SeriesInstanceUID);
                DataSet keys = new DataSet();
                keys.setString(Tag.StudyInstanceUID, Vr.UI, studyUid);
                keys.setString(Tag.SeriesInstanceUID, Vr.UI, seriesUid);
                keys.setEmpty(Tag.SOPInstanceUID, Vr.UI);
                // one UID however the archive pads it (a note stored twice is one instance, two records)
                pacs.find(QueryLevel.IMAGE, keys).forEach(d -> out.put(d.getString(Tag.SOPInstanceUID)
                        .replaceAll("[\\s\\x00]+$", ""), seriesUid));
            }
        } catch (PacsException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /**
     * The rejection notes in the study: rejected SOP Instance UID to the note's title code. Fails
     * when a KOS is rejected by more than one note.
     */
    public Map<String, String> rejections(String studyUid) {
        return rejections(studyUid, kosOfStudy(studyUid));
    }

    /** Like {@link #rejections(String)} over the KO instances {@code kos} already found. */
    public Map<String, String> rejections(String studyUid, Map<String, String> kos) {
        Map<String, String> out = new HashMap<>();
        Map<String, String> noteOf = new HashMap<>();
        for (String sop : kos.keySet()) {
            DataSet ds = read(studyUid, kos, sop);
            String title = ds.getItem(Tag.ConceptNameCodeSequence, 0).getString(Tag.CodeValue);
            if (!REJECTION_TITLES.contains(title)) {
                continue;
            }
            DataSet evidence = ds.getItem(Tag.CurrentRequestedProcedureEvidenceSequence, 0);
            for (DataSet series : evidence.getSequence(Tag.ReferencedSeriesSequence)) {
                for (DataSet ref : series.getSequence(Tag.ReferencedSOPSequence)) {
                    String rejected = ref.getString(Tag.ReferencedSOPInstanceUID);
                    String before = out.put(rejected, title);
                    String otherNote = noteOf.put(rejected, sop);
                    assertThat(before).as("one note per rejected KOS: %s rejected by [%s] and [%s] (%s) in %s", rejected,
                            otherNote, sop, title, kos).isNull();
                }
            }
        }
        return out;
    }

    /** The SOP Instance UIDs of the notes among {@code kos}. */
    public List<String> notes(String studyUid, Map<String, String> kos) {
        return kos.keySet().stream().filter(sop -> REJECTION_TITLES.contains(read(studyUid, kos, sop)
                .getItem(Tag.ConceptNameCodeSequence, 0).getString(Tag.CodeValue))).toList();
    }

    /**
     * dcmqrscp served, for one SOP Instance UID, the file of another object. Two associations storing
     * in the same second write one file (Dcmqrscp.STORING_ASSOCIATIONS); a kill of its children
     * mid-store may leave the same state. What it says then is not what the gateway stored.
     */
    public static final class ArchiveDamaged extends RuntimeException {
        ArchiveDamaged(String message) {
            super(message);
        }
    }

    /** KOS {@code sop} as a data set, checked to be the object asked for. */
    private DataSet read(String studyUid, Map<String, String> kos, String sop) {
        DataSet ds = Part10.read(fetch(studyUid, kos, sop)).dataSet();
        String served = ds.getString(Tag.SOPInstanceUID);
        if (!sop.equals(served)) {
            throw new ArchiveDamaged("dcmqrscp served object " + served + " for SOP Instance UID " + sop);
        }
        return ds;
    }

    /** KOS {@code sopUid} of the study as Part 10 bytes (C-GET). */
    public byte[] fetch(String studyUid, String sopUid) {
        return fetch(studyUid, kosOfStudy(studyUid), sopUid);
    }

    private byte[] fetch(String studyUid, Map<String, String> kos, String sopUid) {
        try {
            String series = kos.get(sopUid);
            assertThat(series).as("KOS %s on the archive", sopUid).isNotNull();
            return pacs.retrieve(studyUid, series, sopUid).orElseThrow();
        } catch (PacsException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        pacs.close();
    }
}
