package com.imagingmanifest.net.pdu;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads PDUs (PS3.8 9.3). Every length is checked against what remains and against a cap before
 * anything is allocated, so a hostile peer cannot make the reader allocate more than the cap.
 */
public final class PduReader {
    /** Cap for PDUs other than P-DATA-TF: an A-ASSOCIATE-RQ with 128 contexts fits many times over. */
    public static final int MAX_CONTROL_PDU_LENGTH = 1 << 20;
    /** Cap for P-DATA-TF when our maximum length is 0 (unlimited, PS3.8 D.1). */
    public static final int MAX_UNLIMITED_PDATA_LENGTH = 64 << 20;

    private static final int FIXED_ASSOCIATE_FIELDS = 68;

    private PduReader() {
    }

    /**
     * Reads one PDU. Returns null when the stream ends cleanly before the first byte (the peer closed
     * the transport connection). {@code maxPDataLength} is our Maximum Length Received (0 = unlimited).
     *
     * @throws PduFormatException for an unknown type, a length over the cap or a malformed body
     * @throws EOFException when the stream ends inside a PDU
     */
    public static Pdu read(InputStream in, long maxPDataLength) throws IOException {
        int first = in.read();
        if (first < 0) {
            return null;
        }
        byte[] header = new byte[6];
        header[0] = (byte) first;
        readFully(in, header, 1, 5);
        int type = first & 0xFF;
        long length = ByteBuffer.wrap(header, 2, 4).getInt() & 0xFFFFFFFFL;
        if (type < Pdu.A_ASSOCIATE_RQ || type > Pdu.A_ABORT) {
            throw new PduFormatException(String.format("unrecognized PDU type 0x%02X", type),
                    AAbort.REASON_UNRECOGNIZED_PDU);
        }
        long cap = type != Pdu.P_DATA_TF ? MAX_CONTROL_PDU_LENGTH
                : maxPDataLength <= 0 ? MAX_UNLIMITED_PDATA_LENGTH
                : Math.min(maxPDataLength, MAX_UNLIMITED_PDATA_LENGTH);
        if (length > cap) {
            throw new PduFormatException("PDU type " + type + " length " + length + " exceeds limit " + cap,
                    AAbort.REASON_INVALID_PDU_PARAMETER_VALUE);
        }
        byte[] body = new byte[(int) length];
        readFully(in, body, 0, body.length);
        return decode(type, body);
    }

    /** Decodes a PDU from its type and variable part (everything after the 6-byte header). */
    public static Pdu decode(int type, byte[] body) throws PduFormatException {
        ByteBuffer b = ByteBuffer.wrap(body);
        try {
            return switch (type) {
                case Pdu.A_ASSOCIATE_RQ -> decodeAssociate(b, true);
                case Pdu.A_ASSOCIATE_AC -> decodeAssociate(b, false);
                case Pdu.A_ASSOCIATE_RJ -> {
                    fixedLength(body, 4, "A-ASSOCIATE-RJ");
                    yield new AAssociateRj(body[1] & 0xFF, body[2] & 0xFF, body[3] & 0xFF);
                }
                case Pdu.P_DATA_TF -> decodePData(b);
                case Pdu.A_RELEASE_RQ -> {
                    fixedLength(body, 4, "A-RELEASE-RQ");
                    yield new AReleaseRq();
                }
                case Pdu.A_RELEASE_RP -> {
                    fixedLength(body, 4, "A-RELEASE-RP");
                    yield new AReleaseRp();
                }
                case Pdu.A_ABORT -> {
                    fixedLength(body, 4, "A-ABORT");
                    yield new AAbort(body[2] & 0xFF, body[3] & 0xFF);
                }
                default -> throw new PduFormatException(String.format("unrecognized PDU type 0x%02X", type),
                        AAbort.REASON_UNRECOGNIZED_PDU);
            };
        } catch (java.nio.BufferUnderflowException e) {
            throw invalid("PDU type " + type + " ends inside a field");
        }
    }

    private static void fixedLength(byte[] body, int expected, String name) throws PduFormatException {
        if (body.length != expected) {
            throw invalid(name + " length " + body.length + ", expected " + expected);
        }
    }

