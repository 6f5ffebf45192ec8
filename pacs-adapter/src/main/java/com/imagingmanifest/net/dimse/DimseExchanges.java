package com.imagingmanifest.net.dimse;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.dicom.data.Vr;
import com.imagingmanifest.dicom.io.DataSetReader;
import com.imagingmanifest.dicom.io.DataSetWriter;
import com.imagingmanifest.dicom.io.DicomParseException;
import com.imagingmanifest.net.ul.Association;
import com.imagingmanifest.net.ul.AssociationAbortedException;
import com.imagingmanifest.net.ul.PresentationContext;
import java.io.IOException;
import java.util.List;
import java.util.function.Predicate;

/**
 * The DIMSE-C exchanges of {@link DimseClient} on one association (PS3.7 9.1, 9.3): requests, their
 * responses and sub-operations, each response checked against its request. The client lends the
 * association and deals with what a failure means for it; this class only speaks the messages.
 */
final class DimseExchanges {
    private final DimseClient.Config config;

    DimseExchanges(DimseClient.Config config) {
        this.config = config;
    }

    /** C-ECHO (PS3.7 9.1.5); throws unless the peer answers success. */
    void echo(DimseChannel ch) throws IOException {
        PresentationContext pc = context(ch, Uid.Verification);
        int id = ch.nextMessageId();
        ch.send(pc.id(), CommandSet.request(CommandField.C_ECHO_RQ, id, Uid.Verification, false), null);
        DimseStatus status = awaitResponse(ch, id, CommandField.C_ECHO_RSP).status();
        if (!status.isSuccess()) {
            throw DimseException.failure("C-ECHO", status);
        }
    }

    DimseStatus store(DimseChannel ch, String sopClassUid, String sopInstanceUid, byte[] dataSet,
            String transferSyntaxUid) throws IOException {
        Association a = ch.association();
        byte[] payload = dataSet;
        PresentationContext pc = a.findPresentationContext(sopClassUid, transferSyntaxUid);
        if (pc == null) {
            pc = a.findPresentationContext(sopClassUid, Uid.ExplicitVRLittleEndian, Uid.ImplicitVRLittleEndian);
            if (pc == null || !convertible(transferSyntaxUid)) {
                throw new DimseException(DimseException.Kind.NO_PRESENTATION_CONTEXT, "no presentation context for "
                        + sopClassUid + " in " + transferSyntaxUid + " accepted by " + config.calledAeTitle(), null);
            }
            payload = transcode(dataSet, transferSyntaxUid, pc.transferSyntax());
        }
        int id = ch.nextMessageId();
        DataSet rq = CommandSet.request(CommandField.C_STORE_RQ, id, sopClassUid, true);
        rq.setString(Tag.AffectedSOPInstanceUID, Vr.UI, sopInstanceUid);
        ch.send(pc.id(), rq, payload);
        DimseStatus status = awaitResponse(ch, id, CommandField.C_STORE_RSP).status();
        if (status.isFailure() || status.category() == StatusCategory.PENDING) {
            throw DimseException.failure("C-STORE of " + sopInstanceUid, status);
        }
        return status;
    }

    DimseStatus find(DimseChannel ch, QueryRetrieveLevel level, DataSet keys, Predicate<DataSet> onMatch)
            throws IOException {
        Sent sent = sendRequest(ch, Uid.StudyRootQueryRetrieveInformationModelFind, CommandField.C_FIND_RQ, level, keys,
                null);
        PresentationContext pc = sent.pc();
        int id = sent.id();
        boolean cancelled = false;
        while (true) {
            DimseMessage rsp = awaitResponse(ch, id, CommandField.C_FIND_RSP);
            DimseStatus status = rsp.status();
            if (status.category() != StatusCategory.PENDING) {
                if (status.isFailure()) {
                    throw DimseException.failure("C-FIND", status);
                }
                return status;
            }
            if (cancelled || rsp.dataSet() == null) {
                continue;
            }
            DataSet match = decode(ch, rsp.dataSet(), pc.transferSyntax());
            if (!onMatch.test(match)) {
                // PS3.7 9.3.2.3: C-CANCEL-RQ, then the peer ends with a Cancel (or final) status
                ch.send(pc.id(), CommandSet.cancel(id), null);
                cancelled = true;
            }
        }
    }

    private record Sent(PresentationContext pc, int id) {
    }

    /**
     * Sends a Query/Retrieve request of {@code model} with {@code keys} at {@code level} as its
     * identifier; {@code moveDestination} (0000,0600) only for C-MOVE.
     */
    private Sent sendRequest(DimseChannel ch, String model, CommandField field, QueryRetrieveLevel level, DataSet keys,
            String moveDestination) throws IOException {
        PresentationContext pc = context(ch, model);
        DataSet identifier = new DataSet(keys);
        identifier.setString(Tag.QueryRetrieveLevel, Vr.CS, level.name());
        int id = ch.nextMessageId();
        DataSet rq = CommandSet.request(field, id, model, true);
        if (moveDestination != null) {
            rq.setString(Tag.MoveDestination, Vr.AE, moveDestination);
        }
        ch.send(pc.id(), rq, DataSetWriter.write(identifier, pc.transferSyntax()));
        return new Sent(pc, id);
    }

