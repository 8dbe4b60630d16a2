package dev.herd.ha.crm;

import dev.herd.ha.LrmMode;
import dev.herd.ha.LrmStatus;
import dev.herd.ha.NodeState;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/** The master's node states, updated from membership and LRM modes exactly as pve NodeStatus.pm's update(). */
final class NodeBook {
    private final SortedMap<Integer, NodeState> states;
    private final Map<Integer, Long> lastOnlineMs;
    private final List<String> log;
    private final SortedSet<Integer> members = new TreeSet<>();

    NodeBook(SortedMap<Integer, NodeState> stored, Map<Integer, Long> lastOnlineMs, List<String> log) {
        this.states = new TreeMap<>(stored);
        this.lastOnlineMs = lastOnlineMs;
        this.log = log;
    }

    SortedMap<Integer, NodeState> states() {
        return states;
    }

    NodeState get(int node) {
        return states.getOrDefault(node, NodeState.UNKNOWN);
    }

    void set(int node, NodeState state) {
        NodeState old = get(node);
        if (old == state && states.containsKey(node)) {
            return;
        }
        states.put(node, state);
        log.add("node 'node" + node + "': state changed from '" + old.label() + "' => '" + state.label() + "'");
    }

    /** Returns the nodes that came (back) online in this update. */
    SortedSet<Integer> update(long nowMs, SortedSet<Integer> clusterNodes, SortedSet<Integer> members,
                              SortedMap<Integer, LrmStatus> lrms) {
        SortedSet<Integer> cameOnline = new TreeSet<>();
        this.members.clear();
        this.members.addAll(members);
        SortedSet<Integer> all = new TreeSet<>(clusterNodes);
        all.addAll(states.keySet());
        for (int node : all) {
            LrmStatus lrm = lrms.get(node);
            boolean lrmMaintenance = lrm != null && lrm.mode() == LrmMode.MAINTENANCE;
            NodeState state = get(node);
            if (members.contains(node) && clusterNodes.contains(node)) {
                lastOnlineMs.put(node, nowMs);
                switch (state) {
                    case ONLINE -> {
                        if (lrmMaintenance) {
                            set(node, NodeState.MAINTENANCE);
                        } else if (!states.containsKey(node)) {
                            set(node, NodeState.ONLINE);
                        }
                    }
                    case UNKNOWN, GONE -> {
                        set(node, lrmMaintenance ? NodeState.MAINTENANCE : NodeState.ONLINE);
                        cameOnline.add(node);
                    }
                    case FENCE -> {
                        // wait until fenced, even if it is back: it may have lost its lock and its watchdog may fire
                    }
                    case MAINTENANCE -> {
                        if (!lrmMaintenance) {
                            set(node, NodeState.ONLINE);
                        }
                    }
                }
                if (!states.containsKey(node)) {
                    set(node, state);
                }
            } else {
                switch (state) {
                    case ONLINE -> set(node, NodeState.UNKNOWN);
                    case MAINTENANCE -> {
                        if (!lrmMaintenance) {
                            set(node, NodeState.UNKNOWN);
                        }
                    }
                    case UNKNOWN -> {
                        if (!clusterNodes.contains(node)) {
                            set(node, NodeState.GONE);
                        } else if (!states.containsKey(node)) {
                            set(node, NodeState.UNKNOWN);
                        }
                    }
                    case FENCE, GONE -> {
                        // fence: wait until fenced; gone: stays until no service refers to it
                    }
                }
            }
        }
        return cameOnline;
    }

    /**
     * pve node_is_offline_delayed: out of the quorate partition for at least {@code delayMs}. A member in maintenance
     * is not offline (pve relies on its 60 s delay for that; ours may be 0).
     */
    boolean offlineFor(int node, long nowMs, long delayMs) {
        if (get(node) == NodeState.ONLINE || members.contains(node)) {
            return false;
        }
        long since = lastOnlineMs.computeIfAbsent(node, n -> nowMs);
        return nowMs - since >= delayMs;
    }

    boolean isOnline(int node) {
        return get(node) == NodeState.ONLINE;
    }

    boolean isOperational(int node) {
        return get(node) == NodeState.ONLINE || get(node) == NodeState.MAINTENANCE;
    }

    SortedSet<Integer> onlineNodes() {
        SortedSet<Integer> online = new TreeSet<>();
        states.forEach((n, s) -> {
            if (s == NodeState.ONLINE) {
                online.add(n);
            }
        });
        return online;
    }

    static Map<Integer, Long> newClock() {
        return new HashMap<>();
    }
}
