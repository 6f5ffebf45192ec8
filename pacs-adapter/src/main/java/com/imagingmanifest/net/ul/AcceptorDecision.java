package com.imagingmanifest.net.ul;

import com.imagingmanifest.net.pdu.AAssociateRj;
import com.imagingmanifest.net.pdu.PresentationContextAc;
import com.imagingmanifest.net.pdu.RoleSelection;
import java.util.List;

/** The association acceptor's answer to an A-ASSOCIATE-RQ: accept with these contexts, or reject. */
public sealed interface AcceptorDecision {

    record Accept(List<PresentationContextAc> presentationContexts, List<RoleSelection> roleSelections)
            implements AcceptorDecision {
        public Accept {
            presentationContexts = List.copyOf(presentationContexts);
            roleSelections = List.copyOf(roleSelections);
        }
    }

    record Reject(AAssociateRj rejection) implements AcceptorDecision {
    }
}
