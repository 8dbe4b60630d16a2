package dev.herd.cli;

import dev.herd.api.HaTypes;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** HA documents as herdd writes them, for the CLI tests. */
final class HaFixtures {
    private HaFixtures() {}

    static HaTypes.GuestConfig processGuest(String id, int node, String requested) {
        return new HaTypes.GuestConfig(id, "process", node, List.of("sleep", "1000"), Map.of(), null, null, null,
                10_000, new HaTypes.HaOptions(requested, null, 1, 1));
    }

    static HaTypes.ServiceDoc service(String state, int node) {
        return new HaTypes.ServiceDoc(state, node, 0, 1, List.of(), 0, state.equals("started"), null);
    }

    static HaTypes.ServiceDoc moving(String state, int node, int target) {
        return new HaTypes.ServiceDoc(state, node, target, 1, List.of(), 0, false, null);
    }

    /** Master node1; nodes 1–3 online unless {@code nodeStates} says otherwise ("2", "maintenance"). */
    static HaTypes.ManagerStatusDoc managerStatus(Map<String, HaTypes.ServiceDoc> services, String... nodeStates) {
        Map<String, String> nodes = new TreeMap<>(Map.of("1", "online", "2", "online", "3", "online"));
        for (int i = 0; i + 1 < nodeStates.length; i += 2) {
            nodes.put(nodeStates[i], nodeStates[i + 1]);
        }
        return new HaTypes.ManagerStatusDoc(1, 42, nodes, new TreeMap<>(services), List.of());
    }

    static void put(FakeConfigApi api, HaTypes.GuestConfig g) {
        api.writeJson(HaTypes.guestPath(g.id()), g);
    }
}
