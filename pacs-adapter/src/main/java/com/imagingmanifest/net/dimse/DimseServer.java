package com.imagingmanifest.net.dimse;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Tag;
import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.net.pdu.AAssociateRj;
import com.imagingmanifest.net.pdu.AAssociateRq;
import com.imagingmanifest.net.ul.AcceptorDecision;
import com.imagingmanifest.net.ul.Association;
import com.imagingmanifest.net.ul.PresentationContext;
import com.imagingmanifest.net.ul.PresentationNegotiation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * A DIMSE service provider (SCP): answers C-ECHO for every application entity it serves and hands
 * C-STORE requests to the entity's {@link StoreHandler}. Each association runs in a thread of a
 * bounded pool; above the limit new associations are rejected (transient, local limit exceeded).
 */
public final class DimseServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DimseServer.class.getName());

    /** An application entity served: its handler (null: C-ECHO only) and allowed calling AE titles (empty: any). */
    public record ApplicationEntity(String aeTitle, StoreHandler storeHandler, Set<String> allowedCallingAeTitles) {
        public ApplicationEntity {
            allowedCallingAeTitles = Set.copyOf(allowedCallingAeTitles);
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

        public Builder applicationEntity(String aeTitle, StoreHandler handler, Set<String> allowedCallingAeTitles) {
            entities.put(aeTitle, new ApplicationEntity(aeTitle, handler, allowedCallingAeTitles));
            return this;
        }

        public Builder maxAssociations(int v) {
            maxAssociations = v;
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
    private final List<String> transferSyntaxes;
    private final List<String> storageSopClasses;
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
        this.transferSyntaxes = b.transferSyntaxes;
        this.storageSopClasses = b.storageSopClasses;
        this.settings = new Association.AcceptorSettings(b.maxPduLength, b.artimTimeout);
        try {
            serverSocket = b.tlsContext != null ? b.tlsContext.getServerSocketFactory().createServerSocket()
                    : new ServerSocket();
            serverSocket.setReuseAddress(true);
            serverSocket.bind(new InetSocketAddress(InetAddress.getByName(b.bindAddress), b.port), 64);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind " + b.bindAddress + ":" + b.port, e);
        }
        AtomicInteger n = new AtomicInteger();
        workers = new ThreadPoolExecutor(b.maxAssociations, b.maxAssociations, 60, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> daemon(r, "dimse-scp-" + n.incrementAndGet()));
        workers.allowCoreThreadTimeOut(true);
        // a few threads that only turn away associations above the limit, so the accept loop never blocks
        rejecters = new ThreadPoolExecutor(2, 2, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> daemon(r, "dimse-scp-reject"));
        rejecters.allowCoreThreadTimeOut(true);
        acceptor = daemon(this::acceptLoop, "dimse-scp-accept-" + port());
        acceptor.start();
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
                workers.execute(() -> serve(socket));
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
        try {
            // PS3.8 Table 9-21: rejected-transient, service-provider (presentation), local-limit-exceeded
            Association.accept(socket, settings, rq -> new AcceptorDecision.Reject(new AAssociateRj(
                    AAssociateRj.REJECTED_TRANSIENT, AAssociateRj.SOURCE_SERVICE_PROVIDER_PRESENTATION,
                    AAssociateRj.REASON_LOCAL_LIMIT_EXCEEDED)));
        } finally {
            open.remove(socket);
            closeQuietly(socket);
        }
    }

    private void serve(Socket socket) {
        Association a = null;
        try {
            a = Association.accept(socket, settings, this::decide);
            if (a == null) {
                return;
            }
            served.incrementAndGet();
            DimseChannel ch = new DimseChannel(a);
            ApplicationEntity ae = entities.get(a.calledAeTitle());
            while (true) {
                DimseMessage msg = ch.receive(idleMillis, maxDataSetLength);
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
            open.remove(socket);
            closeQuietly(socket);
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

    /** The acceptor's policy: known called AE, allowed calling AE, then presentation negotiation. */
    private AcceptorDecision decide(AAssociateRq rq) {
        if (!Uid.DicomApplicationContextName.equals(rq.applicationContextName())) {
            return reject(AAssociateRj.REASON_APPLICATION_CONTEXT_NAME_NOT_SUPPORTED);
        }
        ApplicationEntity ae = entities.get(rq.calledAeTitle());
        if (ae == null) {
            return reject(AAssociateRj.REASON_CALLED_AE_TITLE_NOT_RECOGNIZED);
        }
        if (!ae.allowedCallingAeTitles().isEmpty() && !ae.allowedCallingAeTitles().contains(rq.callingAeTitle())) {
            return reject(AAssociateRj.REASON_CALLING_AE_TITLE_NOT_RECOGNIZED);
        }
        return new AcceptorDecision.Accept(PresentationNegotiation.negotiate(rq.presentationContexts(),
                abstractSyntax -> acceptedTransferSyntaxes(ae, abstractSyntax)), List.of());
    }

    private List<String> acceptedTransferSyntaxes(ApplicationEntity ae, String abstractSyntax) {
        if (Uid.Verification.equals(abstractSyntax)) {
            return List.of(Uid.ImplicitVRLittleEndian, Uid.ExplicitVRLittleEndian);
        }
        boolean storage = storageSopClasses != null ? storageSopClasses.contains(abstractSyntax)
                : abstractSyntax.startsWith(SopClasses.STORAGE_ROOT);
        return storage && ae.storeHandler() != null ? transferSyntaxes : new ArrayList<>();
    }

    private static AcceptorDecision reject(int reason) {
        return new AcceptorDecision.Reject(new AAssociateRj(AAssociateRj.REJECTED_PERMANENT,
                AAssociateRj.SOURCE_SERVICE_USER, reason));
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
