package com.imagingmanifest.net.ul;

import com.imagingmanifest.net.pdu.Pdu;
import com.imagingmanifest.net.pdu.PduReader;
import com.imagingmanifest.net.pdu.PduWriter;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * The local transport service of PS3.8 9.1 under one association: the TCP (or TLS, PS3.15 B.1)
 * connection, its buffered streams with a deadline per PDU, and the ARTIM timer. It knows nothing of
 * the protocol machine's states; {@link Association} decides what is read or written when.
 */
final class Transport {
    private static final int BUFFER = 64 * 1024;

    private final int artimMillis;
    private long artimDeadline;
    private Socket socket;
    private volatile DeadlineInputStream in;
    private OutputStream out;

    Transport(Duration artim) {
        this.artimMillis = (int) Math.max(1, artim.toMillis());
    }

    /** Opens the connection a requestor asks for (AE-1), with the TLS handshake when configured. */
    void connect(Association.Request rq) throws IOException {
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
            close();
            throw new TransportConnectException("cannot connect to " + rq.host() + ":" + rq.port() + ": "
                    + e.getMessage(), e);
        }
        openStreams();
    }

    /** Takes over a connection accepted by a server socket (AE-5). */
    void accepted(Socket accepted) throws IOException {
        socket = accepted;
        socket.setTcpNoDelay(true);
        openStreams();
    }

    private void openStreams() throws IOException {
        in = new DeadlineInputStream(new BufferedInputStream(socket.getInputStream(), BUFFER), socket);
        out = new BufferedOutputStream(socket.getOutputStream(), BUFFER);
    }

    /**
     * Reads one PDU: it must begin within {@code waitMillis} and, once begun, end within
     * {@code pduMillis} (0: the same deadline). Null when the peer closed the connection between PDUs.
     */
    Pdu read(int waitMillis, long pduMillis, long maxPduLength) throws IOException {
        in.arm(waitMillis, pduMillis);
        try {
            return PduReader.read(in, maxPduLength);
        } finally {
            in.disarm();
        }
    }

    /** Writes and flushes one PDU. */
    void send(Pdu pdu) throws IOException {
        PduWriter.write(out, pdu);
        out.flush();
    }

    /** Sends when it can: the peer may already be gone (an abort is best effort, PS3.8 AA-1/AA-8). */
    void trySend(Pdu pdu) {
        try {
            send(pdu);
        } catch (IOException | RuntimeException ignored) {
            // the connection is going away in any case
        }
    }

    /** Writes one P-DATA-TF of one PDV, unflushed: a message's fragments go out together. */
    void writePData(ProtocolEvent.PDataRequest pdv) throws IOException {
        PduWriter.writePData(out, pdv.pcid(), pdv.command(), pdv.last(), pdv.data(), pdv.off(), pdv.len());
    }

    void flush() throws IOException {
        out.flush();
    }

    // ---- ARTIM (PS3.8 9.1.5)

    int artimMillis() {
        return artimMillis;
    }

    void startArtim() {
        artimDeadline = System.currentTimeMillis() + artimMillis;
    }

    /** Restarts ARTIM with a shorter period, e.g. to wait briefly for the close after an abort. */
    void startArtim(long millis) {
        artimDeadline = System.currentTimeMillis() + millis;
    }

    /** Lets the running ARTIM expire no later than {@code millis} from now. */
    void limitArtim(long millis) {
        artimDeadline = Math.min(artimDeadline, System.currentTimeMillis() + millis);
    }

    long artimLeftMillis() {
        return artimDeadline - System.currentTimeMillis();
    }

    // ---- the connection

    boolean isOpen() {
        return socket != null && !socket.isClosed();
    }

    /** True when bytes wait to be read (or the connection broke). */
    boolean hasPendingInput() {
        try {
            return in.available() > 0;
        } catch (IOException e) {
            return true;
        }
    }

    /** See {@link Association#readDeadlineNanos()}. */
    long readDeadlineNanos() {
        DeadlineInputStream stream = in;
        return stream == null ? Long.MAX_VALUE : stream.deadlineNanos();
    }

    String remoteAddress() {
        return socket == null ? "?" : String.valueOf(socket.getRemoteSocketAddress());
    }

    void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing more to do
            }
        }
    }
}
