package com.imagingmanifest.net.ul;

import com.imagingmanifest.net.pdu.AAbort;
import com.imagingmanifest.net.pdu.AAssociateAc;
import com.imagingmanifest.net.pdu.AAssociateRj;
import com.imagingmanifest.net.pdu.AAssociateRq;
import com.imagingmanifest.net.pdu.AReleaseRp;
import com.imagingmanifest.net.pdu.AReleaseRq;
import com.imagingmanifest.net.pdu.PDataTf;
import com.imagingmanifest.net.pdu.Pdu;
import com.imagingmanifest.net.pdu.PduFormatException;
import java.net.Socket;

/**
 * An event of PS3.8 Table 9-2 as it happens, with what it carries: the PDU received, the primitive's
 * parameters, or nothing. {@link #event()} is its row in the state table; the actions read the
 * payload from the record, so no action casts what it was given.
 */
sealed interface ProtocolEvent {

    /** The event's row in PS3.8 Table 9-10. */
    Event event();

    /** Evt1: A-ASSOCIATE request from the local user, with where to connect. */
    record AssociateRequest(Association.Request request) implements ProtocolEvent {
        public Event event() {
            return Event.EVT1;
        }
    }

    /** Evt2: the transport connection is open; the A-ASSOCIATE-RQ to send now. */
    record TransportConnected(AAssociateRq rq) implements ProtocolEvent {
        public Event event() {
            return Event.EVT2;
        }
    }

    /** Evt5: a transport connection was accepted. */
    record TransportIndication(Socket socket) implements ProtocolEvent {
        public Event event() {
            return Event.EVT5;
        }
    }

    /** Evt7: the local user accepts the association. */
    record AssociateAccept(AcceptorDecision.Accept accept) implements ProtocolEvent {
        public Event event() {
            return Event.EVT7;
        }
    }

    /** Evt8: the local user rejects the association. */
    record AssociateReject(AAssociateRj rejection) implements ProtocolEvent {
        public Event event() {
            return Event.EVT8;
        }
    }

    /** Evt9: P-DATA request, one PDV: {@code len} bytes of {@code data} from {@code off}. */
    record PDataRequest(int pcid, boolean command, boolean last, byte[] data, int off, int len)
            implements ProtocolEvent {
        public Event event() {
            return Event.EVT9;
        }
    }

    /** Evt11: A-RELEASE request from the local user. */
    record ReleaseRequest() implements ProtocolEvent {
        public Event event() {
            return Event.EVT11;
        }
    }

    /** Evt14: A-RELEASE response from the local user. */
    record ReleaseResponse() implements ProtocolEvent {
        public Event event() {
            return Event.EVT14;
        }
    }

    /** Evt15: A-ABORT request from the local user. */
    record AbortRequest() implements ProtocolEvent {
        public Event event() {
            return Event.EVT15;
        }
    }

    /** Evt17: the transport connection was closed (or broke). */
    record TransportClosed() implements ProtocolEvent {
        public Event event() {
            return Event.EVT17;
        }
    }

    /** Evt18: the ARTIM timer expired. */
    record ArtimExpired() implements ProtocolEvent {
        public Event event() {
            return Event.EVT18;
        }
    }

    /** Evt19: what came was no valid PDU; the exception says why and which A-ABORT reason applies. */
    record InvalidPdu(PduFormatException problem) implements ProtocolEvent {
        public Event event() {
            return Event.EVT19;
        }
    }

    /** An event of a valid PDU received: Evt3, Evt4, Evt6, Evt10, Evt12, Evt13 or Evt16. */
    sealed interface Received extends ProtocolEvent {
        Pdu pdu();
    }

    /** Evt3: A-ASSOCIATE-AC PDU received. */
    record AssociateAcReceived(AAssociateAc pdu) implements Received {
        public Event event() {
            return Event.EVT3;
        }
    }

    /** Evt4: A-ASSOCIATE-RJ PDU received. */
    record AssociateRjReceived(AAssociateRj pdu) implements Received {
        public Event event() {
            return Event.EVT4;
        }
    }

    /** Evt6: A-ASSOCIATE-RQ PDU received. */
    record AssociateRqReceived(AAssociateRq pdu) implements Received {
        public Event event() {
            return Event.EVT6;
        }
    }

    /** Evt10: P-DATA-TF PDU received. */
    record PDataReceived(PDataTf pdu) implements Received {
        public Event event() {
            return Event.EVT10;
        }
    }

    /** Evt12: A-RELEASE-RQ PDU received. */
    record ReleaseRqReceived(AReleaseRq pdu) implements Received {
        public Event event() {
            return Event.EVT12;
        }
    }

    /** Evt13: A-RELEASE-RP PDU received. */
    record ReleaseRpReceived(AReleaseRp pdu) implements Received {
        public Event event() {
            return Event.EVT13;
        }
    }

    /** Evt16: A-ABORT PDU received. */
    record AbortReceived(AAbort pdu) implements Received {
        public Event event() {
            return Event.EVT16;
        }
    }

    /** The event of a PDU read from the transport connection (Pdu is sealed: every kind has one). */
    static Received received(Pdu pdu) {
        if (pdu instanceof AAssociateAc ac) {
            return new AssociateAcReceived(ac);
        } else if (pdu instanceof AAssociateRj rj) {
            return new AssociateRjReceived(rj);
        } else if (pdu instanceof AAssociateRq rq) {
            return new AssociateRqReceived(rq);
        } else if (pdu instanceof PDataTf p) {
            return new PDataReceived(p);
        } else if (pdu instanceof AReleaseRq rq) {
            return new ReleaseRqReceived(rq);
        } else if (pdu instanceof AReleaseRp rp) {
            return new ReleaseRpReceived(rp);
        } else if (pdu instanceof AAbort abort) {
            return new AbortReceived(abort);
        }
        throw new IllegalArgumentException("no event for " + pdu);
    }

    /**
     * The event an action was given, as the type the state table guarantees for it (AE-3 is only ever
     * reached by Evt3, and so on); a mismatch is an error in the table, not in the peer.
     */
    static <T extends ProtocolEvent> T carried(ProtocolEvent event, Class<T> type, Action action) {
        if (!type.isInstance(event)) {
            throw new IllegalStateException(action.label() + " performed for " + event.event().label()
                    + ", which does not carry " + type.getSimpleName());
        }
        return type.cast(event);
    }
}
