package com.imagingmanifest.gateway.ingest;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Vr;
import com.imagingmanifest.dicom.io.DataSetWriter;
import com.imagingmanifest.dicom.io.DicomFile;
import com.imagingmanifest.dicom.io.Part10;
import com.imagingmanifest.dicom.io.TransferSyntax;
import java.util.Arrays;

/**
 * A data set received by C-STORE, kept byte for byte as a DICOM file (PS3.10 7.1), so that what
 * goes to quarantine can be read with the usual tools (dcmdump) even when it cannot be parsed.
 */
final class ReceivedObject {
    private ReceivedObject() {
    }

    /**
     * Preamble and File Meta Information built from the C-STORE request's UIDs, followed by the
     * received bytes unchanged (the SCP negotiates only transfer syntaxes this layer knows).
     */
    static byte[] part10(String sopClassUid, String sopInstanceUid, String transferSyntaxUid, byte[] dataSet) {
        DataSet identity = new DataSet()
                .setString(Tag.SOPClassUID, Vr.UI, orUnknown(sopClassUid))
                .setString(Tag.SOPInstanceUID, Vr.UI, orUnknown(sopInstanceUid));
        TransferSyntax ts = TransferSyntax.forUid(transferSyntaxUid);
        DataSetWriter writer = new DataSetWriter(ts);
        DataSet empty = new DataSet();
        // the file of an empty data set is the header alone, except that deflating "nothing" still
        // yields a few bytes: cut those off
        byte[] file = Part10.write(new DicomFile(Part10.fileMetaFor(identity, transferSyntaxUid), empty), writer);
        int header = file.length - writer.toBytes(empty).length;
        byte[] out = Arrays.copyOf(file, header + dataSet.length);
        System.arraycopy(dataSet, 0, out, header, dataSet.length);
        return out;
    }

    private static String orUnknown(String uid) {
        return uid == null || uid.isBlank() ? "0" : uid;
    }
}
