package com.imagingmanifest.net.ul;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * The input of an association with an absolute deadline per PDU: a socket timeout alone bounds each
 * read, so a peer sending one byte just inside it could hold the association forever. Before each
 * read the socket timeout is set to what is left until the deadline; once the first byte of a PDU
 * has come, the deadline becomes that moment plus the PDU allowance (when one is given), so the wait
 * for a PDU and its transfer are bounded separately.
 */
final class DeadlineInputStream extends FilterInputStream {
    /** No read armed: nothing to enforce. */
    static final long NONE = Long.MAX_VALUE;

    private final Socket socket;
    private volatile long deadlineNanos = NONE;
    private long pduNanos;
    private boolean started;

    DeadlineInputStream(InputStream in, Socket socket) {
        super(in);
        this.socket = socket;
    }

    /** The next PDU must begin within {@code waitMillis}; once begun, end within {@code pduMillis} (0: same deadline). */
    void arm(long waitMillis, long pduMillis) {
        deadlineNanos = System.nanoTime() + Math.max(1, waitMillis) * 1_000_000L;
        pduNanos = pduMillis * 1_000_000L;
        started = false;
    }

    /** The PDU has been read: no deadline until the next {@link #arm}. */
    void disarm() {
        deadlineNanos = NONE;
    }

    /** The armed deadline ({@link System#nanoTime()}), or {@link #NONE}. */
    long deadlineNanos() {
        return deadlineNanos;
    }

    @Override
    public int read() throws IOException {
        beforeRead();
        int b = in.read();
        if (b >= 0) {
            arrived();
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        beforeRead();
        int n = in.read(b, off, len);
        if (n > 0) {
            arrived();
        }
        return n;
    }

    private void beforeRead() throws IOException {
        long deadline = deadlineNanos;
        if (deadline == NONE) {
            return;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException("deadline passed");
        }
        if (in.available() == 0) {
            socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000L)));
        }
    }

    private void arrived() {
        if (!started) {
            started = true;
            if (pduNanos > 0 && deadlineNanos != NONE) {
                deadlineNanos = System.nanoTime() + pduNanos;
            }
        }
    }
}
