package com.imagingmanifest.net.ul;

import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.net.pdu.AAbort;
import com.imagingmanifest.net.pdu.AAssociateAc;
import com.imagingmanifest.net.pdu.AAssociateRj;
import com.imagingmanifest.net.pdu.AAssociateRq;
import com.imagingmanifest.net.pdu.AReleaseRp;
import com.imagingmanifest.net.pdu.AReleaseRq;
import com.imagingmanifest.net.pdu.PDataTf;
import com.imagingmanifest.net.pdu.Pdu;
import com.imagingmanifest.net.pdu.PduFormatException;
import com.imagingmanifest.net.pdu.PduReader;
import com.imagingmanifest.net.pdu.PduWriter;
import com.imagingmanifest.net.pdu.PresentationContextAc;
import com.imagingmanifest.net.pdu.PresentationContextRq;
import com.imagingmanifest.net.pdu.RoleSelection;
import com.imagingmanifest.net.pdu.UserInformation;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
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
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One DICOM association over one transport connection, driven by the protocol machine of PS3.8 9.2
 * ({@link StateMachine}). Every event goes through the table; the action it names is carried out
 * here. Use from one thread at a time: reads are synchronous, each with a timeout, so nothing
 * waits forever.
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
    private final long ourMaxPduLength;
    private final int artimMillis;
    private long pduMillis;
    private Socket socket;
    private volatile DeadlineInputStream in;
    private OutputStream out;
    private State state = State.STA1;
    private AAssociateRq request;
    private AAssociateAc acceptance;
    private long peerMaxPduLength;
    private final Map<Integer, PresentationContext> contexts = new LinkedHashMap<>();
    private long artimDeadline;
    private PDataTf indication;
    private AAbort lastAbort;

    private Association(boolean requestor, long ourMaxPduLength, Duration artim) {
        this.requestor = requestor;
        this.ourMaxPduLength = ourMaxPduLength;
        this.artimMillis = (int) Math.max(1, artim.toMillis());
    }

    // ---- establishment

    /** Opens the transport connection and negotiates the association (requestor side). */
    public static Association request(Request rq) throws AssociationException {
        Association a = new Association(true, rq.maxPduLength(), rq.artimTimeout());
        try {
            a.fire(Event.EVT1, rq);
            a.fire(Event.EVT2, new AAssociateRq(1, rq.calledAeTitle(), rq.callingAeTitle(),
                    Uid.DicomApplicationContextName, rq.presentationContexts(),
                    new UserInformation(rq.maxPduLength(), Uid.ImplementationClassUID, Uid.ImplementationVersionName,
                            rq.roleSelections(), List.of())));
            while (a.state == State.STA5) {
                a.receivePdu((int) rq.associationTimeout().toMillis(), "A-ASSOCIATE-AC");
            }
            if (a.state != State.STA6) {
                throw new AssociationAbortedException("association not established (" + a.state.label() + ")");
            }
            return a;
        } catch (AssociationException e) {
            a.closeTransport();
            throw e;
        } catch (IOException e) {
            a.closeTransport();
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
            a.fire(Event.EVT5, socket);
            while (a.state == State.STA2) {
                // ARTIM is absolute: a request dripped in byte by byte gets no more than ARTIM in all
                a.receivePdu((int) Math.max(1, a.artimDeadline - System.currentTimeMillis()), "A-ASSOCIATE-RQ");
            }
            if (a.state != State.STA3) {
                a.awaitTransportClose();
                return null;
            }
            AcceptorDecision decision = decide.apply(a.request);
            if (decision instanceof AcceptorDecision.Accept acc) {
                a.fire(Event.EVT7, acc);
                return a;
            }
            a.fire(Event.EVT8, ((AcceptorDecision.Reject) decision).rejection());
            a.awaitTransportClose();
            return null;
        } catch (IOException | RuntimeException e) {
            a.closeTransport();
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
            fire(Event.EVT9, new Fragment(presentationContextId, command, last, data, off, len));
            off += len;
        } while (off < data.length);
        out.flush();
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
            fire(Event.EVT14, null);
            awaitTransportClose();
            return null;
        }
        throw new AssociationAbortedException("association ended (" + state.label() + ")");
    }

    /** Graceful release (A-RELEASE, PS3.8 7.2); aborts when the peer does not answer within ARTIM. */
    public void release() throws IOException {
        if (state != State.STA6) {
            closeTransport();
            return;
        }
        fire(Event.EVT11, null);
        try {
            while (state != State.STA1) {
                receivePdu(artimMillis, "A-RELEASE-RP");
                if (state == State.STA9) {
                    fire(Event.EVT14, null); // release collision, requestor side
                } else if (state == State.STA12) {
                    fire(Event.EVT14, null); // release collision, acceptor side
                    awaitTransportClose();
                }
                indication = null; // P-DATA after our release request is of no interest (AR-6)
            }
        } finally {
            closeTransport();
        }
    }

    /** A-ABORT from the local user (Evt15); never throws. */
    public void abort() {
        try {
            if (state != State.STA1) {
                fire(Event.EVT15, null);
                if (state == State.STA13) {
                    artimDeadline = System.currentTimeMillis() + Math.min(artimMillis, ABORT_CLOSE_WAIT_MILLIS);
                    awaitTransportClose();
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // the connection is going away in any case
        } finally {
            closeTransport();
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
        return state == State.STA6 && !socket.isClosed();
    }

    /** True when the peer sent something unsolicited (while idle this is a release or an abort). */
    public boolean hasPendingInput() {
        try {
            return in.available() > 0;
        } catch (IOException e) {
            return true;
        }
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
        DeadlineInputStream stream = in;
        return stream == null ? Long.MAX_VALUE : stream.deadlineNanos();
    }

    public String remoteAddress() {
        return socket == null ? "?" : String.valueOf(socket.getRemoteSocketAddress());
    }

    @Override
    public String toString() {
        return (requestor ? "SCU " : "SCP ") + (request == null ? "?" : request.callingAeTitle() + "->"
                + request.calledAeTitle()) + " " + remoteAddress() + " " + state.label();
    }

    // ---- the protocol machine

    private record Fragment(int pcid, boolean command, boolean last, byte[] data, int off, int len) {
    }

    /** Reads one PDU (or notices a timeout or closed connection) and feeds the event to the machine. */
    private void receivePdu(int timeoutMillis, String awaiting) throws IOException {
        Pdu pdu;
        try {
            in.arm(timeoutMillis, state == State.STA2 ? 0 : pduMillis);
            try {
                pdu = PduReader.read(in, ourMaxPduLength);
            } finally {
                in.disarm();
            }
        } catch (SocketTimeoutException e) {
            if (state == State.STA2 || state == State.STA13) {
                fire(Event.EVT18, null);
                return;
            }
            abort();
            throw new AssociationTimeoutException("no " + awaiting + " within " + timeoutMillis + " ms from "
                    + remoteAddress());
        } catch (PduFormatException e) {
            fire(Event.EVT19, e);
            throw new AssociationAbortedException("invalid PDU from " + remoteAddress() + ": " + e.getMessage(), e);
        } catch (EOFException e) {
            fire(Event.EVT17, null);
            return;
        } catch (IOException e) {
            if (state == State.STA1) {
                throw e;
            }
            fire(Event.EVT17, null);
            throw new TransportClosedException("connection to " + remoteAddress() + " lost: " + e.getMessage(), e);
        }
        if (pdu == null) {
            fire(Event.EVT17, null);
            return;
        }
        fire(eventOf(pdu), pdu);
    }

    private static Event eventOf(Pdu pdu) {
        return switch (pdu.type()) {
            case Pdu.A_ASSOCIATE_AC -> Event.EVT3;
            case Pdu.A_ASSOCIATE_RJ -> Event.EVT4;
            case Pdu.A_ASSOCIATE_RQ -> Event.EVT6;
            case Pdu.P_DATA_TF -> Event.EVT10;
            case Pdu.A_RELEASE_RQ -> Event.EVT12;
            case Pdu.A_RELEASE_RP -> Event.EVT13;
            default -> Event.EVT16;
        };
    }

    /** Looks the pair up in PS3.8 Table 9-10, performs the action and moves to its next state. */
    private void fire(Event event, Object arg) throws IOException {
        Action action = StateMachine.action(state, event).orElseThrow(() -> new IllegalStateException(
                event.label() + " (" + event.description() + ") is not valid in " + state.label()));
        State next = action.next();
        switch (action) {
            case AE_1 -> {
                Request rq = (Request) arg;
                try {
                    socket = rq.tlsContext() != null ? rq.tlsContext().getSocketFactory().createSocket() : new Socket();
                    socket.setTcpNoDelay(true);
                    socket.connect(new InetSocketAddress(rq.host(), rq.port()), (int) rq.connectTimeout().toMillis());
                    if (socket instanceof SSLSocket ssl) {
                        // a trusted certificate is not enough: it must name the host we meant to reach
                        // (RFC 6125, as BCP 195 asks), or any peer holding some trusted certificate
                        // could stand in for the PACS
                        SSLParameters parameters = ssl.getSSLParameters();
                        parameters.setEndpointIdentificationAlgorithm("HTTPS");
                        ssl.setSSLParameters(parameters);
                        ssl.setSoTimeout((int) rq.connectTimeout().toMillis());
                        ssl.startHandshake();
                    }
                } catch (IOException e) {
                    closeTransport();
                    throw new TransportConnectException("cannot connect to " + rq.host() + ":" + rq.port() + ": "
                            + e.getMessage(), e);
                }
                openStreams();
            }
            case AE_2 -> {
                request = (AAssociateRq) arg;
                sendPdu(request);
            }
            case AE_3 -> confirmAccept((AAssociateAc) arg);
            case AE_4 -> {
                closeTransport();
                state = next;
                throw new AssociationRejectedException((AAssociateRj) arg);
            }
            case AE_5 -> {
                socket = (Socket) arg;
                socket.setTcpNoDelay(true);
                openStreams();
                startArtim();
            }
            case AE_6 -> {
                request = (AAssociateRq) arg;
                // PS3.8 9.3.2: bit 0 of the protocol version must be set
                if ((request.protocolVersion() & 1) == 0) {
                    sendPdu(new AAssociateRj(AAssociateRj.REJECTED_PERMANENT, AAssociateRj.SOURCE_SERVICE_PROVIDER_ACSE,
                            AAssociateRj.REASON_PROTOCOL_VERSION_NOT_SUPPORTED));
                    startArtim();
                    next = State.STA13;
                }
            }
            case AE_7 -> {
                AcceptorDecision.Accept acc = (AcceptorDecision.Accept) arg;
                acceptance = new AAssociateAc(1, request.calledAeTitle(), request.callingAeTitle(),
                        Uid.DicomApplicationContextName, acc.presentationContexts(),
                        new UserInformation(ourMaxPduLength, Uid.ImplementationClassUID, Uid.ImplementationVersionName,
                                acc.roleSelections(), List.of()));
                peerMaxPduLength = request.userInformation().maximumLength();
                Map<Integer, String> abstractSyntaxes = new java.util.HashMap<>();
                request.presentationContexts().forEach(pc -> abstractSyntaxes.put(pc.id(), pc.abstractSyntax()));
                for (PresentationContextAc pc : acc.presentationContexts()) {
                    if (pc.accepted()) {
                        contexts.put(pc.id(), new PresentationContext(pc.id(), abstractSyntaxes.get(pc.id()),
                                pc.transferSyntax()));
                    }
                }
                sendPdu(acceptance);
            }
            case AE_8 -> {
                sendPdu((AAssociateRj) arg);
                startArtim();
            }
            case DT_1, AR_7 -> {
                Fragment f = (Fragment) arg;
                PduWriter.writePData(out, f.pcid(), f.command(), f.last(), f.data(), f.off(), f.len());
            }
            case DT_2, AR_6 -> indication = (PDataTf) arg;
            case AR_1 -> sendPdu(new AReleaseRq());
            case AR_2, AR_10 -> {
                // release indication / confirmation: the caller answers through Evt14 or waits for Sta1
            }
            case AR_3 -> closeTransport();
            case AR_4 -> {
                sendPdu(new AReleaseRp());
                startArtim();
            }
            case AR_5, AA_5 -> closeTransport();
            case AR_8 -> next = requestor ? State.STA9 : State.STA10;
            case AR_9 -> sendPdu(new AReleaseRp());
            case AA_1 -> {
                trySend(new AAbort(AAbort.SOURCE_SERVICE_USER, AAbort.REASON_NOT_SPECIFIED));
                startArtim();
            }
            case AA_2 -> closeTransport();
            case AA_3 -> {
                lastAbort = (AAbort) arg;
                closeTransport();
                state = next;
                throw new AssociationAbortedException("association aborted by " + remoteAddress() + ": "
                        + lastAbort.describe());
            }
            case AA_4 -> {
                closeTransport();
                state = next;
                throw new TransportClosedException("connection closed by " + remoteAddress());
            }
            case AA_6 -> {
                // PS3.8 AA-6: ignore the PDU while awaiting the transport connection close
            }
            case AA_7 -> trySend(new AAbort(AAbort.SOURCE_SERVICE_PROVIDER, AAbort.REASON_UNEXPECTED_PDU));
            case AA_8 -> {
                int reason = arg instanceof PduFormatException pfe ? pfe.abortReason() : AAbort.REASON_UNEXPECTED_PDU;
                trySend(new AAbort(AAbort.SOURCE_SERVICE_PROVIDER, reason));
                startArtim();
                state = next;
                if (!(arg instanceof PduFormatException)) {
                    awaitTransportCloseBriefly();
                    throw new AssociationAbortedException("unexpected " + describe(arg) + " from " + remoteAddress()
                            + " in " + event.label() + "/" + action.label() + "; association aborted");
                }
                awaitTransportCloseBriefly();
                return;
            }
        }
        state = next;
    }

    private static String describe(Object pdu) {
        return pdu == null ? "event" : pdu.getClass().getSimpleName();
    }

    private void confirmAccept(AAssociateAc ac) {
        acceptance = ac;
        peerMaxPduLength = ac.userInformation().maximumLength();
        Map<Integer, String> abstractSyntaxes = new java.util.HashMap<>();
        request.presentationContexts().forEach(pc -> abstractSyntaxes.put(pc.id(), pc.abstractSyntax()));
        for (PresentationContextAc pc : ac.presentationContexts()) {
            String as = abstractSyntaxes.get(pc.id());
            if (pc.accepted() && as != null) {
                contexts.put(pc.id(), new PresentationContext(pc.id(), as, pc.transferSyntax()));
            }
        }
    }

    private void openStreams() throws IOException {
        in = new DeadlineInputStream(new BufferedInputStream(socket.getInputStream(), 64 * 1024), socket);
        out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
    }

    private void startArtim() {
        artimDeadline = System.currentTimeMillis() + artimMillis;
    }

    /** In Sta13: reads (ignoring PDUs) until the peer closes or ARTIM expires (AR-5 / AA-2). */
    private void awaitTransportClose() {
        try {
            while (state == State.STA13) {
                long left = artimDeadline - System.currentTimeMillis();
                if (left <= 0) {
                    fire(Event.EVT18, null);
                    break;
                }
                receivePdu((int) left, "transport close");
            }
        } catch (IOException | RuntimeException ignored) {
            // closing in any case
        } finally {
            closeTransport();
            state = State.STA1;
        }
    }

    private void awaitTransportCloseBriefly() {
        artimDeadline = Math.min(artimDeadline, System.currentTimeMillis() + ABORT_CLOSE_WAIT_MILLIS);
        awaitTransportClose();
    }

    private void sendPdu(Pdu pdu) throws IOException {
        PduWriter.write(out, pdu);
        out.flush();
    }

    private void trySend(Pdu pdu) {
        try {
            sendPdu(pdu);
        } catch (IOException | RuntimeException ignored) {
            // the peer may already be gone; the abort is best effort (PS3.8 9.2.2, AA-1/AA-8)
        }
    }

    private void closeTransport() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing more to do
            }
        }
    }
}
