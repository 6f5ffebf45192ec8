package com.imagingmanifest.net.dimse;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.net.ul.Association;
import com.imagingmanifest.net.ul.PresentationContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.security.auth.x500.X500Principal;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * A DIMSE service provider (SCP): answers C-ECHO for every application entity it serves and hands
 * C-STORE requests to the entity's {@link StoreHandler}.
 *
 * <p>Work per peer is bounded: a connection still negotiating holds one of a pool of threads for at
 * most ARTIM (absolute, from connect to the last byte of the A-ASSOCIATE-RQ); established
 * associations are limited in all and per calling AE title (above either limit the request is
 * rejected, transient, local limit exceeded); each later PDU must arrive within the PDU timeout
 * once begun, a message's next PDU within the PDU timeout too, and the next message within the
 * idle timeout. A watchdog closes any transport whose read outlives its deadline by a second (a TLS
 * record trickled in is one read for the socket timeout).
 */
public final class DimseServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DimseServer.class.getName());
    /** In an allow list: any calling AE title. */
    public static final String ANY_CALLING_AE = "*";
    private static final long WATCHDOG_GRACE_NANOS = 1_000_000_000L;

    /** Who asks for an association: AE titles, the TLS client certificate's subject (null without), address. */
    public record Peer(String callingAeTitle, String calledAeTitle, X500Principal certificateSubject, String address) {
    }

    /**
     * An application entity served: its handler (null: C-ECHO only), the calling AE titles allowed
     * ({@link #ANY_CALLING_AE} for any; empty: none), and a further check of the peer.
     */
    public record ApplicationEntity(String aeTitle, StoreHandler storeHandler, Set<String> allowedCallingAeTitles,
            Predicate<Peer> admits) {
        public ApplicationEntity {
            allowedCallingAeTitles = Set.copyOf(allowedCallingAeTitles);
            admits = admits == null ? peer -> true : admits;
        }

        boolean allows(Peer peer) {
            return (allowedCallingAeTitles.contains(ANY_CALLING_AE)
                    || allowedCallingAeTitles.contains(peer.callingAeTitle())) && admits.test(peer);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private String bindAddress = "127.0.0.1";
        private int port;
        private final Map<String, ApplicationEntity> entities = new LinkedHashMap<>();
        private int maxAssociations = 16;
        private int maxAssociationsPerCallingAe;
        private int maxPendingAssociations = 32;
        private Duration pduTimeout = Duration.ofSeconds(10);
        private boolean wantClientCertificates;
        private long maxDataSetLength = 64L << 20;
        private long maxPduLength = 65536;
        private Duration artimTimeout = Duration.ofSeconds(5);
        private Duration idleTimeout = Duration.ofSeconds(60);
        private SSLContext tlsContext;
        private List<String> transferSyntaxes = List.of(Uid.ExplicitVRLittleEndian, Uid.ImplicitVRLittleEndian,
                Uid.DeflatedExplicitVRLittleEndian);
        private List<String> storageSopClasses;

        public Builder bindAddress(String v) {
            bindAddress = v;
            return this;
        }

        /** 0 (the default) takes a free port; see {@link DimseServer#port()}. */
        public Builder port(int v) {
            port = v;
            return this;
        }

        /** An AE that lets the calling AE titles {@code allowedCallingAeTitles} in ({@link #ANY_CALLING_AE}: any). */
        public Builder applicationEntity(String aeTitle, StoreHandler handler, Set<String> allowedCallingAeTitles) {
            return applicationEntity(aeTitle, handler, allowedCallingAeTitles, null);
        }

        /** As above, and only peers that {@code admits} accepts (its certificate, say). */
        public Builder applicationEntity(String aeTitle, StoreHandler handler, Set<String> allowedCallingAeTitles,
                Predicate<Peer> admits) {
            entities.put(aeTitle, new ApplicationEntity(aeTitle, handler, allowedCallingAeTitles, admits));
            return this;
        }

        /** Associations established at once; more are rejected (transient, local limit exceeded). */
        public Builder maxAssociations(int v) {
            maxAssociations = v;
            return this;
        }

        /** Associations established at once by one calling AE title; 0 (the default): only the overall limit. */
        public Builder maxAssociationsPerCallingAe(int v) {
            maxAssociationsPerCallingAe = v;
            return this;
        }

        /** Connections still negotiating (before the A-ASSOCIATE-RQ is decided) served at once. */
        public Builder maxPendingAssociations(int v) {
            maxPendingAssociations = v;
            return this;
        }

        /** How long one PDU may take from its first byte to its last, and the wait for a message's next PDU. */
        public Builder pduTimeout(Duration v) {
            pduTimeout = v;
            return this;
        }

        /** With TLS: ask each peer for its certificate (checked against the trust store when sent). */
        public Builder wantClientCertificates(boolean v) {
            wantClientCertificates = v;
            return this;
        }

        /** Largest data set accepted in one C-STORE; a longer one aborts the association. */
        public Builder maxDataSetLength(long v) {
            maxDataSetLength = v;
            return this;
        }

        public Builder maxPduLength(long v) {
            maxPduLength = v;
            return this;
        }

        public Builder artimTimeout(Duration v) {
            artimTimeout = v;
            return this;
        }

        /** How long an association may stay silent between requests before it is aborted. */
        public Builder idleTimeout(Duration v) {
            idleTimeout = v;
            return this;
        }

        public Builder tlsContext(SSLContext v) {
            tlsContext = v;
            return this;
        }

        /** Transfer syntaxes accepted for storage, in order of preference. */
        public Builder transferSyntaxes(List<String> v) {
            transferSyntaxes = List.copyOf(v);
            return this;
        }

        /** Storage SOP classes accepted; null (the default) accepts every Storage SOP Class (PS3.4 B.5). */
        public Builder storageSopClasses(List<String> v) {
            storageSopClasses = v == null ? null : List.copyOf(v);
            return this;
        }

        /** Binds and starts accepting associations. */
        public DimseServer start() {
            if (entities.isEmpty()) {
                throw new IllegalStateException("no application entity configured");
            }
            return new DimseServer(this);
        }
    }

    private final Map<String, ApplicationEntity> entities;
    private final long maxDataSetLength;
    private final int idleMillis;
    private final int pduMillis;
    private final long artimNanos;
    private final Map<Socket, Watch> watched = new ConcurrentHashMap<>();
    private final Thread watchdog;
    private final AssociationAdmission admission;
    private final Association.AcceptorSettings settings;
    private final ServerSocket serverSocket;
    private final ThreadPoolExecutor workers;
    private final ThreadPoolExecutor rejecters;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger served = new AtomicInteger();
    private final Thread acceptor;
    private volatile boolean closed;

    private DimseServer(Builder b) {
        this.entities = Map.copyOf(b.entities);
        this.maxDataSetLength = b.maxDataSetLength;
        this.idleMillis = (int) b.idleTimeout.toMillis();
        // a PDU never gets longer than the silence allowed before it
        Duration pdu = b.pduTimeout.compareTo(b.idleTimeout) > 0 ? b.idleTimeout : b.pduTimeout;
        this.pduMillis = (int) Math.max(1, pdu.toMillis());
        this.artimNanos = b.artimTimeout.toNanos();
        this.admission = new AssociationAdmission(entities, b.maxAssociations, b.maxAssociationsPerCallingAe,
                b.transferSyntaxes, b.storageSopClasses);
        this.settings = new Association.AcceptorSettings(b.maxPduLength, b.artimTimeout, pdu);
        try {
            serverSocket = b.tlsContext != null ? b.tlsContext.getServerSocketFactory().createServerSocket()
                    : new ServerSocket();
            if (serverSocket instanceof SSLServerSocket ssl && b.wantClientCertificates) {
                // a peer without a certificate still connects; an AE that needs one refuses it by its check
                ssl.setWantClientAuth(true);
            }
            serverSocket.setReuseAddress(true);
            serverSocket.bind(new InetSocketAddress(InetAddress.getByName(b.bindAddress), b.port), 64);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind " + b.bindAddress + ":" + b.port, e);
        }
        AtomicInteger n = new AtomicInteger();
        // established associations plus connections still negotiating: a slow request holds a thread
        // for ARTIM at most, and cannot take the place of an established association
        int threads = b.maxAssociations + b.maxPendingAssociations;
        workers = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> daemon(r, "dimse-scp-" + n.incrementAndGet()));
        workers.allowCoreThreadTimeOut(true);
        // a few threads that only turn away associations above the limit, so the accept loop never blocks
        rejecters = new ThreadPoolExecutor(2, 2, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> daemon(r, "dimse-scp-reject"));
        rejecters.allowCoreThreadTimeOut(true);
        acceptor = daemon(this::acceptLoop, "dimse-scp-accept-" + port());
        acceptor.start();
        watchdog = daemon(this::watchLoop, "dimse-scp-watchdog-" + port());
        watchdog.start();
    }

    /** A served transport: until established, bounded by ARTIM from accept; then by the association's reads. */
    private static final class Watch {
        final long acceptedNanos = System.nanoTime();
        volatile Association association;
    }

    private void watchLoop() {
        while (!closed) {
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            watched.forEach((socket, watch) -> {
                Association a = watch.association;
                long deadline = a != null ? a.readDeadlineNanos() : watch.acceptedNanos + artimNanos;
                if (deadline != Long.MAX_VALUE && now - deadline > WATCHDOG_GRACE_NANOS) {
                    LOG.log(Level.INFO, () -> "closing " + socket.getRemoteSocketAddress()
                            + ": a read outlived its deadline");
                    closeQuietly(socket);
                }
            });
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** The bound port (useful after binding port 0). */
    public int port() {
        return serverSocket.getLocalPort();
    }

    /** Associations established so far. */
    public int associationsServed() {
        return served.get();
    }

    @Override
    public void close() {
        closed = true;
        try {
            serverSocket.close();
        } catch (IOException ignored) {
            // already closed
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // going away
            }
        }
        workers.shutdownNow();
        rejecters.shutdownNow();
        watchdog.interrupt();
        try {
            acceptor.join(2000);
            workers.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(Level.WARNING, "accept failed: " + e.getMessage());
                }
                continue;
            }
            open.add(socket);
            try {
                workers.execute(() -> watched(socket));
            } catch (RejectedExecutionException full) {
                try {
                    rejecters.execute(() -> turnAway(socket));
                } catch (RejectedExecutionException alsoFull) {
                    closeQuietly(socket);
                }
            }
        }
    }

    private void turnAway(Socket socket) {
        Watch watch = new Watch();
        watched.put(socket, watch);
        try {
            Association.accept(socket, settings, rq -> AssociationAdmission.localLimitExceeded());
        } finally {
            watched.remove(socket);
            open.remove(socket);
            closeQuietly(socket);
        }
    }

    private void watched(Socket socket) {
        Watch watch = new Watch();
        watched.put(socket, watch);
        try {
            serve(socket, watch);
        } finally {
            watched.remove(socket);
        }
    }

    private void serve(Socket socket, Watch watch) {
        Association a = null;
        AssociationAdmission.Slots slots = admission.new Slots();
        try {
            if (socket instanceof SSLSocket ssl) {
                // the handshake first, bounded by the socket timeout here and by the watchdog in all
                ssl.setSoTimeout((int) Math.max(1, artimNanos / 1_000_000L));
                ssl.startHandshake();
            }
            X500Principal subject = peerSubject(socket);
            a = Association.accept(socket, settings, rq -> admission.decide(rq, subject, socket, slots));
            if (a == null) {
                return;
            }
            watch.association = a;
            served.incrementAndGet();
            DimseChannel ch = new DimseChannel(a);
            ApplicationEntity ae = entities.get(a.calledAeTitle());
            while (true) {
                DimseMessage msg = ch.receive(idleMillis, pduMillis, maxDataSetLength);
                if (msg == null) {
                    return; // released
                }
                handle(ch, ae, msg);
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, () -> "association ended: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "association failed", e);
            if (a != null) {
                a.abort();
            }
        } finally {
            slots.release();
            open.remove(socket);
            closeQuietly(socket);
        }
    }

    private static X500Principal peerSubject(Socket socket) {
        if (!(socket instanceof SSLSocket ssl)) {
            return null;
        }
        try {
            Certificate[] chain = ssl.getSession().getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate x509 ? x509.getSubjectX500Principal() : null;
        } catch (SSLPeerUnverifiedException none) {
            return null;
        }
    }

    private void handle(DimseChannel ch, ApplicationEntity ae, DimseMessage msg) throws IOException {
        Association a = ch.association();
        PresentationContext pc = a.presentationContext(msg.presentationContextId());
        CommandField field = msg.commandField();
        if (field == CommandField.C_ECHO_RQ && Uid.Verification.equals(pc.abstractSyntax())) {
            ch.send(pc.id(), CommandSet.response(CommandField.C_ECHO_RSP, msg.command(), DimseStatus.success(),
                    false), null);
        } else if (field == CommandField.C_STORE_RQ && msg.dataSet() != null && ae.storeHandler() != null) {
            DimseStatus status = store(ae, a, pc, msg);
            ch.send(pc.id(), CommandSet.response(CommandField.C_STORE_RSP, msg.command(), status, false), null);
        } else {
            // PS3.7 says nothing useful can be answered to a command this SCP does not offer on the context
            a.abort();
            throw new IOException("unexpected " + field + " on context " + pc.id() + " (" + pc.abstractSyntax()
                    + ") from " + a.callingAeTitle() + "; association aborted");
        }
    }

    private DimseStatus store(ApplicationEntity ae, Association a, PresentationContext pc, DimseMessage msg) {
        DataSet cmd = msg.command();
        String sopClass = cmd.getString(Tag.AffectedSOPClassUID);
        String sopInstance = cmd.getString(Tag.AffectedSOPInstanceUID);
        if (sopClass == null || sopInstance == null) {
            return new DimseStatus(DimseStatus.CANNOT_UNDERSTAND, "Affected SOP Class/Instance UID missing");
        }
        if (!sopClass.equals(pc.abstractSyntax())) {
            return new DimseStatus(DimseStatus.SOP_CLASS_NOT_SUPPORTED,
                    "SOP class differs from the presentation context's abstract syntax");
        }
        try {
            DimseStatus status = ae.storeHandler().onStore(new StoreRequest(a.callingAeTitle(), a.calledAeTitle(),
                    sopClass, sopInstance, pc.transferSyntax(), msg.dataSet()));
            return status != null ? status
                    : new DimseStatus(DimseStatus.PROCESSING_FAILURE, "handler gave no status");
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "store handler failed for " + sopInstance, e);
            return new DimseStatus(DimseStatus.PROCESSING_FAILURE, String.valueOf(e.getMessage()));
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
