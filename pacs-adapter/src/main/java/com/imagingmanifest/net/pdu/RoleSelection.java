package com.imagingmanifest.net.pdu;

/** SCP/SCU Role Selection sub-item (PS3.7 D.3.3.4), used by C-GET for storage sub-operations. */
public record RoleSelection(String sopClassUid, boolean scuRole, boolean scpRole) {
}
