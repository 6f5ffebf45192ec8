package com.imagingmanifest.net.ul;

/**
 * Actions of the DICOM upper layer protocol machine (PS3.8 Tables 9-6 to 9-9), each with the state
 * it leads to. AE-6 and AR-8 choose between two states; {@link #next()} gives the first of them.
 */
public enum Action {
    AE_1(State.STA4, "Issue TRANSPORT CONNECT request primitive to local transport service"),
    AE_2(State.STA5, "Send A-ASSOCIATE-RQ-PDU"),
    AE_3(State.STA6, "Issue A-ASSOCIATE confirmation (accept) primitive"),
    AE_4(State.STA1, "Issue A-ASSOCIATE confirmation (reject) primitive and close transport connection"),
    AE_5(State.STA2, "Issue Transport connection response primitive; start ARTIM timer"),
    AE_6(State.STA3, "Stop ARTIM timer and if A-ASSOCIATE-RQ acceptable by service-provider issue "
            + "A-ASSOCIATE indication primitive (Sta3), otherwise issue A-ASSOCIATE-RJ-PDU and start ARTIM (Sta13)"),
    AE_7(State.STA6, "Send A-ASSOCIATE-AC PDU"),
    AE_8(State.STA13, "Send A-ASSOCIATE-RJ PDU and start ARTIM timer"),
    DT_1(State.STA6, "Send P-DATA-TF PDU"),
    DT_2(State.STA6, "Send P-DATA indication primitive"),
    AR_1(State.STA7, "Send A-RELEASE-RQ PDU"),
    AR_2(State.STA8, "Issue A-RELEASE indication primitive"),
    AR_3(State.STA1, "Issue A-RELEASE confirmation primitive, and close transport connection"),
    AR_4(State.STA13, "Issue A-RELEASE-RP PDU and start ARTIM timer"),
    AR_5(State.STA1, "Stop ARTIM timer"),
    AR_6(State.STA7, "Issue P-DATA indication"),
    AR_7(State.STA8, "Issue P-DATA-TF PDU"),
    AR_8(State.STA9, "Issue A-RELEASE indication (release collision): requestor Sta9, acceptor Sta10"),
    AR_9(State.STA11, "Send A-RELEASE-RP PDU"),
    AR_10(State.STA12, "Issue A-RELEASE confirmation primitive"),
    AA_1(State.STA13, "Send A-ABORT PDU (service-user source) and start (or restart) ARTIM timer"),
    AA_2(State.STA1, "Stop ARTIM timer if running. Close transport connection"),
    AA_3(State.STA1, "Issue A-ABORT or A-P-ABORT indication and close transport connection"),
    AA_4(State.STA1, "Issue A-P-ABORT indication primitive"),
    AA_5(State.STA1, "Stop ARTIM timer"),
    AA_6(State.STA13, "Ignore PDU"),
    AA_7(State.STA13, "Send A-ABORT PDU"),
    AA_8(State.STA13, "Send A-ABORT PDU (service-provider source), issue an A-P-ABORT indication, and start ARTIM timer");

    /** The groups of PS3.8 Tables 9-6 to 9-9, by the label's prefix. */
    public enum Group {
        /** AE: association establishment (Table 9-6). */
        ASSOCIATION_ESTABLISHMENT,
        /** DT: data transfer (Table 9-7). */
        DATA_TRANSFER,
        /** AR: association release (Table 9-8). */
        ASSOCIATION_RELEASE,
        /** AA: association abort (Table 9-9). */
        ASSOCIATION_ABORT
    }

    private final State next;
    private final String description;

    Action(State next, String description) {
        this.next = next;
        this.description = description;
    }

    public State next() {
        return next;
    }

    public String description() {
        return description;
    }

    public Group group() {
        return switch (name().substring(0, 2)) {
            case "AE" -> Group.ASSOCIATION_ESTABLISHMENT;
            case "DT" -> Group.DATA_TRANSFER;
            case "AR" -> Group.ASSOCIATION_RELEASE;
            default -> Group.ASSOCIATION_ABORT;
        };
    }

    /** "AE-1" etc., the standard's label. */
    public String label() {
        return name().replace('_', '-');
    }
}