    private static PDataTf decodePData(ByteBuffer b) throws PduFormatException {
        List<PresentationDataValue> values = new ArrayList<>();
        while (b.hasRemaining()) {
            long itemLength = b.getInt() & 0xFFFFFFFFL;
            // PS3.8 9.3.5.1: the item length covers the context ID and control header (2 bytes)
            if (itemLength < 2 || itemLength > b.remaining()) {
                throw invalid("PDV item length " + itemLength + " with " + b.remaining() + " bytes left");
            }
            int pcid = b.get() & 0xFF;
            int control = b.get() & 0xFF;
            if ((control & 0xFC) != 0) {
                throw invalid(String.format("PDV message control header 0x%02X", control));
            }
            byte[] data = new byte[(int) itemLength - 2];
            b.get(data);
            values.add(new PresentationDataValue(pcid, (control & 1) != 0, (control & 2) != 0, data));
        }
        if (values.isEmpty()) {
            throw invalid("P-DATA-TF without presentation data value");
        }
        return new PDataTf(values);
    }

    private static Pdu decodeAssociate(ByteBuffer b, boolean request) throws PduFormatException {
        if (b.remaining() < FIXED_ASSOCIATE_FIELDS) {
            throw invalid("A-ASSOCIATE PDU shorter than its fixed fields");
        }
        int protocolVersion = b.getShort() & 0xFFFF;
        b.getShort();
        String called = aeTitle(b);
        String calling = aeTitle(b);
        b.position(b.position() + 32);
        String applicationContext = null;
        List<PresentationContextRq> rqContexts = new ArrayList<>();
        List<PresentationContextAc> acContexts = new ArrayList<>();
        UserInformation userInformation = null;
        while (b.hasRemaining()) {
            int itemType = b.get() & 0xFF;
            b.get();
            ByteBuffer item = slice(b, b.getShort() & 0xFFFF, "item");
            switch (itemType) {
                case 0x10 -> applicationContext = string(item, item.remaining());
                case 0x20 -> {
                    if (!request) {
                        throw invalid("presentation context item 0x20 in A-ASSOCIATE-AC");
                    }
                    rqContexts.add(presentationContextRq(item));
                }
                case 0x21 -> {
                    if (request) {
                        throw invalid("presentation context item 0x21 in A-ASSOCIATE-RQ");
                    }
                    acContexts.add(presentationContextAc(item));
                }
                case 0x50 -> userInformation = userInformation(item);
                default -> throw new PduFormatException(String.format("unrecognized item type 0x%02X", itemType),
                        AAbort.REASON_UNRECOGNIZED_PDU_PARAMETER);
            }
        }
        if (applicationContext == null) {
            throw invalid("A-ASSOCIATE PDU without application context item");
        }
        if (userInformation == null) {
            throw invalid("A-ASSOCIATE PDU without user information item");
        }
        return request
                ? new AAssociateRq(protocolVersion, called, calling, applicationContext, rqContexts, userInformation)
                : new AAssociateAc(protocolVersion, called, calling, applicationContext, acContexts, userInformation);
    }

    private static PresentationContextRq presentationContextRq(ByteBuffer item) throws PduFormatException {
        if (item.remaining() < 4) {
            throw invalid("presentation context item too short");
        }
        int id = item.get() & 0xFF;
        item.position(item.position() + 3);
        String abstractSyntax = null;
        List<String> transferSyntaxes = new ArrayList<>();
        while (item.hasRemaining()) {
            int subType = item.get() & 0xFF;
            item.get();
            ByteBuffer sub = slice(item, item.getShort() & 0xFFFF, "sub-item");
            if (subType == 0x30) {
                if (abstractSyntax != null) {
                    throw invalid("presentation context " + id + " has two abstract syntaxes");
                }
                abstractSyntax = string(sub, sub.remaining());
            } else if (subType == 0x40) {
                transferSyntaxes.add(string(sub, sub.remaining()));
            } else {
                throw invalid(String.format("sub-item 0x%02X in presentation context", subType));
            }
        }
        if (abstractSyntax == null || transferSyntaxes.isEmpty()) {
            throw invalid("presentation context " + id + " lacks abstract or transfer syntax");
        }
        return new PresentationContextRq(id, abstractSyntax, transferSyntaxes);
    }

