package com.imagingmanifest.net.dimse;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.io.DicomParseException;
import com.imagingmanifest.net.pdu.PDataTf;
import com.imagingmanifest.net.pdu.PresentationDataValue;
import com.imagingmanifest.net.ul.Association;
import com.imagingmanifest.net.ul.AssociationAbortedException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * DIMSE messages over an association: a command set and optional data set, each sent in P-DATA
 * fragments and reassembled on receipt (PS3.7 6.3, PS3.8 Annex E).
 */
final class DimseChannel {
    private final Association association;
    private int lastMessageId;
    private int received;

    DimseChannel(Association association) {
        this.association = association;
    }

    Association association() {
        return association;
    }

    /** Message IDs 1..65535, then wrapping (PS3.7 E.1: unique among outstanding messages). */
    int nextMessageId() {
        lastMessageId = lastMessageId % 0xFFFF + 1;
        return lastMessageId;
    }

    /** Messages received since this channel was made (0 means a failure came before any answer). */
    int received() {
        return received;
    }

    void send(int presentationContextId, DataSet command, byte[] dataSet) throws IOException {
        association.send(presentationContextId, true, CommandSet.encode(command));
        if (dataSet != null) {
            association.send(presentationContextId, false, dataSet);
        }
    }

    /**
     * The next complete message, or null when the peer released the association. A data set longer
     * than {@code maxDataSetLength} (0 = no limit), fragments of an unknown context, or a command set
     * that cannot be parsed abort the association.
     */
    DimseMessage receive(int timeoutMillis, long maxDataSetLength) throws IOException {
        return receive(timeoutMillis, timeoutMillis, maxDataSetLength);
    }

    /**
     * As {@link #receive(int, long)}, waiting up to {@code firstMillis} for the message's first PDU and
     * up to {@code nextMillis} for each later one: a peer may stay silent between messages, not in
     * the middle of one.
     */
    DimseMessage receive(int firstMillis, int nextMillis, long maxDataSetLength) throws IOException {
        int timeoutMillis = firstMillis;
        ByteArrayOutputStream commandBytes = new ByteArrayOutputStream(256);
        ByteArrayOutputStream dataBytes = null;
        DataSet command = null;
        int pcid = -1;
        while (true) {
            PDataTf pdata = association.receive(timeoutMillis);
            if (pdata == null) {
                return null;
            }
            timeoutMillis = nextMillis;
            for (PresentationDataValue pdv : pdata.values()) {
                if (association.presentationContext(pdv.presentationContextId()) == null) {
                    throw protocolError("fragment for presentation context " + pdv.presentationContextId()
                            + ", which was not accepted");
                }
                if (pcid != -1 && pdv.presentationContextId() != pcid) {
                    throw protocolError("fragments of one message on contexts " + pcid + " and "
                            + pdv.presentationContextId());
                }
                pcid = pdv.presentationContextId();
                if (pdv.command()) {
                    if (command != null) {
                        throw protocolError("command fragment after the last command fragment");
                    }
                    commandBytes.write(pdv.data());
                    if (commandBytes.size() > 64 * 1024) {
                        throw protocolError("command set longer than 64 KiB");
                    }
                    if (pdv.last()) {
                        command = decodeCommand(commandBytes.toByteArray());
                        if (command.getInt(Tag.CommandDataSetType, CommandSet.NO_DATA_SET) == CommandSet.NO_DATA_SET) {
                            received++;
                            return new DimseMessage(pcid, command, null);
                        }
                        dataBytes = new ByteArrayOutputStream(8192);
                    }
                } else {
                    if (command == null) {
                        throw protocolError("data set fragment before the command set");
                    }
                    if (maxDataSetLength > 0 && (long) dataBytes.size() + pdv.data().length > maxDataSetLength) {
                        throw protocolError("data set longer than the limit of " + maxDataSetLength + " bytes");
                    }
                    dataBytes.write(pdv.data());
                    if (pdv.last()) {
                        received++;
                        return new DimseMessage(pcid, command, dataBytes.toByteArray());
                    }
                }
            }
        }
    }

    private DataSet decodeCommand(byte[] bytes) throws IOException {
        try {
            DataSet c = CommandSet.decode(bytes);
            if (c.getInt(Tag.CommandField, -1) < 0) {
                throw protocolError("command set without Command Field");
            }
            return c;
        } catch (DicomParseException | IllegalArgumentException e) {
            throw protocolError("unreadable command set: " + e.getMessage());
        }
    }

    private IOException protocolError(String message) {
        association.abort();
        return new AssociationAbortedException(message + " from " + association.remoteAddress()
                + "; association aborted");
    }
}
