package com.imagingmanifest.net.ul;

import com.imagingmanifest.net.pdu.PresentationContextAc;
import com.imagingmanifest.net.pdu.PresentationContextRq;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/** Presentation context negotiation by the association acceptor (PS3.8 7.1.1.13, 9.3.3.2), as a pure function. */
public final class PresentationNegotiation {
    private PresentationNegotiation() {
    }

    /**
     * Answers each proposed context. {@code acceptedTransferSyntaxes} gives, for an abstract syntax,
     * the transfer syntaxes the acceptor takes in its order of preference (empty: abstract syntax not
     * supported). The first transfer syntax in that order that was proposed wins.
     */
    public static List<PresentationContextAc> negotiate(List<PresentationContextRq> proposed,
            Function<String, List<String>> acceptedTransferSyntaxes) {
        List<PresentationContextAc> out = new ArrayList<>(proposed.size());
        Set<Integer> seen = new HashSet<>();
        for (PresentationContextRq pc : proposed) {
            // PS3.8 9.3.2.2: context IDs are odd integers 1-255 and unique within the association
            if ((pc.id() & 1) == 0 || !seen.add(pc.id())) {
                out.add(new PresentationContextAc(pc.id(), PresentationContextAc.NO_REASON, null));
                continue;
            }
            List<String> accepted = acceptedTransferSyntaxes.apply(pc.abstractSyntax());
            if (accepted == null || accepted.isEmpty()) {
                out.add(new PresentationContextAc(pc.id(), PresentationContextAc.ABSTRACT_SYNTAX_NOT_SUPPORTED, null));
                continue;
            }
            String chosen = accepted.stream().filter(pc.transferSyntaxes()::contains).findFirst().orElse(null);
            out.add(chosen == null
                    ? new PresentationContextAc(pc.id(), PresentationContextAc.TRANSFER_SYNTAXES_NOT_SUPPORTED, null)
                    : new PresentationContextAc(pc.id(), PresentationContextAc.ACCEPTANCE, chosen));
        }
        return out;
    }
}
