package com.imagingmanifest.net.dimse;

import com.imagingmanifest.dicom.data.DataSet;
import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.net.pdu.PresentationContextRq;
import com.imagingmanifest.net.pdu.RoleSelection;
import com.imagingmanifest.net.ul.Association;
import com.imagingmanifest.net.ul.AssociationAbortedException;
import com.imagingmanifest.net.ul.AssociationRejectedException;
import com.imagingmanifest.net.ul.AssociationTimeoutException;
import com.imagingmanifest.net.ul.TransportClosedException;
import com.imagingmanifest.net.ul.TransportConnectException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;

/**
 * A DIMSE service user (SCU) for one remote application entity. It keeps a small pool of
 * associations and reuses them (a new association per request costs an order of magnitude more),
 * reconnecting when the peer released or aborted one. Thread-safe; every call either returns or
 * throws {@link DimseException} within its timeouts.
 */
public final class DimseClient implements AutoCloseable {
    static final List<String> LE = List.of(Uid.ExplicitVRLittleEndian, Uid.ImplicitVRLittleEndian);

    /** Settings of a client; build with {@link #builder(String, int, String)}. */
    public record Config(String host, int port, String calledAeTitle, String callingAeTitle,
            Duration connectTimeout, Duration associationTimeout, Duration dimseTimeout, Duration artimTimeout,
            long maxPduLength, SSLContext tlsContext, int poolSize, Duration idleTimeout,
            List<String> storageSopClasses) {
        public Config {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(calledAeTitle, "calledAeTitle");
            Objects.requireNonNull(callingAeTitle, "callingAeTitle");
            storageSopClasses = List.copyOf(storageSopClasses);
            if (poolSize < 1) {
                throw new IllegalArgumentException("pool size must be at least 1");
            }
            if (storageSopClasses.size() > 60) {
                throw new IllegalArgumentException("at most 60 storage SOP classes (128 presentation contexts)");
            }
        }

        public static Builder builder(String host, int port, String calledAeTitle) {
            return new Builder(host, port, calledAeTitle);
        }

        /** A builder for {@code AE@HOST:PORT}. */
        public static Builder parse(String address) {
            int at = address.indexOf('@');
            int colon = address.lastIndexOf(':');
            if (at < 1 || colon < at + 2 || colon == address.length() - 1 || at > 16) {
                throw new IllegalArgumentException("expected AE@HOST:PORT, got " + address);
            }
            int port;
            try {
                port = Integer.parseInt(address.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad port in " + address);
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("bad port in " + address);
            }
            return builder(address.substring(at + 1, colon), port, address.substring(0, at));
        }
    }

    public static Builder builder(String host, int port, String calledAeTitle) {
        return new Builder(host, port, calledAeTitle);
    }

    public static final class Builder {
        private final String host;
        private final int port;
        private final String calledAeTitle;
        private String callingAeTitle = "IMGW";
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration associationTimeout = Duration.ofSeconds(10);
        private Duration dimseTimeout = Duration.ofSeconds(30);
        private Duration artimTimeout = Duration.ofSeconds(5);
        private long maxPduLength = 65536;
        private SSLContext tlsContext;
        // small on purpose: each idle pooled association holds one of the peer's worker threads (Orthanc has 4)
        private int poolSize = 2;
        private Duration idleTimeout = Duration.ofSeconds(10);
        private List<String> storageSopClasses = SopClasses.DEFAULT_STORAGE;

        private Builder(String host, int port, String calledAeTitle) {
            this.host = host;
            this.port = port;
            this.calledAeTitle = calledAeTitle;
        }

        public Builder callingAeTitle(String v) {
            callingAeTitle = v;
            return this;
        }

        public Builder connectTimeout(Duration v) {
            connectTimeout = v;
            return this;
        }

        public Builder associationTimeout(Duration v) {
            associationTimeout = v;
            return this;
        }

        /** How long to wait for each DIMSE response (each pending C-FIND response restarts it). */
        public Builder dimseTimeout(Duration v) {
            dimseTimeout = v;
            return this;
        }

        public Builder artimTimeout(Duration v) {
            artimTimeout = v;
            return this;
        }

        /** Our Maximum Length Received (PS3.8 D.1); 0 means unlimited. */
        public Builder maxPduLength(long v) {
            maxPduLength = v;
            return this;
        }

        public Builder tlsContext(SSLContext v) {
            tlsContext = v;
            return this;
        }

        public Builder poolSize(int v) {
            poolSize = v;
            return this;
        }

        public Builder idleTimeout(Duration v) {
            idleTimeout = v;
            return this;
        }

        /** Storage SOP classes proposed for C-STORE and accepted for C-GET sub-operations. */
        public Builder storageSopClasses(List<String> v) {
            storageSopClasses = v;
            return this;
        }

        public Config config() {
            return new Config(host, port, calledAeTitle, callingAeTitle, connectTimeout, associationTimeout,
                    dimseTimeout, artimTimeout, maxPduLength, tlsContext, poolSize, idleTimeout, storageSopClasses);
        }

        public DimseClient build() {
            return new DimseClient(config());
        }
    }

    /** Receives the instances of a C-GET (its storage sub-operations). */
    @FunctionalInterface
    public interface InstanceHandler {
        /** An exception answers the sub-operation with a failure and is counted by the peer as failed. */
        void onInstance(String sopClassUid, String sopInstanceUid, byte[] dataSet, String transferSyntaxUid)
                throws Exception;
    }

    /** The final C-GET status and sub-operation counts. */
    public record GetResult(DimseStatus status, int completed, int failed, int warning) {
    }

    /**
     * The final C-MOVE response (PS3.4 C.4.2.1.4): its status, the sub-operation counts, and the
     * Failed SOP Instance UID List (0008,0058) of its identifier when the peer sent one.
     */
    public record MoveResult(DimseStatus status, int completed, int failed, int warning,
            List<String> failedSopInstanceUids) {
        public MoveResult {
            failedSopInstanceUids = List.copyOf(failedSopInstanceUids);
        }
    }

    @FunctionalInterface
    private interface Operation<T> {
        T run(DimseChannel channel) throws IOException;
    }

    private final Config config;
    private final DimseExchanges exchanges;
    private final AssociationPool general;
    private final AssociationPool retrieve;

    /**
     * The pooled associations now, both pools together: lent out, open and idle, and callers waiting
     * for one (writes queue here when the pool is smaller than the concurrent writers).
     */
    public record PoolState(int inUse, int idle, int waiting) {
    }

    public PoolState poolState() {
        return new PoolState(general.inUseCount() + retrieve.inUseCount(), general.idleCount() + retrieve.idleCount(),
                general.waitingCount() + retrieve.waitingCount());
    }

    public DimseClient(Config config) {
        this.config = config;
        this.exchanges = new DimseExchanges(config);
        long idle = config.idleTimeout().toMillis();
        this.general = new AssociationPool(() -> open(generalContexts(), List.of()), config.poolSize(), idle);
        this.retrieve = new AssociationPool(() -> open(retrieveContexts(), retrieveRoles()), config.poolSize(), idle);
    }

    public Config config() {
        return config;
    }

    // ---- services

    /** C-ECHO (PS3.7 9.1.5); throws unless the peer answers success. */
    public void echo() {
        run(general, "C-ECHO", ch -> {
            exchanges.echo(ch);
            return null;
        });
    }

    /**
     * C-STORE (PS3.7 9.1.1) of a data set (no file meta) encoded in {@code transferSyntaxUid}.
     * Returns a success or warning status; a failure status is thrown as {@link DimseException}.
     */
    public DimseStatus store(String sopClassUid, String sopInstanceUid, byte[] dataSet, String transferSyntaxUid) {
        Operation<DimseStatus> op = ch -> exchanges.store(ch, sopClassUid, sopInstanceUid, dataSet, transferSyntaxUid);
        if (config.storageSopClasses().contains(sopClassUid) && LE.contains(transferSyntaxUid)) {
            return run(general, "C-STORE", op);
        }
        // a SOP class or transfer syntax the pooled associations do not propose: an association of its own
        List<PresentationContextRq> contexts = List.of(
                new PresentationContextRq(1, sopClassUid, List.of(transferSyntaxUid)),
                new PresentationContextRq(3, sopClassUid, List.of(Uid.ExplicitVRLittleEndian)),
                new PresentationContextRq(5, sopClassUid, List.of(Uid.ImplicitVRLittleEndian)));
        return runOnce("C-STORE", () -> open(contexts, List.of()), op);
    }

    /**
     * C-FIND (PS3.7 9.1.2) in the Study Root model at {@code level}: each match is passed to
     * {@code onMatch} as it arrives; returning false cancels the query (C-CANCEL). Returns the final
     * status (success, or cancel after a cancellation).
     */
    public DimseStatus find(QueryRetrieveLevel level, DataSet keys, Predicate<DataSet> onMatch) {
        return run(general, "C-FIND", ch -> exchanges.find(ch, level, keys, onMatch));
    }

    /** C-FIND collecting every match. */
    public List<DataSet> find(QueryRetrieveLevel level, DataSet keys) {
        List<DataSet> matches = new ArrayList<>();
        find(level, keys, m -> matches.add(m) || true);
        return matches;
    }

    /**
     * C-GET (PS3.7 9.1.3) in the Study Root model: the peer sends the matching instances as C-STORE
     * sub-operations on the same association, for which this client takes the SCP role.
     */
    public GetResult get(QueryRetrieveLevel level, DataSet keys, InstanceHandler onInstance) {
        return run(retrieve, "C-GET", ch -> exchanges.get(ch, level, keys, onInstance));
    }

    /**
     * C-MOVE (PS3.7 9.1.4) in the Study Root model: the peer sends the matching instances as C-STORE
     * sub-operations on associations of its own to the application entity {@code moveDestination},
     * which it must know (its address comes from the peer's configuration, never from us). Returns
     * the final response once the peer has finished; each pending response restarts the DIMSE
     * timeout. Failed sub-operations are not an exception, even under a failure status such as A702
     * (the counts and failed UIDs say which); a failure before any sub-operation is (e.g. A801 Move
     * Destination unknown).
     */
    public MoveResult move(QueryRetrieveLevel level, DataSet keys, String moveDestination) {
        Objects.requireNonNull(moveDestination, "moveDestination");
        return run(retrieve, "C-MOVE", ch -> exchanges.move(ch, level, keys, moveDestination));
    }

    @Override
    public void close() {
        general.close();
        retrieve.close();
    }

    // ---- associations

    private <T> T run(AssociationPool pool, String what, Operation<T> op) {
        for (int attempt = 0; ; attempt++) {
            AssociationPool.Lease lease;
            try {
                lease = pool.borrow(config.associationTimeout().toMillis());
            } catch (IOException e) {
                throw translate(what, e);
            }
            try {
                T result = op.run(lease.channel());
                pool.giveBack(lease);
                return result;
            } catch (DimseException e) {
                // a failure status or missing context leaves the association clean for the next caller
                if (e.kind() == DimseException.Kind.FAILURE_STATUS
                        || e.kind() == DimseException.Kind.NO_PRESENTATION_CONTEXT) {
                    pool.giveBack(lease);
                } else {
                    pool.discard(lease);
                }
                throw e;
            } catch (AssociationAbortedException e) {
                pool.discard(lease);
                // the peer closed an idle pooled association just before we used it: try once on a new one
                if (lease.reused() && attempt == 0 && lease.channel().received() == 0) {
                    continue;
                }
                throw translate(what, e);
            } catch (IOException e) {
                pool.discard(lease);
                throw translate(what, e);
            } catch (RuntimeException e) {
                pool.discard(lease);
                throw e;
            }
        }
    }

    private <T> T runOnce(String what, AssociationPool.Opener opener, Operation<T> op) {
        Association a;
        try {
            a = opener.open();
        } catch (IOException e) {
            throw translate(what, e);
        }
        try {
            T result = op.run(new DimseChannel(a));
            a.close();
            return result;
        } catch (IOException e) {
            a.abort();
            throw translate(what, e);
        } catch (RuntimeException e) {
            a.close();
            throw e;
        }
    }

    private DimseException translate(String what, IOException e) {
        String message = what + " with " + config.calledAeTitle() + "@" + config.host() + ":" + config.port()
                + ": " + e.getMessage();
        if (e instanceof AssociationRejectedException r) {
            return DimseException.rejected(r.rejection(), message, e);
        }
        // a connection that broke or closed under us (the peer crashed or restarted) is as transient as
        // one that cannot be opened; an A-ABORT or a protocol error is not
        DimseException.Kind kind = e instanceof TransportConnectException || e instanceof TransportClosedException
                || e instanceof java.net.SocketException || e instanceof java.io.EOFException
                ? DimseException.Kind.UNREACHABLE
                : e instanceof AssociationTimeoutException ? DimseException.Kind.TIMEOUT
                : DimseException.Kind.ABORTED;
        return new DimseException(kind, message, e);
    }

    private Association open(List<PresentationContextRq> contexts, List<RoleSelection> roles) throws IOException {
        return Association.request(new Association.Request(config.host(), config.port(), config.calledAeTitle(),
                config.callingAeTitle(), contexts, roles, config.maxPduLength(), config.connectTimeout(),
                config.associationTimeout(), config.artimTimeout(), config.tlsContext()));
    }

    private List<PresentationContextRq> generalContexts() {
        List<PresentationContextRq> pcs = new ArrayList<>();
        // PS3.4 A.4: Verification in Implicit VR Little Endian at least
        pcs.add(new PresentationContextRq(1, Uid.Verification, List.of(Uid.ImplicitVRLittleEndian,
                Uid.ExplicitVRLittleEndian)));
        pcs.add(new PresentationContextRq(3, Uid.StudyRootQueryRetrieveInformationModelFind, LE));
        addStorageContexts(pcs);
        return pcs;
    }

    private List<PresentationContextRq> retrieveContexts() {
        List<PresentationContextRq> pcs = new ArrayList<>();
        pcs.add(new PresentationContextRq(1, Uid.StudyRootQueryRetrieveInformationModelGet, LE));
        pcs.add(new PresentationContextRq(3, Uid.StudyRootQueryRetrieveInformationModelMove, LE));
        addStorageContexts(pcs);
        return pcs;
    }

    /** One context per storage class and transfer syntax, so the peer's choice never forces a conversion. */
    private void addStorageContexts(List<PresentationContextRq> pcs) {
        for (String sopClass : config.storageSopClasses()) {
            for (String ts : LE) {
                pcs.add(new PresentationContextRq(2 * pcs.size() + 1, sopClass, List.of(ts)));
            }
        }
    }

    /** PS3.4 C.4.3.1: the C-GET SCU takes the SCP role for the storage sub-operations. */
    private List<RoleSelection> retrieveRoles() {
        return config.storageSopClasses().stream().map(c -> new RoleSelection(c, false, true)).toList();
    }
}
