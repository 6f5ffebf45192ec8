package com.imagingmanifest.net.dimse;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.dicom.data.Vr;
import com.imagingmanifest.dicom.io.DataSetReader;
import com.imagingmanifest.dicom.io.DataSetWriter;

/** Builds, encodes and decodes command sets; PS3.7 6.3.1: always Implicit VR Little Endian. */
final class CommandSet {
    /** PS3.7 E.1: Command Data Set Type value meaning "no data set". */
    static final int NO_DATA_SET = 0x0101;
    static final int MEDIUM = 0x0000;

    private CommandSet() {
    }

    static byte[] encode(DataSet command) {
        // the writer recomputes (0000,0000) Command Group Length when it is present
        command.setInt(Tag.CommandGroupLength, Vr.UL, 0);
        return DataSetWriter.write(command, Uid.ImplicitVRLittleEndian);
    }

    static DataSet decode(byte[] bytes) {
        return DataSetReader.read(bytes, 0, bytes.length, Uid.ImplicitVRLittleEndian);
    }

    static DataSet request(CommandField field, int messageId, String sopClassUid, boolean hasDataSet) {
        DataSet c = new DataSet();
        c.setString(Tag.AffectedSOPClassUID, Vr.UI, sopClassUid);
        c.setInt(Tag.CommandField, Vr.US, field.code());
        c.setInt(Tag.MessageID, Vr.US, messageId);
        if (field != CommandField.C_ECHO_RQ) {
            c.setInt(Tag.Priority, Vr.US, MEDIUM);
        }
        c.setInt(Tag.CommandDataSetType, Vr.US, hasDataSet ? 0 : NO_DATA_SET);
        return c;
    }

    static DataSet response(CommandField field, DataSet request, DimseStatus status, boolean hasDataSet) {
        DataSet c = new DataSet();
        String sopClass = request.getString(Tag.AffectedSOPClassUID);
        if (sopClass != null) {
            c.setString(Tag.AffectedSOPClassUID, Vr.UI, sopClass);
        }
        c.setInt(Tag.CommandField, Vr.US, field.code());
        c.setInt(Tag.MessageIDBeingRespondedTo, Vr.US, request.getInt(Tag.MessageID, 0));
        c.setInt(Tag.CommandDataSetType, Vr.US, hasDataSet ? 0 : NO_DATA_SET);
        c.setInt(Tag.Status, Vr.US, status.code());
        String sopInstance = request.getString(Tag.AffectedSOPInstanceUID);
        if (sopInstance != null) {
            c.setString(Tag.AffectedSOPInstanceUID, Vr.UI, sopInstance);
        }
        if (status.errorComment() != null && !status.isSuccess()) {
            // Error Comment is LO: at most 64 characters
            String comment = status.errorComment();
            c.setString(Tag.ErrorComment, Vr.LO, comment.length() > 64 ? comment.substring(0, 64) : comment);
        }
        return c;
    }

    static DataSet cancel(int messageIdBeingCancelled) {
        DataSet c = new DataSet();
        c.setInt(Tag.CommandField, Vr.US, CommandField.C_CANCEL_RQ.code());
        c.setInt(Tag.MessageIDBeingRespondedTo, Vr.US, messageIdBeingCancelled);
        c.setInt(Tag.CommandDataSetType, Vr.US, NO_DATA_SET);
        return c;
    }
}
