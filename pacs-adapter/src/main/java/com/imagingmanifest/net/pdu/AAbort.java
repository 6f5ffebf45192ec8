package com.imagingmanifest.net.pdu;

/** A-ABORT PDU (PS3.8 9.3.8): source 0 service-user, 2 service-provider; reason only for source 2. */
public record AAbort(int source, int reason) implements Pdu {
    public static final int SOURCE_SERVICE_USER = 0;
    public static final int SOURCE_SERVICE_PROVIDER = 2;
    public static final int REASON_NOT_SPECIFIED = 0;
    public static final int REASON_UNRECOGNIZED_PDU = 1;
    public static final int REASON_UNEXPECTED_PDU = 2;
    public static final int REASON_UNRECOGNIZED_PDU_PARAMETER = 4;
    public static final int REASON_UNEXPECTED_PDU_PARAMETER = 5;
    public static final int REASON_INVALID_PDU_PARAMETER_VALUE = 6;

    @Override
    public int type() {
        return A_ABORT;
    }

    public String describe() {
        if (source == SOURCE_SERVICE_USER) {
            return "service-user abort";
        }
        String why = switch (reason) {
            case 0 -> "reason-not-specified";
            case 1 -> "unrecognized-PDU";
            case 2 -> "unexpected-PDU";
            case 4 -> "unrecognized-PDU-parameter";
            case 5 -> "unexpected-PDU-parameter";
            case 6 -> "invalid-PDU-parameter-value";
            default -> "reason " + reason;
        };
        return (source == SOURCE_SERVICE_PROVIDER ? "service-provider abort, " : "source " + source + " abort, ")
                + why;
    }
}
