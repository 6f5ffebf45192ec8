package com.imagingmanifest.net.ul;

import static com.imagingmanifest.net.ul.Action.*;
import static com.imagingmanifest.net.ul.Event.*;
import static com.imagingmanifest.net.ul.State.*;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The state transition table of PS3.8 Table 9-10: for a (state, event) pair, the action to take.
 * A pair without an entry is a local error (a primitive issued in a state that does not allow it);
 * every PDU event has an entry in every state in which a transport connection exists.
 */
public final class StateMachine {
    private static final Map<Event, Map<State, Action>> TABLE = new EnumMap<>(Event.class);

    static {
        State[] established = {STA3, STA5, STA6, STA7, STA8, STA9, STA10, STA11, STA12};
        State[] afterRequest = {STA6, STA7, STA8, STA9, STA10, STA11, STA12};
        put(EVT1, AE_1, STA1);
        put(EVT2, AE_2, STA4);
        // a PDU that is unexpected in the state: AA-1 before the request (Sta2), AA-8 afterwards, ignored in Sta13
        for (Event pduEvent : new Event[] {EVT3, EVT4, EVT6, EVT10, EVT12, EVT13}) {
            put(pduEvent, AA_1, STA2);
            put(pduEvent, AA_8, established);
            put(pduEvent, AA_6, STA13);
        }
        put(EVT3, AE_3, STA5);
        put(EVT4, AE_4, STA5);
        put(EVT5, AE_5, STA1);
        put(EVT6, AE_6, STA2);
        put(EVT6, AA_7, STA13);
        put(EVT7, AE_7, STA3);
        put(EVT8, AE_8, STA3);
        put(EVT9, DT_1, STA6);
        put(EVT9, AR_7, STA8);
        put(EVT10, DT_2, STA6);
        put(EVT10, AR_6, STA7);
        put(EVT11, AR_1, STA6);
        put(EVT12, AR_2, STA6);
        put(EVT12, AR_8, STA7);
        put(EVT13, AR_3, STA7, STA11);
        put(EVT13, AR_10, STA10);
        put(EVT14, AR_4, STA8, STA12);
        put(EVT14, AR_9, STA9);
        put(EVT15, AA_1, STA3, STA5);
        put(EVT15, AA_1, afterRequest);
        put(EVT15, AA_2, STA4);
        put(EVT16, AA_2, STA2, STA13);
        put(EVT16, AA_3, established);
        put(EVT17, AA_5, STA2);
        put(EVT17, AA_4, STA3, STA4);
        put(EVT17, AA_4, STA5);
        put(EVT17, AA_4, afterRequest);
        put(EVT17, AR_5, STA13);
        put(EVT18, AA_2, STA2, STA13);
        put(EVT19, AA_1, STA2);
        put(EVT19, AA_8, established);
        put(EVT19, AA_7, STA13);
    }

    private StateMachine() {
    }

    private static void put(Event event, Action action, State... states) {
        Map<State, Action> row = TABLE.computeIfAbsent(event, e -> new EnumMap<>(State.class));
        for (State s : states) {
            row.put(s, action);
        }
    }

    /** The action PS3.8 Table 9-10 prescribes, or empty when the pair is not defined. */
    public static Optional<Action> action(State state, Event event) {
        Map<State, Action> row = TABLE.get(event);
        return Optional.ofNullable(row == null ? null : row.get(state));
    }
}
