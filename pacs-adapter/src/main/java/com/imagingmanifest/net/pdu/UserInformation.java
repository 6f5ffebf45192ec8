package com.imagingmanifest.net.pdu;

import java.util.List;

/**
 * User Information item (PS3.8 9.3.2.3, PS3.7 Annex D.3.3). {@code maximumLength} 0 means unlimited
 * (PS3.8 D.1). Sub-items this implementation does not interpret are kept in {@code otherSubItems}.
 */
public record UserInformation(long maximumLength, String implementationClassUid,
        String implementationVersionName, List<RoleSelection> roleSelections, List<SubItem> otherSubItems) {

    public UserInformation {
        roleSelections = List.copyOf(roleSelections);
        otherSubItems = List.copyOf(otherSubItems);
    }

    public UserInformation(long maximumLength, String implementationClassUid, String implementationVersionName) {
        this(maximumLength, implementationClassUid, implementationVersionName, List.of(), List.of());
    }

    /** A user-information sub-item kept as type and raw value. */
    public record SubItem(int type, byte[] value) {
    }
}
