package com.imagingmanifest.net.pdu;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Writes PDUs (PS3.8 9.3). */
public final class PduWriter {
    private PduWriter() {
    }

    public static void write(OutputStream out, Pdu pdu) throws IOException {
        out.write(encode(pdu));
    }

    /** The whole PDU, header included. */
    public static byte[] encode(Pdu pdu) {
        Buffer body = new Buffer();
        if (pdu instanceof AAssociateRq rq) {
            associateFixedFields(body, rq.protocolVersion(), rq.calledAeTitle(), rq.callingAeTitle());
            item(body, 0x10, ascii(rq.applicationContextName()));
            for (PresentationContextRq pc : rq.presentationContexts()) {
                Buffer b = new Buffer();
                b.write(pc.id());
                b.write(0);
                b.write(0);
                b.write(0);
                item(b, 0x30, ascii(pc.abstractSyntax()));
                for (String ts : pc.transferSyntaxes()) {
                    item(b, 0x40, ascii(ts));
                }
                item(body, 0x20, b.toByteArray());
            }
            item(body, 0x50, userInformation(rq.userInformation()));
        } else if (pdu instanceof AAssociateAc ac) {
            associateFixedFields(body, ac.protocolVersion(), ac.calledAeTitle(), ac.callingAeTitle());
            item(body, 0x10, ascii(ac.applicationContextName()));
            for (PresentationContextAc pc : ac.presentationContexts()) {
                Buffer b = new Buffer();
                b.write(pc.id());
                b.write(0);
                b.write(pc.result());
                b.write(0);
                // PS3.8 9.3.3.2: the transfer syntax sub-item is present even when the context is rejected
                item(b, 0x40, ascii(pc.transferSyntax() == null ? "" : pc.transferSyntax()));
                item(body, 0x21, b.toByteArray());
            }
            item(body, 0x50, userInformation(ac.userInformation()));
        } else if (pdu instanceof AAssociateRj rj) {
            body.write(new byte[] {0, (byte) rj.result(), (byte) rj.source(), (byte) rj.reason()});
        } else if (pdu instanceof PDataTf p) {
            for (PresentationDataValue v : p.values()) {
                body.u32(v.data().length + 2L);
                body.write(v.presentationContextId());
                body.write(v.messageControlHeader());
                body.write(v.data());
            }
        } else if (pdu instanceof AAbort a) {
            body.write(new byte[] {0, 0, (byte) a.source(), (byte) a.reason()});
        } else {
            body.write(new byte[4]); // A-RELEASE-RQ and -RP: 4 reserved bytes
        }
        Buffer whole = new Buffer();
        whole.write(pdu.type());
        whole.write(0);
        whole.u32(body.size());
        whole.write(body.toByteArray());
        return whole.toByteArray();
    }

    /**
     * Writes one P-DATA-TF PDU holding one presentation data value made of {@code len} bytes of
     * {@code data} from {@code off}, without copying them.
     */
    public static void writePData(OutputStream out, int presentationContextId, boolean command, boolean last,
            byte[] data, int off, int len) throws IOException {
        long itemLength = len + 2L;
        long pduLength = itemLength + 4;
        byte[] header = new byte[12];
        header[0] = Pdu.P_DATA_TF;
        putU32(header, 2, pduLength);
        putU32(header, 6, itemLength);
        header[10] = (byte) presentationContextId;
        header[11] = (byte) ((command ? 1 : 0) | (last ? 2 : 0));
        out.write(header);
        out.write(data, off, len);
    }

    private static void associateFixedFields(Buffer body, int protocolVersion, String called, String calling) {
        body.u16(protocolVersion);
        body.u16(0);
        body.write(aeTitle(called));
        body.write(aeTitle(calling));
        body.write(new byte[32]);
    }

    private static byte[] userInformation(UserInformation ui) {
        Buffer b = new Buffer();
        Buffer max = new Buffer();
        max.u32(ui.maximumLength());
        item(b, 0x51, max.toByteArray());
        if (ui.implementationClassUid() != null) {
            item(b, 0x52, ascii(ui.implementationClassUid()));
        }
        for (RoleSelection r : ui.roleSelections()) {
            Buffer rb = new Buffer();
            byte[] uid = ascii(r.sopClassUid());
            rb.u16(uid.length);
            rb.write(uid);
            rb.write(r.scuRole() ? 1 : 0);
            rb.write(r.scpRole() ? 1 : 0);
            item(b, 0x54, rb.toByteArray());
        }
        if (ui.implementationVersionName() != null) {
            item(b, 0x55, ascii(ui.implementationVersionName()));
        }
        for (UserInformation.SubItem s : ui.otherSubItems()) {
            item(b, s.type(), s.value());
        }
        return b.toByteArray();
    }

    private static void item(Buffer out, int type, byte[] value) {
        if (value.length > 0xFFFF) {
            throw new IllegalArgumentException("item of type " + type + " longer than 65535 bytes");
        }
        out.write(type);
        out.write(0);
        out.u16(value.length);
        out.write(value);
    }

    /** PS3.8 9.3.2: 16 characters, padded with spaces. */
    private static byte[] aeTitle(String title) {
        byte[] t = ascii(title == null ? "" : title);
        if (t.length > 16) {
            throw new IllegalArgumentException("AE title longer than 16 characters: " + title);
        }
        byte[] out = new byte[16];
        java.util.Arrays.fill(out, (byte) ' ');
        System.arraycopy(t, 0, out, 0, t.length);
        return out;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void putU32(byte[] b, int at, long v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    private static final class Buffer extends ByteArrayOutputStream {
        void u16(int v) {
            write(v >>> 8);
            write(v);
        }

        void u32(long v) {
            write((int) (v >>> 24));
            write((int) (v >>> 16));
            write((int) (v >>> 8));
            write((int) v);
        }

        @Override
        public void write(byte[] b) {
            write(b, 0, b.length);
        }
    }
}
