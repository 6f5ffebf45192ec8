package com.imagingmanifest.net.pdu;

/**
 * One of the seven protocol data units of the DICOM upper layer (PS3.8 9.3). Each record holds the
 * decoded fields; {@link PduReader} and {@link PduWriter} convert to and from the wire.
 */
public sealed interface Pdu
        permits AAssociateRq, AAssociateAc, AAssociateRj, PDataTf, AReleaseRq, AReleaseRp, AAbort {

    /** PDU-type field (first byte on the wire). */
    int type();

    int A_ASSOCIATE_RQ = 0x01;
    int A_ASSOCIATE_AC = 0x02;
    int A_ASSOCIATE_RJ = 0x03;
    int P_DATA_TF = 0x04;
    int A_RELEASE_RQ = 0x05;
    int A_RELEASE_RP = 0x06;
    int A_ABORT = 0x07;
}
