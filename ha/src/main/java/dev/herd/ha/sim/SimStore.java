package dev.herd.ha.sim;

import dev.herd.ha.HaCommand;
import dev.herd.ha.LrmStatus;
import dev.herd.ha.ManagerStatus;
import dev.herd.ha.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The config store as the simulation sees it: one copy, written only from the quorate partition; a host outside it
 * keeps reading the copy it had when it left (a stale view, like a confdb replica without quorum).
 */
final class SimStore {
    /** What a host reads: the shared copy while quorate, else its last one. Immutable. */
    record View(ManagerStatus status, long statusVersion, SortedMap<Integer, LrmStatus> lrms,
                SortedMap<String, Resource> resources, List<HaCommand> commands) {
        static final View EMPTY = new View(ManagerStatus.EMPTY, 0, new TreeMap<>(), new TreeMap<>(), List.of());
    }

    ManagerStatus status = ManagerStatus.EMPTY;
    long statusVersion;
    final SortedMap<Integer, LrmStatus> lrms = new TreeMap<>();
    final SortedMap<String, Resource> resources = new TreeMap<>();
    final List<HaCommand> commands = new ArrayList<>();

    View view() {
        return new View(status, statusVersion, new TreeMap<>(lrms), new TreeMap<>(resources), List.copyOf(commands));
    }
}