    private static PresentationContextAc presentationContextAc(ByteBuffer item) throws PduFormatException {
        if (item.remaining() < 4) {
            throw invalid("presentation context item too short");
        }
        int id = item.get() & 0xFF;
        item.get();
        int result = item.get() & 0xFF;
        item.get();
        String transferSyntax = null;
        while (item.hasRemaining()) {
            int subType = item.get() & 0xFF;
            item.get();
            ByteBuffer sub = slice(item, item.getShort() & 0xFFFF, "sub-item");
            if (subType != 0x40 || transferSyntax != null) {
                throw invalid(String.format("unexpected sub-item 0x%02X in accepted presentation context", subType));
            }
            transferSyntax = string(sub, sub.remaining());
        }
        if (result > PresentationContextAc.TRANSFER_SYNTAXES_NOT_SUPPORTED) {
            throw invalid("presentation context result " + result);
        }
        if (result == PresentationContextAc.ACCEPTANCE && (transferSyntax == null || transferSyntax.isEmpty())) {
            throw invalid("accepted presentation context " + id + " without transfer syntax");
        }
        return new PresentationContextAc(id, result, transferSyntax);
    }

    private static UserInformation userInformation(ByteBuffer item) throws PduFormatException {
        long maximumLength = -1;
        String implementationClassUid = null;
        String implementationVersionName = null;
        List<RoleSelection> roles = new ArrayList<>();
        List<UserInformation.SubItem> others = new ArrayList<>();
        while (item.hasRemaining()) {
            int subType = item.get() & 0xFF;
            item.get();
            ByteBuffer sub = slice(item, item.getShort() & 0xFFFF, "user information sub-item");
            switch (subType) {
                case 0x51 -> {
                    if (sub.remaining() != 4) {
                        throw invalid("maximum length sub-item of length " + sub.remaining());
                    }
                    maximumLength = sub.getInt() & 0xFFFFFFFFL;
                }
                case 0x52 -> implementationClassUid = string(sub, sub.remaining());
                case 0x54 -> {
                    if (sub.remaining() < 2) {
                        throw invalid("role selection sub-item too short");
                    }
                    int uidLength = sub.getShort() & 0xFFFF;
                    if (uidLength + 2 != sub.remaining()) {
                        throw invalid("role selection sub-item UID length " + uidLength);
                    }
                    String uid = string(sub, uidLength);
                    roles.add(new RoleSelection(uid, sub.get() != 0, sub.get() != 0));
                }
                case 0x55 -> implementationVersionName = string(sub, sub.remaining());
                default -> {
                    byte[] value = new byte[sub.remaining()];
                    sub.get(value);
                    others.add(new UserInformation.SubItem(subType, value));
                }
            }
        }
        if (maximumLength < 0) {
            // PS3.7 D.3.3.1: maximum length negotiation is mandatory
            throw invalid("user information without maximum length sub-item");
        }
        return new UserInformation(maximumLength, implementationClassUid, implementationVersionName, roles, others);
    }

    /** A view of the next {@code length} bytes, advancing {@code b} past them. */
    private static ByteBuffer slice(ByteBuffer b, int length, String what) throws PduFormatException {
        if (length > b.remaining()) {
            throw invalid(what + " length " + length + " exceeds the " + b.remaining() + " bytes left");
        }
        ByteBuffer s = b.slice();
        s.limit(length);
        b.position(b.position() + length);
        return s;
    }

    private static String aeTitle(ByteBuffer b) throws PduFormatException {
        String title = string(b, 16).strip();
        for (int i = 0; i < title.length(); i++) {
            char c = title.charAt(i);
            // PS3.5 table 6.2-1, VR AE: default repertoire without control characters
            if (c < 0x20 || c >= 0x7F) {
                throw invalid("AE title holds character 0x" + Integer.toHexString(c)
                        + " (PS3.5 6.2: no control characters)");
            }
        }
        return title;
    }

    /** ASCII (read as Latin-1 so that every byte survives), without trailing NUL or space padding. */
    private static String string(ByteBuffer b, int length) {
        byte[] bytes = new byte[length];
        b.get(bytes);
        int end = length;
        while (end > 0 && (bytes[end - 1] == 0 || bytes[end - 1] == ' ')) {
            end--;
        }
        return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
    }

    private static PduFormatException invalid(String message) {
        return new PduFormatException(message, AAbort.REASON_INVALID_PDU_PARAMETER_VALUE);
    }

    private static void readFully(InputStream in, byte[] b, int off, int len) throws IOException {
        int n = in.readNBytes(b, off, len);
        if (n < len) {
            throw new EOFException("connection closed inside a PDU (" + n + " of " + len + " bytes)");
        }
    }
}
