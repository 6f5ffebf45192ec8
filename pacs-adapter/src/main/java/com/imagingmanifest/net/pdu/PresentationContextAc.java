package com.imagingmanifest.net.pdu;

/**
 * Presentation Context item of an A-ASSOCIATE-AC (PS3.8 9.3.3.2). For a rejected context the
 * transfer syntax is not significant (may be null).
 */
public record PresentationContextAc(int id, int result, String transferSyntax) {
    /** Result/Reason values of PS3.8 Table 9-18. */
    public static final int ACCEPTANCE = 0;
    public static final int USER_REJECTION = 1;
    public static final int NO_REASON = 2;
    public static final int ABSTRACT_SYNTAX_NOT_SUPPORTED = 3;
    public static final int TRANSFER_SYNTAXES_NOT_SUPPORTED = 4;

    public boolean accepted() {
        return result == ACCEPTANCE;
    }
}
