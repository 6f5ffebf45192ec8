package com.imagingmanifest.net.pdu;

/** A-ASSOCIATE-RJ PDU (PS3.8 9.3.4): result, source and reason/diag. */
public record AAssociateRj(int result, int source, int reason) implements Pdu {
    /** Result: 1 rejected-permanent, 2 rejected-transient. */
    public static final int REJECTED_PERMANENT = 1;
    public static final int REJECTED_TRANSIENT = 2;
    /** Source 1: DICOM UL service-user. */
    public static final int SOURCE_SERVICE_USER = 1;
    /** Source 2: DICOM UL service-provider (ACSE related function). */
    public static final int SOURCE_SERVICE_PROVIDER_ACSE = 2;
    /** Source 3: DICOM UL service-provider (presentation related function). */
    public static final int SOURCE_SERVICE_PROVIDER_PRESENTATION = 3;
    /** Service-user reasons. */
    public static final int REASON_NO_REASON_GIVEN = 1;
    public static final int REASON_APPLICATION_CONTEXT_NAME_NOT_SUPPORTED = 2;
    public static final int REASON_CALLING_AE_TITLE_NOT_RECOGNIZED = 3;
    public static final int REASON_CALLED_AE_TITLE_NOT_RECOGNIZED = 7;
    /** Service-provider (ACSE) reason 2: protocol version not supported. */
    public static final int REASON_PROTOCOL_VERSION_NOT_SUPPORTED = 2;
    /** Service-provider (presentation) reasons. */
    public static final int REASON_TEMPORARY_CONGESTION = 1;
    public static final int REASON_LOCAL_LIMIT_EXCEEDED = 2;

    @Override
    public int type() {
        return A_ASSOCIATE_RJ;
    }

    /** Words of PS3.8 Table 9-21 for messages. */
    public String describe() {
        String r = result == REJECTED_PERMANENT ? "rejected-permanent"
                : result == REJECTED_TRANSIENT ? "rejected-transient" : "result " + result;
        String s;
        String why;
        switch (source) {
            case SOURCE_SERVICE_USER -> {
                s = "service-user";
                why = switch (reason) {
                    case 1 -> "no-reason-given";
                    case 2 -> "application-context-name-not-supported";
                    case 3 -> "calling-AE-title-not-recognized";
                    case 7 -> "called-AE-title-not-recognized";
                    default -> "reason " + reason;
                };
            }
            case SOURCE_SERVICE_PROVIDER_ACSE -> {
                s = "service-provider (ACSE)";
                why = reason == 1 ? "no-reason-given"
                        : reason == 2 ? "protocol-version-not-supported" : "reason " + reason;
            }
            case SOURCE_SERVICE_PROVIDER_PRESENTATION -> {
                s = "service-provider (presentation)";
                why = reason == 1 ? "temporary-congestion"
                        : reason == 2 ? "local-limit-exceeded" : "reason " + reason;
            }
            default -> {
                s = "source " + source;
                why = "reason " + reason;
            }
        }
        return r + ", " + s + ", " + why;
    }
}
