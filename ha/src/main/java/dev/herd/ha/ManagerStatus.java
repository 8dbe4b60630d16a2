package dev.herd.ha;

import java.util.Collections;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the CRM master decided, as stored in the config store for every LRM to read (pve {@code manager_status}).
 * Only the master writes it, by compare-and-set on the version it read, so a deposed master's late write fails.
 *
 * @param masterNode          who wrote it (0: nobody yet)
 * @param nextUid             the next service request uid
 * @param maintenanceRequests nodes the operator put in maintenance mode (pve {@code node_request})
 */
public record ManagerStatus(int masterNode, long nextUid, SortedMap<Integer, NodeState> nodes,
                            SortedMap<String, ServiceStatus> services, SortedSet<Integer> maintenanceRequests) {
    public static final ManagerStatus EMPTY = new ManagerStatus(0, 1, new TreeMap<>(), new TreeMap<>(), new TreeSet<>());

    public ManagerStatus {
        nodes = Collections.unmodifiableSortedMap(new TreeMap<>(nodes));
        services = Collections.unmodifiableSortedMap(new TreeMap<>(services));
        maintenanceRequests = Collections.unmodifiableSortedSet(new TreeSet<>(maintenanceRequests));
    }

    public NodeState nodeState(int node) {
        return nodes.getOrDefault(node, NodeState.UNKNOWN);
    }
}
