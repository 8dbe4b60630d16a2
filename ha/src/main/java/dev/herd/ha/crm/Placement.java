package dev.herd.ha.crm;

import dev.herd.ha.Group;
import dev.herd.ha.Resource;
import dev.herd.ha.ServiceState;
import dev.herd.ha.ServiceStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Where a service should run: pve-ha-manager's select_service_node with groups (Manager.pm before HA rules):
 * the online nodes of the highest priority present win; a restricted group allows only its nodes, an unrestricted one
 * falls back to any online node (priority -1); among equals the least loaded node wins, then the lowest id.
 */
final class Placement {
    /** How the caller wants the choice made (pve node_preference). */
    enum Preference {
        /** Stay where it is if that is allowed and among the best. */
        NONE,
        /** After a failed start: skip the nodes it failed on and take the next one. */
        TRY_NEXT,
        /** Recovery: the best node, wherever the service was. */
        BEST_SCORE
    }

    private Placement() {
    }

    /** Services per online node (pve Usage::Basic: every service that is not stopped counts on its node and target). */
    static SortedMap<Integer, Integer> usage(Map<String, ServiceStatus> services, SortedSet<Integer> onlineNodes) {
        SortedMap<Integer, Integer> usage = new TreeMap<>();
        for (int node : onlineNodes) {
            usage.put(node, 0);
        }
        for (ServiceStatus s : services.values()) {
            if (!s.state().occupiesNode()) {
                continue;
            }
            usage.computeIfPresent(s.node(), (n, c) -> c + 1);
            if ((s.state() == ServiceState.MIGRATE || s.state() == ServiceState.RELOCATE) && s.target() != 0) {
                usage.computeIfPresent(s.target(), (n, c) -> c + 1);
            }
        }
        return usage;
    }

    /** The chosen node, or 0 when no online node is allowed. */
    static int select(Resource resource, Group group, SortedMap<Integer, Integer> usage, int currentNode,
                      Preference preference, List<Integer> triedNodes, int maintenanceFallback) {
        SortedMap<Integer, SortedSet<Integer>> byPriority = new TreeMap<>(Comparator.reverseOrder());
        SortedSet<Integer> members = new TreeSet<>();
        if (group == null) {
            byPriority.put(0, new TreeSet<>(usage.keySet())); // no group: every online node, equal priority
            members.addAll(usage.keySet());
        } else {
            for (Map.Entry<Integer, Integer> e : group.nodePriorities().entrySet()) {
                if (usage.containsKey(e.getKey())) {
                    byPriority.computeIfAbsent(e.getValue(), p -> new TreeSet<>()).add(e.getKey());
                    members.add(e.getKey());
                }
            }
            if (!group.restricted()) {
                for (int node : usage.keySet()) {
                    if (members.add(node)) {
                        byPriority.computeIfAbsent(-1, p -> new TreeSet<>()).add(node);
                    }
                }
            }
        }
        if (byPriority.isEmpty()) {
            return 0;
        }
        if (preference == Preference.NONE && group != null && group.nofailback() && members.contains(currentNode)) {
            return currentNode; // nofailback: stay on any allowed node, however a better one came back
        }
        SortedSet<Integer> top = new TreeSet<>(byPriority.get(byPriority.firstKey()));
        if (preference == Preference.TRY_NEXT) {
            top.removeAll(triedNodes);
        }
        if (maintenanceFallback != 0 && top.contains(maintenanceFallback)) {
            return maintenanceFallback;
        }
        if (preference == Preference.NONE && top.contains(currentNode)) {
            return currentNode;
        }
        List<Integer> nodes = new ArrayList<>(top);
        nodes.sort(Comparator.<Integer>comparingInt(usage::get).thenComparingInt(n -> n));
        if (nodes.isEmpty()) {
            return 0;
        }
        if (preference == Preference.TRY_NEXT) {
            int found = nodes.indexOf(currentNode);
            return found >= 0 && found < nodes.size() - 1 ? nodes.get(found + 1) : nodes.get(0);
        }
        return nodes.get(0);
    }
}
