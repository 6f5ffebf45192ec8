package com.imagingmanifest.testing.studies;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.dicom.data.Vr;
import com.imagingmanifest.dicom.io.Part10;
import java.util.ArrayList;
import java.util.List;

/**
 * A study of CT instances, without pixel data (enough for a PACS to answer a study-level C-FIND or
 * QIDO with the Patient and General Study attributes a KOS copies, docs/architecture.md §6) or with
 * small synthetic images a PACS can render, and multi-frame instances for frame selections. The bench
 * seeds its Orthanc with these, and the integration tests use the same builder.
 */
public record SyntheticCtStudy(String studyUid, String seriesUid, List<String> sopUids, String patientName,
        String patientId, String issuerOfPatientId) {

    public SyntheticCtStudy {
        sopUids = List.copyOf(sopUids);
    }

    /** A new study of {@code instances} CT instances in one series, with fresh UIDs but the given study UID. */
    public static SyntheticCtStudy of(String studyUid, int instances, String patientName, String patientId,
            String issuerOfPatientId) {
        List<String> sops = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            sops.add(Uid.generate());
        }
        return new SyntheticCtStudy(studyUid, Uid.generate(), sops, patientName, patientId, issuerOfPatientId);
    }

    /** The SOP Class of every instance: CT Image Storage. */
    public String sopClassUid() {
        return Uid.CTImageStorage;
    }

    /** The Part 10 files of the study's instances (Explicit VR Little Endian), in Instance Number order. */
    public List<byte[]> part10Files() {
        return part10Files(0);
    }

    /**
     * The Part 10 files with, when {@code size} is above 0, an image of {@code size} x {@code size}
     * 12-bit pixels each (a different pattern per instance), so that a PACS can render them.
     */
    public List<byte[]> part10Files(int size) {
        List<byte[]> files = new ArrayList<>();
        int number = 1;
        for (String sop : sopUids) {
            DataSet ds = instance(Uid.CTImageStorage, sop, seriesUid, "CT", number++);
            if (size > 0) {
                ds.setString(IMAGE_TYPE, Vr.CS, "ORIGINAL", "PRIMARY", "AXIAL");
                ds.setString(RESCALE_INTERCEPT, Vr.DS, "-1024");
                ds.setString(RESCALE_SLOPE, Vr.DS, "1");
                pixels(ds, size, 1, number);
            }
            files.add(Part10.write(ds, Uid.ExplicitVRLittleEndian));
        }
        return files;
    }

    /** Multi-frame Grayscale Word Secondary Capture Image Storage (PS3.4 B.5): frames a KOS may select. */
    public static final String MULTI_FRAME_SC = "1.2.840.10008.5.1.4.1.1.7.3";

    /**
     * One multi-frame instance of this study in a series of its own: {@code frames} frames of
     * {@code size} x {@code size} 12-bit pixels, each frame a different pattern.
     */
    public byte[] multiFrameFile(String seriesUid, String sopUid, int frames, int size) {
        DataSet ds = instance(MULTI_FRAME_SC, sopUid, seriesUid, "OT", 1);
        ds.setString(CONVERSION_TYPE, Vr.CS, "WSD");
        ds.setString(NUMBER_OF_FRAMES, Vr.IS, Integer.toString(frames));
        ds.setInt(FRAME_INCREMENT_POINTER, Vr.AT, FRAME_TIME);
        ds.setString(FRAME_TIME, Vr.DS, "100");
        pixels(ds, size, frames, 7);
        return Part10.write(ds, Uid.ExplicitVRLittleEndian);
    }

    /** The Patient, Study, Series and SOP Common attributes of one instance of this study. */
    private DataSet instance(String sopClassUid, String sopUid, String series, String modality, int number) {
        DataSet ds = new DataSet();
        ds.setString(Tag.SOPClassUID, Vr.UI, sopClassUid);
        ds.setString(Tag.SOPInstanceUID, Vr.UI, sopUid);
        ds.setString(Tag.StudyDate, Vr.DA, "20240115");
        ds.setString(Tag.StudyTime, Vr.TM, "101500");
        ds.setString(Tag.Modality, Vr.CS, modality);
        ds.setString(Tag.PatientName, Vr.PN, patientName);
        ds.setString(Tag.PatientID, Vr.LO, patientId);
        ds.setString(Tag.IssuerOfPatientID, Vr.LO, issuerOfPatientId);
        ds.setString(Tag.StudyInstanceUID, Vr.UI, studyUid);
        ds.setString(Tag.SeriesInstanceUID, Vr.UI, series);
        ds.setString(Tag.InstanceNumber, Vr.IS, Integer.toString(number));
        return ds;
    }

    private static final int IMAGE_TYPE = 0x00080008;
    private static final int CONVERSION_TYPE = 0x00080064;
    private static final int FRAME_TIME = 0x00181063;
    private static final int SAMPLES_PER_PIXEL = 0x00280002;
    private static final int PHOTOMETRIC_INTERPRETATION = 0x00280004;
    private static final int NUMBER_OF_FRAMES = 0x00280008;
    private static final int FRAME_INCREMENT_POINTER = 0x00280009;
    private static final int ROWS = 0x00280010;
    private static final int COLUMNS = 0x00280011;
    private static final int BITS_ALLOCATED = 0x00280100;
    private static final int BITS_STORED = 0x00280101;
    private static final int HIGH_BIT = 0x00280102;
    private static final int PIXEL_REPRESENTATION = 0x00280103;
    private static final int WINDOW_CENTER = 0x00281050;
    private static final int WINDOW_WIDTH = 0x00281051;
    private static final int RESCALE_INTERCEPT = 0x00281052;
    private static final int RESCALE_SLOPE = 0x00281053;

    /** Image Pixel module of unsigned 12-bit MONOCHROME2 frames: rings whose spacing depends on seed and frame. */
    private static void pixels(DataSet ds, int size, int frames, int seed) {
        ds.setInt(SAMPLES_PER_PIXEL, Vr.US, 1);
        ds.setString(PHOTOMETRIC_INTERPRETATION, Vr.CS, "MONOCHROME2");
        ds.setInt(ROWS, Vr.US, size);
        ds.setInt(COLUMNS, Vr.US, size);
        ds.setInt(BITS_ALLOCATED, Vr.US, 16);
        ds.setInt(BITS_STORED, Vr.US, 12);
        ds.setInt(HIGH_BIT, Vr.US, 11);
        ds.setInt(PIXEL_REPRESENTATION, Vr.US, 0);
        ds.setString(WINDOW_CENTER, Vr.DS, ds.contains(RESCALE_INTERCEPT) ? "1024" : "2048");
        ds.setString(WINDOW_WIDTH, Vr.DS, "4096");
        byte[] data = new byte[size * size * 2 * frames];
        int i = 0;
        double c = size / 2.0;
        for (int f = 0; f < frames; f++) {
            double spacing = 3 + (seed * 5 + f * 7) % 17;
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    double r = Math.hypot(x - c, y - c);
                    int v = (int) (2047 + 2047 * Math.cos(r / spacing)) & 0x0FFF;
                    data[i++] = (byte) v;
                    data[i++] = (byte) (v >> 8);
                }
            }
        }
        ds.setBytes(Tag.PixelData, Vr.OW, data);
    }
}
