package com.imagingmanifest.net.ul;

import static com.imagingmanifest.net.ul.ProtocolEvent.carried;

import com.imagingmanifest.net.pdu.AAbort;
import java.io.IOException;

/** The Association Abort actions AA-1 to AA-8 of PS3.8 Table 9-9. */
final class AbortActions {
    private final Association a;

    AbortActions(Association association) {
        this.a = association;
    }

    /** Performs {@code action} for {@code event}; returns the state it leads to. */
    State perform(Action action, ProtocolEvent event) throws IOException {
        switch (action) {
            case AA_1 -> {
                a.transport.trySend(new AAbort(AAbort.SOURCE_SERVICE_USER, AAbort.REASON_NOT_SPECIFIED));
                a.transport.startArtim();
            }
            case AA_2, AA_5 -> a.transport.close();
            case AA_3 -> {
                a.lastAbort = carried(event, ProtocolEvent.AbortReceived.class, action).pdu();
                a.transport.close();
                a.state = action.next();
                throw new AssociationAbortedException("association aborted by " + a.remoteAddress() + ": "
                        + a.lastAbort.describe());
            }
            case AA_4 -> {
                a.transport.close();
                a.state = action.next();
                throw new TransportClosedException("connection closed by " + a.remoteAddress());
            }
            case AA_6 -> {
                // PS3.8 AA-6: ignore the PDU while awaiting the transport connection close
            }
            case AA_7 -> a.transport.trySend(new AAbort(AAbort.SOURCE_SERVICE_PROVIDER, AAbort.REASON_UNEXPECTED_PDU));
            case AA_8 -> {
                return unexpected(action, event);
            }
            default -> throw new IllegalArgumentException(action.label() + " is no abort action");
        }
        return action.next();
    }

    /**
     * AA-8: an invalid PDU, or a valid one the state does not allow. Aborts, waits briefly for the
     * peer to close, and ends in Sta1; the caller of an invalid PDU reports it itself.
     */
    private State unexpected(Action action, ProtocolEvent event) throws IOException {
        int reason = event instanceof ProtocolEvent.InvalidPdu invalid ? invalid.problem().abortReason()
                : AAbort.REASON_UNEXPECTED_PDU;
        a.transport.trySend(new AAbort(AAbort.SOURCE_SERVICE_PROVIDER, reason));
        a.transport.startArtim();
        a.state = action.next();
        a.awaitTransportCloseBriefly();
        if (!(event instanceof ProtocolEvent.InvalidPdu)) {
            String what = event instanceof ProtocolEvent.Received received
                    ? received.pdu().getClass().getSimpleName() : "event";
            throw new AssociationAbortedException("unexpected " + what + " from " + a.remoteAddress()
                    + " in " + event.event().label() + "/" + action.label() + "; association aborted");
        }
        return a.state;
    }
}
