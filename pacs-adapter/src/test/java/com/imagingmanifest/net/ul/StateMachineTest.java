package com.imagingmanifest.net.ul;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** One case per (state, event) pair of PS3.8 Table 9-10, against a transcription of the table. */
class StateMachineTest {

    static Stream<Arguments> table() throws IOException {
        List<Arguments> cases = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                StateMachineTest.class.getResourceAsStream("ps3.8-table-9-10.txt"), StandardCharsets.US_ASCII))) {
            String line;
            int rows = 0;
            while ((line = r.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] cells = line.trim().split("\\s+");
                Event event = Event.valueOf(cells[0].toUpperCase());
                assertEquals(State.values().length + 1, cells.length, "columns of " + cells[0]);
                for (State state : State.values()) {
                    String cell = cells[state.ordinal() + 1];
                    cases.add(Arguments.of(state.label(), event.label(), state, event,
                            cell.equals("-") ? null : Action.valueOf(cell.replace('-', '_'))));
                }
                rows++;
            }
            assertEquals(Event.values().length, rows, "one row per event");
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} + {1}")
    @MethodSource("table")
    void actionFollowsTable9_10(String stateLabel, String eventLabel, State state, Event event, Action expected) {
        assertEquals(Optional.ofNullable(expected), StateMachine.action(state, event));
    }

    /** Next states of PS3.8 Tables 9-6 to 9-9 (AE-6 and AR-8 choose; their first choice is listed). */
    private static final Map<String, String> NEXT = Map.ofEntries(
            Map.entry("AE_1", "STA4"), Map.entry("AE_2", "STA5"), Map.entry("AE_3", "STA6"), Map.entry("AE_4", "STA1"),
            Map.entry("AE_5", "STA2"), Map.entry("AE_6", "STA3"), Map.entry("AE_7", "STA6"), Map.entry("AE_8", "STA13"),
            Map.entry("DT_1", "STA6"), Map.entry("DT_2", "STA6"), Map.entry("AR_1", "STA7"), Map.entry("AR_2", "STA8"),
            Map.entry("AR_3", "STA1"), Map.entry("AR_4", "STA13"), Map.entry("AR_5", "STA1"), Map.entry("AR_6", "STA7"),
            Map.entry("AR_7", "STA8"), Map.entry("AR_8", "STA9"), Map.entry("AR_9", "STA11"), Map.entry("AR_10", "STA12"),
            Map.entry("AA_1", "STA13"), Map.entry("AA_2", "STA1"), Map.entry("AA_3", "STA1"), Map.entry("AA_4", "STA1"),
            Map.entry("AA_5", "STA1"), Map.entry("AA_6", "STA13"), Map.entry("AA_7", "STA13"), Map.entry("AA_8", "STA13"));

    @ParameterizedTest
    @EnumSource(Action.class)
    void actionLeadsToItsState(Action action) {
        assertEquals(State.valueOf(NEXT.get(action.name())), action.next());
    }
}