    DimseClient.GetResult get(DimseChannel ch, QueryRetrieveLevel level, DataSet keys, DimseClient.InstanceHandler onInstance)
            throws IOException {
        int id = sendRequest(ch, Uid.StudyRootQueryRetrieveInformationModelGet, CommandField.C_GET_RQ, level, keys,
                null).id();
        int timeout = (int) config.dimseTimeout().toMillis();
        while (true) {
            DimseMessage msg = ch.receive(timeout, 0);
            if (msg == null) {
                throw new AssociationAbortedException("peer released the association during C-GET");
            }
            if (msg.commandField() == CommandField.C_STORE_RQ && msg.dataSet() != null) {
                answerSubOperation(ch, msg, onInstance);
                continue;
            }
            checkResponse(ch, msg, id, CommandField.C_GET_RSP);
            DimseStatus status = msg.status();
            if (status.category() == StatusCategory.PENDING) {
                continue;
            }
            DimseClient.GetResult result = new DimseClient.GetResult(status, msg.command().getInt(Tag.NumberOfCompletedSuboperations, 0),
                    msg.command().getInt(Tag.NumberOfFailedSuboperations, 0),
                    msg.command().getInt(Tag.NumberOfWarningSuboperations, 0));
            if (status.isFailure()) {
                throw DimseException.failure("C-GET", status);
            }
            return result;
        }
    }

    DimseClient.MoveResult move(DimseChannel ch, QueryRetrieveLevel level, DataSet keys, String moveDestination)
            throws IOException {
        Sent sent = sendRequest(ch, Uid.StudyRootQueryRetrieveInformationModelMove, CommandField.C_MOVE_RQ, level, keys,
                moveDestination);
        PresentationContext pc = sent.pc();
        int id = sent.id();
        while (true) {
            DimseMessage rsp = awaitResponse(ch, id, CommandField.C_MOVE_RSP);
            DimseStatus status = rsp.status();
            if (status.category() == StatusCategory.PENDING) {
                continue;
            }
            int completed = rsp.command().getInt(Tag.NumberOfCompletedSuboperations, 0);
            int failed = rsp.command().getInt(Tag.NumberOfFailedSuboperations, 0);
            int warning = rsp.command().getInt(Tag.NumberOfWarningSuboperations, 0);
            // a failure before any sub-operation (A801, A900, Cxxx) is thrown; one after sub-operations
            // (A702: Unable to perform sub-operations) is a result, its counts tell what happened
            if (!status.isSuccess()) {
                // dcmqrscp keeps its index locked after a C-MOVE that did not succeed (A801, A702) until
                // the association ends, which blocks every other caller: end this one rather than pool it
                ch.association().release();
            }
            if (status.isFailure() && completed + failed + warning == 0) {
                throw DimseException.failure("C-MOVE to " + moveDestination, status);
            }
            // PS3.4 C.4.2.1.4: the final response may carry the Failed SOP Instance UID List
            List<String> failedUids = List.of();
            if (rsp.dataSet() != null) {
                String[] uids = decode(ch, rsp.dataSet(), pc.transferSyntax()).getStrings(Tag.FailedSOPInstanceUIDList);
                failedUids = uids == null ? List.of() : java.util.Arrays.stream(uids).map(String::strip).toList();
            }
            return new DimseClient.MoveResult(status, completed, failed, warning, failedUids);
        }
    }

    private void answerSubOperation(DimseChannel ch, DimseMessage rq, DimseClient.InstanceHandler onInstance) throws IOException {
        PresentationContext pc = ch.association().presentationContext(rq.presentationContextId());
        DimseStatus status;
        try {
            onInstance.onInstance(rq.command().getString(Tag.AffectedSOPClassUID),
                    rq.command().getString(Tag.AffectedSOPInstanceUID), rq.dataSet(), pc.transferSyntax());
            status = DimseStatus.success();
        } catch (Exception e) {
            status = new DimseStatus(DimseStatus.PROCESSING_FAILURE, String.valueOf(e.getMessage()));
        }
        ch.send(pc.id(), CommandSet.response(CommandField.C_STORE_RSP, rq.command(), status, false), null);
    }

    private PresentationContext context(DimseChannel ch, String abstractSyntax) {
        PresentationContext pc = ch.association().findPresentationContext(abstractSyntax);
        if (pc == null) {
            throw new DimseException(DimseException.Kind.NO_PRESENTATION_CONTEXT,
                    config.calledAeTitle() + " accepted no presentation context for " + abstractSyntax, null);
        }
        return pc;
    }

    private DimseMessage awaitResponse(DimseChannel ch, int messageId, CommandField expected) throws IOException {
        DimseMessage rsp = ch.receive((int) config.dimseTimeout().toMillis(), 0);
        if (rsp == null) {
            throw new AssociationAbortedException("peer released the association instead of answering");
        }
        checkResponse(ch, rsp, messageId, expected);
        return rsp;
    }

    private static void checkResponse(DimseChannel ch, DimseMessage rsp, int messageId, CommandField expected)
            throws IOException {
        if (rsp.commandField() != expected || rsp.messageIdBeingRespondedTo() != messageId) {
            ch.association().abort();
            throw new AssociationAbortedException("expected " + expected + " to message " + messageId + ", got "
                    + rsp.commandField() + " to " + rsp.messageIdBeingRespondedTo() + "; association aborted");
        }
    }

    private static DataSet decode(DimseChannel ch, byte[] bytes, String ts) throws IOException {
        try {
            return DataSetReader.read(bytes, 0, bytes.length, ts);
        } catch (DicomParseException | IllegalArgumentException e) {
            ch.association().abort();
            throw new AssociationAbortedException("unreadable identifier: " + e.getMessage());
        }
    }

    private static boolean convertible(String ts) {
        return DimseClient.LE.contains(ts) || Uid.DeflatedExplicitVRLittleEndian.equals(ts);
    }

    private static byte[] transcode(byte[] dataSet, String from, String to) {
        try {
            return DataSetWriter.write(DataSetReader.read(dataSet, 0, dataSet.length, from), to);
        } catch (DicomParseException e) {
            throw new IllegalArgumentException("data set is not valid " + from + ": " + e.getMessage(), e);
        }
    }
}
