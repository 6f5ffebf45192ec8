package com.imagingmanifest.net.dimse;

import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.net.pdu.AAssociateRj;
import com.imagingmanifest.net.pdu.AAssociateRq;
import com.imagingmanifest.net.ul.AcceptorDecision;
import com.imagingmanifest.net.ul.PresentationNegotiation;
import java.lang.System.Logger.Level;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import javax.security.auth.x500.X500Principal;

/**
 * Which association requests {@link DimseServer} accepts (PS3.8 7.1.1, the acceptor's decision): a
 * known called AE title, a calling AE title and certificate the entity allows, a free slot overall and
 * for the calling AE title, then the presentation contexts it can serve.
 */
final class AssociationAdmission {
    // logged under the server's name: an operator configures one logger for the SCP
    private static final System.Logger LOG = System.getLogger(DimseServer.class.getName());

    private final Map<String, DimseServer.ApplicationEntity> entities;
    private final Semaphore established;
    private final int maxPerCallingAe;
    private final Map<String, AtomicInteger> perCallingAe = new ConcurrentHashMap<>();
    private final List<String> transferSyntaxes;
    private final List<String> storageSopClasses;

    AssociationAdmission(Map<String, DimseServer.ApplicationEntity> entities, int maxAssociations, int maxPerCallingAe,
            List<String> transferSyntaxes, List<String> storageSopClasses) {
        this.entities = entities;
        this.established = new Semaphore(maxAssociations);
        this.maxPerCallingAe = maxPerCallingAe;
        this.transferSyntaxes = transferSyntaxes;
        this.storageSopClasses = storageSopClasses;
    }

    /** The limits an association holds while established: released when it ends. */
    final class Slots {
        boolean overall;
        String callingAe;

        void release() {
            if (overall) {
                established.release();
                overall = false;
            }
            if (callingAe != null) {
                perCallingAe.computeIfPresent(callingAe, (k, n) -> n.decrementAndGet() <= 0 ? null : n);
                callingAe = null;
            }
        }
    }

    /**
     * The acceptor's policy: known called AE, allowed peer, a free slot overall and for the calling
     * AE, then presentation negotiation.
     */
    AcceptorDecision decide(AAssociateRq rq, X500Principal subject, Socket socket, Slots slots) {
        if (!Uid.DicomApplicationContextName.equals(rq.applicationContextName())) {
            return reject(AAssociateRj.REASON_APPLICATION_CONTEXT_NAME_NOT_SUPPORTED);
        }
        DimseServer.ApplicationEntity ae = entities.get(rq.calledAeTitle());
        if (ae == null) {
            return reject(AAssociateRj.REASON_CALLED_AE_TITLE_NOT_RECOGNIZED);
        }
        DimseServer.Peer peer = new DimseServer.Peer(rq.callingAeTitle(), rq.calledAeTitle(), subject,
                String.valueOf(socket.getRemoteSocketAddress()));
        if (!ae.allows(peer)) {
            LOG.log(Level.INFO, () -> "association from " + peer.callingAeTitle() + " at " + peer.address() + " to "
                    + peer.calledAeTitle() + " rejected: calling AE title or certificate not allowed");
            return reject(AAssociateRj.REASON_CALLING_AE_TITLE_NOT_RECOGNIZED);
        }
        if (!established.tryAcquire()) {
            return limitExceeded(peer, "associations");
        }
        slots.overall = true;
        if (maxPerCallingAe > 0) {
            AtomicInteger n = perCallingAe.computeIfAbsent(rq.callingAeTitle(), k -> new AtomicInteger());
            slots.callingAe = rq.callingAeTitle();
            if (n.incrementAndGet() > maxPerCallingAe) {
                slots.release();
                return limitExceeded(peer, "associations of calling AE " + peer.callingAeTitle());
            }
        }
        return new AcceptorDecision.Accept(PresentationNegotiation.negotiate(rq.presentationContexts(),
                abstractSyntax -> acceptedTransferSyntaxes(ae, abstractSyntax)), List.of());
    }

    private List<String> acceptedTransferSyntaxes(DimseServer.ApplicationEntity ae, String abstractSyntax) {
        if (Uid.Verification.equals(abstractSyntax)) {
            return List.of(Uid.ImplicitVRLittleEndian, Uid.ExplicitVRLittleEndian);
        }
        boolean storage = storageSopClasses != null ? storageSopClasses.contains(abstractSyntax)
                : abstractSyntax.startsWith(SopClasses.STORAGE_ROOT);
        return storage && ae.storeHandler() != null ? transferSyntaxes : new ArrayList<>();
    }

    private static AcceptorDecision limitExceeded(DimseServer.Peer peer, String what) {
        LOG.log(Level.INFO, () -> "association from " + peer.callingAeTitle() + " at " + peer.address()
                + " rejected: too many " + what);
        return localLimitExceeded();
    }

    /** PS3.8 Table 9-21: rejected-transient, service-provider (presentation), local-limit-exceeded. */
    static AcceptorDecision localLimitExceeded() {
        return new AcceptorDecision.Reject(new AAssociateRj(AAssociateRj.REJECTED_TRANSIENT,
                AAssociateRj.SOURCE_SERVICE_PROVIDER_PRESENTATION, AAssociateRj.REASON_LOCAL_LIMIT_EXCEEDED));
    }

    private static AcceptorDecision reject(int reason) {
        return new AcceptorDecision.Reject(new AAssociateRj(AAssociateRj.REJECTED_PERMANENT,
                AAssociateRj.SOURCE_SERVICE_USER, reason));
    }
}
