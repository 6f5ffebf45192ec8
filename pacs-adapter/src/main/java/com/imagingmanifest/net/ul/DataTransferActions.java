package com.imagingmanifest.net.ul;

import static com.imagingmanifest.net.ul.ProtocolEvent.carried;

import java.io.IOException;

/** The Data Transfer actions DT-1 and DT-2 of PS3.8 Table 9-7. */
final class DataTransferActions {
    private final Association a;

    DataTransferActions(Association association) {
        this.a = association;
    }

    /** Performs {@code action} for {@code event}; returns the state it leads to. */
    State perform(Action action, ProtocolEvent event) throws IOException {
        switch (action) {
            case DT_1 -> a.transport.writePData(carried(event, ProtocolEvent.PDataRequest.class, action));
            case DT_2 -> a.indication = carried(event, ProtocolEvent.PDataReceived.class, action).pdu();
            default -> throw new IllegalArgumentException(action.label() + " is no data transfer action");
        }
        return action.next();
    }
}
