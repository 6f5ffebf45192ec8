package com.imagingmanifest.net.ul;

import static com.imagingmanifest.net.ul.ProtocolEvent.carried;

import com.imagingmanifest.net.pdu.AReleaseRp;
import com.imagingmanifest.net.pdu.AReleaseRq;
import java.io.IOException;

/** The Association Release actions AR-1 to AR-10 of PS3.8 Table 9-8. */
final class ReleaseActions {
    private final Association a;

    ReleaseActions(Association association) {
        this.a = association;
    }

    /** Performs {@code action} for {@code event}; returns the state it leads to. */
    State perform(Action action, ProtocolEvent event) throws IOException {
        switch (action) {
            case AR_1 -> a.transport.send(new AReleaseRq());
            case AR_2, AR_10 -> {
                // release indication / confirmation: the caller answers through Evt14 or waits for Sta1
            }
            case AR_3, AR_5 -> a.transport.close();
            case AR_4 -> {
                a.transport.send(new AReleaseRp());
                a.transport.startArtim();
            }
            // P-DATA may still flow in the direction not yet released (PS3.8 7.2)
            case AR_6 -> a.indication = carried(event, ProtocolEvent.PDataReceived.class, action).pdu();
            case AR_7 -> a.transport.writePData(carried(event, ProtocolEvent.PDataRequest.class, action));
            case AR_8 -> {
                return a.isRequestor() ? State.STA9 : State.STA10;
            }
            case AR_9 -> a.transport.send(new AReleaseRp());
            default -> throw new IllegalArgumentException(action.label() + " is no release action");
        }
        return action.next();
    }
}
