package com.imagingmanifest.dicom.io;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Tag;
import java.util.Arrays;

/**
 * A DICOM file (PS3.10 7.1) ready to send, with the identity a sender needs: SOP Class and Instance
 * UID, Study and Series Instance UID, the transfer syntax, and its bytes with the offset where the data
 * set starts after the file meta. C-STORE sends {@link #dataSet()} exactly as it follows the file meta
 * (nothing is re-encoded), STOW-RS sends {@link #file()}.
 *
 * <p>Made once, either by {@link #write} from a data set (a KOS the gateway writes: nothing is parsed)
 * or by {@link #parse} from a file read elsewhere. The study and series UIDs are null when the data set
 * has none.
 */
public record Part10Object(String sopClassUid, String sopInstanceUid, String studyInstanceUid,
        String seriesInstanceUid, String transferSyntaxUid, byte[] file, int dataSetOffset) {

    public Part10Object {
        if (dataSetOffset < 0 || dataSetOffset > file.length) {
            throw new IllegalArgumentException("data set offset " + dataSetOffset + " outside the file");
        }
    }

    /** The data set's bytes, as they follow the file meta. */
    public byte[] dataSet() {
        return Arrays.copyOfRange(file, dataSetOffset, file.length);
    }

    /** {@code dataSet} written as a Part 10 file in {@code transferSyntaxUid}, file meta built from its UIDs. */
    public static Part10Object write(DataSet dataSet, String transferSyntaxUid) {
        Part10.Encoded encoded = Part10.encode(new DicomFile(Part10.fileMetaFor(dataSet, transferSyntaxUid), dataSet),
                new DataSetWriter(TransferSyntax.forUid(transferSyntaxUid)));
        return new Part10Object(dataSet.getString(Tag.SOPClassUID), dataSet.getString(Tag.SOPInstanceUID),
                dataSet.getString(Tag.StudyInstanceUID), dataSet.getString(Tag.SeriesInstanceUID), transferSyntaxUid,
                encoded.file(), encoded.dataSetOffset());
    }

    /**
     * Reads a Part 10 file (preamble, "DICM", file meta, data set) once; throws IllegalArgumentException
     * when it is not one or its data set cannot be read.
     */
    public static Part10Object parse(byte[] file) {
        Part10.FileMeta meta;
        DataSet ds;
        try {
            meta = Part10.fileMeta(file);
            if (meta == null || !meta.hasPreamble()) {
                throw new IllegalArgumentException("not a DICOM Part 10 file (no DICM prefix after the preamble)");
            }
            int at = meta.dataSetOffset();
            ds = new DataSetReader().readDataSet(file, at, file.length - at,
                    DataSetReader.transferSyntax(meta.transferSyntaxUid(), at), at);
        } catch (DicomParseException e) {
            throw new IllegalArgumentException("not a readable DICOM file: " + e.getMessage(), e);
        }
        String sopClass = meta.elements().getString(Tag.MediaStorageSOPClassUID, ds.getString(Tag.SOPClassUID));
        String sopInstance = meta.elements().getString(Tag.MediaStorageSOPInstanceUID,
                ds.getString(Tag.SOPInstanceUID));
        if (sopClass == null || sopInstance == null) {
            throw new IllegalArgumentException("file meta lacks SOP class or SOP instance");
        }
        return new Part10Object(sopClass, sopInstance, ds.getString(Tag.StudyInstanceUID),
                ds.getString(Tag.SeriesInstanceUID), meta.transferSyntaxUid(), file, meta.dataSetOffset());
    }

    @Override
    public String toString() {
        return "Part10Object[" + sopClassUid + ", " + sopInstanceUid + ", " + transferSyntaxUid + ", "
                + (file.length - dataSetOffset) + " bytes]";
    }
}
