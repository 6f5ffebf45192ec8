package com.imagingmanifest.net.dimse;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Tag;

/** A DIMSE message (PS3.7 6.3): command set, optional data set bytes in the context's transfer syntax. */
record DimseMessage(int presentationContextId, DataSet command, byte[] dataSet) {

    CommandField commandField() {
        return CommandField.of(command.getInt(Tag.CommandField, -1));
    }

    int messageId() {
        return command.getInt(Tag.MessageID, -1);
    }

    int messageIdBeingRespondedTo() {
        return command.getInt(Tag.MessageIDBeingRespondedTo, -1);
    }

    DimseStatus status() {
        return new DimseStatus(command.getInt(Tag.Status, -1), command.getString(Tag.ErrorComment));
    }
}
