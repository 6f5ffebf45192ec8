package com.imagingmanifest.net.pdu;

import java.util.List;

/** Presentation Context item of an A-ASSOCIATE-RQ (PS3.8 9.3.2.2): one abstract syntax, n transfer syntaxes. */
public record PresentationContextRq(int id, String abstractSyntax, List<String> transferSyntaxes) {
    public PresentationContextRq {
        transferSyntaxes = List.copyOf(transferSyntaxes);
    }
}
