package com.imagingmanifest.net.ul;

import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.net.pdu.AAbort;
import com.imagingmanifest.net.pdu.AAssociateAc;
import com.imagingmanifest.net.pdu.AAssociateRq;
import com.imagingmanifest.net.pdu.PDataTf;
import com.imagingmanifest.net.pdu.Pdu;
import com.imagingmanifest.net.pdu.PduFormatException;
import com.imagingmanifest.net.pdu.PresentationContextRq;
import com.imagingmanifest.net.pdu.RoleSelection;
import com.imagingmanifest.net.pdu.UserInformation;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import javax.net.ssl.SSLContext;

/**
 * One DICOM association over one transport connection, driven by the protocol machine of PS3.8 9.2
 * ({@link StateMachine}). Every event ({@link ProtocolEvent}, with what it carries) goes through the
 * table; the action it names is performed by its group, as PS3.8 groups them: establishment (AE),
 * data transfer (DT), release (AR), abort (AA). The connection, its streams and the ARTIM timer are
 * the {@link Transport}'s. Use from one thread at a time: reads are synchronous, each with a timeout,
 * so nothing waits forever.
 */
public final class Association implements Closeable {
    /** PS3.8 D.1: the largest P-DATA-TF we write when the peer said 0 (unlimited). */
    static final int UNLIMITED_FRAGMENT = 1 << 20;
    /** PS3.8 9.3.5.1: item length (4), context ID (1) and message control header (1). */
    private static final int PDV_HEADER = 6;
    private static final int ABORT_CLOSE_WAIT_MILLIS = 500;

    /** What the association requestor asks for. */
    public record Request(String host, int port, String calledAeTitle, String callingAeTitle,
            List<PresentationContextRq> presentationContexts, List<RoleSelection> roleSelections,
            long maxPduLength, Duration connectTimeout, Duration associationTimeout, Duration artimTimeout,
            SSLContext tlsContext) {
        public Request {
            Objects.requireNonNull(host, "host");
            presentationContexts = List.copyOf(presentationContexts);
            roleSelections = List.copyOf(roleSelections);
        }
    }

    /**
     * Settings of the association acceptor. ARTIM bounds the whole association request, from the
     * transport connection to the last byte of the A-ASSOCIATE-RQ; {@code pduTimeout} bounds each
     * later PDU from its first byte to its last (zero: only the caller's wait applies).
     */
    public record AcceptorSettings(long maxPduLength, Duration artimTimeout, Duration pduTimeout) {
        public AcceptorSettings(long maxPduLength, Duration artimTimeout) {
            this(maxPduLength, artimTimeout, Duration.ZERO);
        }
    }

    private final boolean requestor;
    final long ourMaxPduLength;
    private long pduMillis;
    final Transport transport;
    private final EstablishmentActions establishment = new EstablishmentActions(this);
    private final DataTransferActions dataTransfer = new DataTransferActions(this);
    private final ReleaseActions release = new ReleaseActions(this);
    private final AbortActions abort = new AbortActions(this);

    // the protocol machine's variables, which the actions set
    State state = State.STA1;
    AAssociateRq request;
    AAssociateAc acceptance;
    long peerMaxPduLength;
    final Map<Integer, PresentationContext> contexts = new LinkedHashMap<>();
    PDataTf indication;
    AAbort lastAbort;

    private Association(boolean requestor, long ourMaxPduLength, Duration artim) {
        this.requestor = requestor;
        this.ourMaxPduLength = ourMaxPduLength;
        this.transport = new Transport(artim);
    }

    // ---- establishment

