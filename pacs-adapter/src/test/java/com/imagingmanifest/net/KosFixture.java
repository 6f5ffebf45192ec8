package com.imagingmanifest.net;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.dicom.data.Vr;
import com.imagingmanifest.dicom.io.Part10Object;
import com.imagingmanifest.testing.TestData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/** Test objects: KOS made by DCMTK dump2dcm from the project's template, and large synthetic objects. */
public final class KosFixture {

    /** A KOS file and what a C-STORE of it sends. */
    public record Kos(Map<String, String> uids, Path file, byte[] part10, Part10Object object) {
        public String sopInstanceUid() {
            return uids.get("SOP_UID");
        }

        public String studyInstanceUid() {
            return uids.get("STUDY_UID");
        }

        public String seriesInstanceUid() {
            return uids.get("KOS_SERIES_UID");
        }
    }

    private KosFixture() {
    }

    /** A KOS with fresh UIDs, written by dump2dcm into {@code dir}. */
    public static Kos newKos(Path dir) {
        Map<String, String> uids = TestData.freshKosUids();
        String name = "kos-" + Integer.toHexString(uids.get("SOP_UID").hashCode()) + ".dcm";
        Path file = TestData.dicomFromDump(TestData.kosTemplate(uids), dir, name);
        try {
            byte[] bytes = Files.readAllBytes(file);
            return new Kos(uids, file, bytes, Part10Object.parse(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A Secondary Capture data set of about {@code pixelBytes} bytes, explicit VR little endian. */
    public static Part10Object largeObject(int pixelBytes, long seed) {
        String uid = Uid.generate();
        DataSet ds = new DataSet();
        ds.setString(Tag.SOPClassUID, Vr.UI, Uid.SecondaryCaptureImageStorage);
        ds.setString(Tag.SOPInstanceUID, Vr.UI, uid);
        ds.setString(Tag.Modality, Vr.CS, "OT");
        byte[] pixels = new byte[pixelBytes];
        new Random(seed).nextBytes(pixels);
        ds.setBytes(Tag.PixelData, Vr.OB, pixels);
        return Part10Object.write(ds, Uid.ExplicitVRLittleEndian);
    }
}
