package com.imagingmanifest.net.dimse;

import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Vr;
import com.imagingmanifest.dicom.io.DicomFile;
import com.imagingmanifest.dicom.io.DicomParseException;
import com.imagingmanifest.dicom.io.Part10;
import java.util.Arrays;

/**
 * What a C-STORE of a DICOM file sends: its SOP class and instance, transfer syntax, and the data
 * set bytes exactly as they follow the file meta information (PS3.10 7.1), so nothing is re-encoded.
 */
public record Part10Object(String sopClassUid, String sopInstanceUid, String transferSyntaxUid, byte[] dataSet) {

    /** Splits a Part 10 file; throws IllegalArgumentException when it is not one. */
    public static Part10Object parse(byte[] file) {
        DicomFile parsed;
        try {
            parsed = Part10.read(file);
        } catch (DicomParseException e) {
            throw new IllegalArgumentException("not a readable DICOM file: " + e.getMessage(), e);
        }
        if (file.length < 132 || file[128] != 'D' || file[129] != 'I' || file[130] != 'C' || file[131] != 'M') {
            throw new IllegalArgumentException("not a DICOM Part 10 file (no DICM prefix)");
        }
        String sopClass = parsed.fileMeta().getString(Tag.MediaStorageSOPClassUID,
                parsed.dataSet().getString(Tag.SOPClassUID));
        String sopInstance = parsed.fileMeta().getString(Tag.MediaStorageSOPInstanceUID,
                parsed.dataSet().getString(Tag.SOPInstanceUID));
        String ts = parsed.transferSyntaxUid();
        if (sopClass == null || sopInstance == null || ts == null) {
            throw new IllegalArgumentException("file meta lacks SOP class, SOP instance or transfer syntax");
        }
        return new Part10Object(sopClass, sopInstance, ts, Arrays.copyOfRange(file, fileMetaEnd(file), file.length));
    }

    /** Walks the explicit VR little endian elements of group 0002 (PS3.10 7.1) to where the data set starts. */
    private static int fileMetaEnd(byte[] b) {
        int p = 132;
        while (p + 8 <= b.length && (b[p] & 0xFF | (b[p + 1] & 0xFF) << 8) == 0x0002) {
            Vr vr = Vr.fromCode((b[p + 4] & 0xFF) << 8 | (b[p + 5] & 0xFF));
            if (vr != null && vr.longHeader()) {
                if (p + 12 > b.length) {
                    break;
                }
                long len = (b[p + 8] & 0xFFL) | (b[p + 9] & 0xFFL) << 8 | (b[p + 10] & 0xFFL) << 16
                        | (b[p + 11] & 0xFFL) << 24;
                p = (int) Math.min(b.length, p + 12 + len);
            } else {
                int len = b[p + 6] & 0xFF | (b[p + 7] & 0xFF) << 8;
                p = Math.min(b.length, p + 8 + len);
            }
        }
        return p;
    }

    @Override
    public String toString() {
        return "Part10Object[" + sopClassUid + ", " + sopInstanceUid + ", " + transferSyntaxUid + ", "
                + dataSet.length + " bytes]";
    }
}