    /** Opens the transport connection and negotiates the association (requestor side). */
    public static Association request(Request rq) throws AssociationException {
        Association a = new Association(true, rq.maxPduLength(), rq.artimTimeout());
        try {
            a.fire(new ProtocolEvent.AssociateRequest(rq));
            a.fire(new ProtocolEvent.TransportConnected(new AAssociateRq(1, rq.calledAeTitle(), rq.callingAeTitle(),
                    Uid.DicomApplicationContextName, rq.presentationContexts(),
                    new UserInformation(rq.maxPduLength(), Uid.ImplementationClassUID, Uid.ImplementationVersionName,
                            rq.roleSelections(), List.of()))));
            while (a.state == State.STA5) {
                a.receivePdu((int) rq.associationTimeout().toMillis(), "A-ASSOCIATE-AC");
            }
            if (a.state != State.STA6) {
                throw new AssociationAbortedException("association not established (" + a.state.label() + ")");
            }
            return a;
        } catch (AssociationException e) {
            a.transport.close();
            throw e;
        } catch (IOException e) {
            a.transport.close();
            throw new AssociationAbortedException("association request to " + rq.host() + ":" + rq.port()
                    + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Runs the acceptor side on a freshly accepted transport connection (PS3.8 Evt5). Returns the
     * established association, or null when it was rejected, aborted or timed out (in which case the
     * transport connection is closed).
     */
    public static Association accept(Socket socket, AcceptorSettings settings,
            Function<AAssociateRq, AcceptorDecision> decide) {
        Association a = new Association(false, settings.maxPduLength(), settings.artimTimeout());
        a.pduMillis = settings.pduTimeout() == null ? 0 : settings.pduTimeout().toMillis();
        try {
            a.fire(new ProtocolEvent.TransportIndication(socket));
            while (a.state == State.STA2) {
                // ARTIM is absolute: a request dripped in byte by byte gets no more than ARTIM in all
                a.receivePdu((int) Math.max(1, a.transport.artimLeftMillis()), "A-ASSOCIATE-RQ");
            }
            if (a.state != State.STA3) {
                a.awaitTransportClose();
                return null;
            }
            AcceptorDecision decision = decide.apply(a.request);
            if (decision instanceof AcceptorDecision.Accept acc) {
                a.fire(new ProtocolEvent.AssociateAccept(acc));
                return a;
            }
            a.fire(new ProtocolEvent.AssociateReject(((AcceptorDecision.Reject) decision).rejection()));
            a.awaitTransportClose();
            return null;
        } catch (IOException | RuntimeException e) {
            a.transport.close();
            return null;
        }
    }

    // ---- data transfer

    /**
     * Sends one message part (a command or a data set) in P-DATA-TF PDUs no longer than the peer's
     * maximum length (PS3.8 D.1, fragmentation per PS3.8 Annex E).
     */
    public void send(int presentationContextId, boolean command, byte[] data) throws IOException {
        long max = peerMaxPduLength == 0 ? UNLIMITED_FRAGMENT + PDV_HEADER : peerMaxPduLength;
        int fragment = (int) Math.max(1, Math.min(max - PDV_HEADER, UNLIMITED_FRAGMENT));
        int off = 0;
        do {
            int len = Math.min(fragment, data.length - off);
            boolean last = off + len == data.length;
            fire(new ProtocolEvent.PDataRequest(presentationContextId, command, last, data, off, len));
            off += len;
        } while (off < data.length);
        transport.flush();
    }

    /**
     * Waits up to {@code timeoutMillis} for the next P-DATA-TF. Returns null when the peer released
     * the association (it has been answered and the connection closed).
     *
     * @throws AssociationAbortedException when the peer aborted or closed, or sent an invalid PDU
     * @throws AssociationTimeoutException when nothing came in time (the association is aborted)
     */
    public PDataTf receive(int timeoutMillis) throws IOException {
        while (state == State.STA6) {
            receivePdu(timeoutMillis, "P-DATA-TF");
            if (indication != null) {
                PDataTf p = indication;
                indication = null;
                return p;
            }
        }
        if (state == State.STA8) {
            // A-RELEASE indication: we have nothing outstanding, so answer at once (PS3.8 7.2)
            fire(new ProtocolEvent.ReleaseResponse());
            awaitTransportClose();
            return null;
        }
        throw new AssociationAbortedException("association ended (" + state.label() + ")");
    }

    /** Graceful release (A-RELEASE, PS3.8 7.2); aborts when the peer does not answer within ARTIM. */
    public void release() throws IOException {
        if (state != State.STA6) {
            transport.close();
            return;
        }
        fire(new ProtocolEvent.ReleaseRequest());
        try {
            while (state != State.STA1) {
                receivePdu(transport.artimMillis(), "A-RELEASE-RP");
                if (state == State.STA9) {
                    fire(new ProtocolEvent.ReleaseResponse()); // release collision, requestor side
                } else if (state == State.STA12) {
                    fire(new ProtocolEvent.ReleaseResponse()); // release collision, acceptor side
                    awaitTransportClose();
                }
                indication = null; // P-DATA after our release request is of no interest (AR-6)
            }
        } finally {
            transport.close();
        }
    }

    /** A-ABORT from the local user (Evt15); never throws. */
    public void abort() {
        try {
            if (state != State.STA1) {
                fire(new ProtocolEvent.AbortRequest());
                if (state == State.STA13) {
                    transport.startArtim(Math.min(transport.artimMillis(), ABORT_CLOSE_WAIT_MILLIS));
                    awaitTransportClose();
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // the connection is going away in any case
        } finally {
            transport.close();
        }
    }

    /** Releases if established, else closes the transport. */
    @Override
    public void close() {
        try {
            release();
        } catch (IOException e) {
            abort();
        }
    }

    // ---- queries

    public State state() {
        return state;
    }

    public boolean isEstablished() {
        return state == State.STA6 && transport.isOpen();
    }

    /** True when the peer sent something unsolicited (while idle this is a release or an abort). */
    public boolean hasPendingInput() {
        return transport.hasPendingInput();
    }

    public boolean isRequestor() {
        return requestor;
    }

    public AAssociateRq associateRequest() {
        return request;
    }

    public AAssociateAc associateAccept() {
        return acceptance;
    }

    public String callingAeTitle() {
        return request.callingAeTitle();
    }

    public String calledAeTitle() {
        return request.calledAeTitle();
    }

    /** The peer's Maximum Length Received (0 = unlimited). */
    public long peerMaxPduLength() {
        return peerMaxPduLength;
    }

    public long maxPduLength() {
        return ourMaxPduLength;
    }

    /** Accepted presentation contexts by ID. */
    public Map<Integer, PresentationContext> presentationContexts() {
        return Collections.unmodifiableMap(contexts);
    }

    public PresentationContext presentationContext(int id) {
        return contexts.get(id);
    }

    /** The first accepted context for the abstract syntax with one of the transfer syntaxes (any if none given). */
    public PresentationContext findPresentationContext(String abstractSyntax, String... transferSyntaxes) {
        for (PresentationContext pc : contexts.values()) {
            if (pc.abstractSyntax().equals(abstractSyntax)
                    && (transferSyntaxes.length == 0 || List.of(transferSyntaxes).contains(pc.transferSyntax()))) {
                return pc;
            }
        }
        return null;
    }

    /** The role selections the acceptor answered (empty when none). */
    public List<RoleSelection> acceptedRoleSelections() {
        return acceptance == null ? List.of() : acceptance.userInformation().roleSelections();
    }

    /**
     * When the read in progress must be done ({@link System#nanoTime()}), or {@link Long#MAX_VALUE}
     * when none is: lets a watchdog close a transport whose reads do not end in time (a TLS record
     * trickled in defeats the socket timeout inside one read).
     */
    public long readDeadlineNanos() {
        return transport.readDeadlineNanos();
    }

    public String remoteAddress() {
        return transport.remoteAddress();
    }

    @Override
    public String toString() {
        return (requestor ? "SCU " : "SCP ") + (request == null ? "?" : request.callingAeTitle() + "->"
                + request.calledAeTitle()) + " " + remoteAddress() + " " + state.label();
    }

    // ---- the protocol machine

    /** Reads one PDU (or notices a timeout or closed connection) and feeds the event to the machine. */
    private void receivePdu(int timeoutMillis, String awaiting) throws IOException {
        Pdu pdu;
        try {
            pdu = transport.read(timeoutMillis, state == State.STA2 ? 0 : pduMillis, ourMaxPduLength);
        } catch (SocketTimeoutException e) {
            if (state == State.STA2 || state == State.STA13) {
                fire(new ProtocolEvent.ArtimExpired());
                return;
            }
            abort();
            throw new AssociationTimeoutException("no " + awaiting + " within " + timeoutMillis + " ms from "
                    + remoteAddress());
        } catch (PduFormatException e) {
            fire(new ProtocolEvent.InvalidPdu(e));
            throw new AssociationAbortedException("invalid PDU from " + remoteAddress() + ": " + e.getMessage(), e);
        } catch (EOFException e) {
            fire(new ProtocolEvent.TransportClosed());
            return;
        } catch (IOException e) {
            if (state == State.STA1) {
                throw e;
            }
            fire(new ProtocolEvent.TransportClosed());
            throw new TransportClosedException("connection to " + remoteAddress() + " lost: " + e.getMessage(), e);
        }
        if (pdu == null) {
            fire(new ProtocolEvent.TransportClosed());
            return;
        }
        fire(ProtocolEvent.received(pdu));
    }

    /**
     * Looks the pair up in PS3.8 Table 9-10, has the action's group (PS3.8 Tables 9-6 to 9-9)
     * perform it, and moves to the state it leads to.
     */
    private void fire(ProtocolEvent event) throws IOException {
        Action action = StateMachine.action(state, event.event()).orElseThrow(() -> new IllegalStateException(
                event.event().label() + " (" + event.event().description() + ") is not valid in " + state.label()));
        state = switch (action.group()) {
            case ASSOCIATION_ESTABLISHMENT -> establishment.perform(action, event);
            case DATA_TRANSFER -> dataTransfer.perform(action, event);
            case ASSOCIATION_RELEASE -> release.perform(action, event);
            case ASSOCIATION_ABORT -> abort.perform(action, event);
        };
    }

    /** In Sta13: reads (ignoring PDUs) until the peer closes or ARTIM expires (AR-5 / AA-2). */
    private void awaitTransportClose() {
        try {
            while (state == State.STA13) {
                long left = transport.artimLeftMillis();
                if (left <= 0) {
                    fire(new ProtocolEvent.ArtimExpired());
                    break;
                }
                receivePdu((int) left, "transport close");
            }
        } catch (IOException | RuntimeException ignored) {
            // closing in any case
        } finally {
            transport.close();
            state = State.STA1;
        }
    }

    /** After AA-8: waits for the close no longer than a moment. */
    void awaitTransportCloseBriefly() {
        transport.limitArtim(ABORT_CLOSE_WAIT_MILLIS);
        awaitTransportClose();
    }
}
