package com.imagingmanifest.net.ul;

import static com.imagingmanifest.net.ul.ProtocolEvent.carried;

import com.imagingmanifest.dicom.data.Uid;
import com.imagingmanifest.net.pdu.AAssociateAc;
import com.imagingmanifest.net.pdu.AAssociateRj;
import com.imagingmanifest.net.pdu.PresentationContextAc;
import com.imagingmanifest.net.pdu.UserInformation;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The Association Establishment actions AE-1 to AE-8 of PS3.8 Table 9-6. */
final class EstablishmentActions {
    private final Association a;

    EstablishmentActions(Association association) {
        this.a = association;
    }

    /** Performs {@code action} for {@code event}; returns the state it leads to. */
    State perform(Action action, ProtocolEvent event) throws IOException {
        switch (action) {
            case AE_1 -> a.transport.connect(carried(event, ProtocolEvent.AssociateRequest.class, action).request());
            case AE_2 -> {
                a.request = carried(event, ProtocolEvent.TransportConnected.class, action).rq();
                a.transport.send(a.request);
            }
            case AE_3 -> confirmAccept(carried(event, ProtocolEvent.AssociateAcReceived.class, action).pdu());
            case AE_4 -> {
                a.transport.close();
                a.state = action.next();
                throw new AssociationRejectedException(
                        carried(event, ProtocolEvent.AssociateRjReceived.class, action).pdu());
            }
            case AE_5 -> {
                a.transport.accepted(carried(event, ProtocolEvent.TransportIndication.class, action).socket());
                a.transport.startArtim();
            }
            case AE_6 -> {
                a.request = carried(event, ProtocolEvent.AssociateRqReceived.class, action).pdu();
                // PS3.8 9.3.2: bit 0 of the protocol version must be set
                if ((a.request.protocolVersion() & 1) == 0) {
                    a.transport.send(new AAssociateRj(AAssociateRj.REJECTED_PERMANENT,
                            AAssociateRj.SOURCE_SERVICE_PROVIDER_ACSE,
                            AAssociateRj.REASON_PROTOCOL_VERSION_NOT_SUPPORTED));
                    a.transport.startArtim();
                    return State.STA13;
                }
            }
            case AE_7 -> sendAccept(carried(event, ProtocolEvent.AssociateAccept.class, action).accept());
            case AE_8 -> {
                a.transport.send(carried(event, ProtocolEvent.AssociateReject.class, action).rejection());
                a.transport.startArtim();
            }
            default -> throw new IllegalArgumentException(action.label() + " is no establishment action");
        }
        return action.next();
    }

    /** AE-3 on the requestor side: the accepted contexts, by the IDs we proposed. */
    private void confirmAccept(AAssociateAc ac) {
        a.acceptance = ac;
        a.peerMaxPduLength = ac.userInformation().maximumLength();
        Map<Integer, String> proposed = proposedAbstractSyntaxes();
        for (PresentationContextAc pc : ac.presentationContexts()) {
            String abstractSyntax = proposed.get(pc.id());
            if (pc.accepted() && abstractSyntax != null) {
                a.contexts.put(pc.id(), new PresentationContext(pc.id(), abstractSyntax, pc.transferSyntax()));
            }
        }
    }

    /** AE-7 on the acceptor side: answer with the user's decision and keep what was accepted. */
    private void sendAccept(AcceptorDecision.Accept accept) throws IOException {
        a.acceptance = new AAssociateAc(1, a.request.calledAeTitle(), a.request.callingAeTitle(),
                Uid.DicomApplicationContextName, accept.presentationContexts(),
                new UserInformation(a.ourMaxPduLength, Uid.ImplementationClassUID, Uid.ImplementationVersionName,
                        accept.roleSelections(), List.of()));
        a.peerMaxPduLength = a.request.userInformation().maximumLength();
        Map<Integer, String> proposed = proposedAbstractSyntaxes();
        for (PresentationContextAc pc : accept.presentationContexts()) {
            if (pc.accepted()) {
                a.contexts.put(pc.id(), new PresentationContext(pc.id(), proposed.get(pc.id()), pc.transferSyntax()));
            }
        }
        a.transport.send(a.acceptance);
    }

    private Map<Integer, String> proposedAbstractSyntaxes() {
        Map<Integer, String> abstractSyntaxes = new HashMap<>();
        a.request.presentationContexts().forEach(pc -> abstractSyntaxes.put(pc.id(), pc.abstractSyntax()));
        return abstractSyntaxes;
    }
}
