package com.imagingmanifest.dicom.io;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Tag;

/** A DICOM file (PS3.10 7.1): File Meta Information (group 0002) and the data set. */
public record DicomFile(DataSet fileMeta, DataSet dataSet) {
    /** Transfer Syntax UID (0002,0010) of the data set. */
    public String transferSyntaxUid() {
        return fileMeta.getString(Tag.TransferSyntaxUID);
    }
}
