package dev.herd.quorum.sim;

import dev.herd.quorum.NodeInfo;
import dev.herd.quorum.QuorumConfig;
import dev.herd.quorum.QuorumStatus;
import dev.herd.quorum.Votequorum;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A whole cluster of {@link Votequorum} engines in one thread, with a fake clock and a fake network, delivering
 * what totem would: after a membership change every member of a connected component gets the same view, then every
 * member's nodeinfo in the same (agreed) order, ascending node id. Deterministic: same input, same output.
 */
public final class ClusterSimulator {

    private QuorumConfig config;
    private final Map<Integer, Votequorum> live = new TreeMap<>();
    private final Map<Integer, Set<Integer>> viewOf = new HashMap<>();
    private Map<Integer, Integer> groupOf; // null: fully connected; nodes absent from the map are isolated
    private long nowMs;

    public ClusterSimulator(QuorumConfig config) {
        this.config = config;
    }

    public long nowMs() {
        return nowMs;
    }

    public Set<Integer> liveNodes() {
        return new TreeSet<>(live.keySet());
    }

    public Votequorum engine(int nodeId) {
        return live.get(nodeId);
    }

    public QuorumConfig config() {
        return config;
    }

    /** Fires every timer due up to {@code tMs}, in deadline order (ties by node id), then sets the clock to it. */
    public void advanceTo(long tMs) {
        if (tMs < nowMs) {
            throw new IllegalArgumentException("time goes backwards: " + tMs + " after " + nowMs);
        }
        while (true) {
            int dueNode = -1;
            long dueMs = Long.MAX_VALUE;
            for (var entry : live.entrySet()) {
                OptionalLong deadline = entry.getValue().nextDeadlineMs();
                if (deadline.isPresent() && deadline.getAsLong() <= tMs && deadline.getAsLong() < dueMs) {
                    dueMs = deadline.getAsLong();
                    dueNode = entry.getKey();
                }
            }
            if (dueNode < 0) {
                break;
            }
            nowMs = Math.max(nowMs, dueMs);
            Votequorum engine = live.get(dueNode);
            engine.tick(nowMs).ifPresent(info -> deliver(List.of(info), viewOf.get(engine.localNodeId())));
        }
        nowMs = tMs;
    }

    /** Applies one scenario event's actions at the current time, then delivers the resulting membership changes. */
    public void apply(List<Scenario.Action> actions) {
        for (Scenario.Action action : actions) {
            switch (action) {
                case Scenario.Start start -> start.nodeIds().forEach(id -> live.put(id, new Votequorum(id, config)));
                case Scenario.Kill kill -> kill.nodeIds().forEach(id -> {
                    live.remove(id);
                    viewOf.remove(id);
                });
                case Scenario.Partition partition -> {
                    groupOf = new HashMap<>();
                    for (int g = 0; g < partition.groups().size(); g++) {
                        for (int id : partition.groups().get(g)) {
                            groupOf.put(id, g);
                        }
                    }
                }
                case Scenario.Heal heal -> groupOf = null;
                case Scenario.Forget forget -> {
                    for (int id : forget.nodeIds()) {
                        config = config.withoutNode(id);
                    }
                    for (Votequorum engine : live.values()) {
                        engine.handleConfigChange(config, nowMs);
                    }
                }
            }
        }
        deliverMembershipChanges();
    }

    /** The connected components of live nodes, each sorted, ordered by lowest node id. */
    public List<Set<Integer>> components() {
        List<Set<Integer>> result = new ArrayList<>();
        Map<Integer, Set<Integer>> grouped = new TreeMap<>();
        for (int id : live.keySet()) {
            Integer group = groupOf == null ? Integer.valueOf(0) : groupOf.get(id);
            if (group == null) {
                result.add(new TreeSet<>(Set.of(id))); // in no group: isolated
            } else {
                grouped.computeIfAbsent(group, g -> new TreeSet<>()).add(id);
            }
        }
        result.addAll(grouped.values());
        result.sort((a, b) -> Integer.compare(a.iterator().next(), b.iterator().next()));
        return result;
    }

    public List<QuorumStatus> statuses() {
        return live.values().stream().map(Votequorum::status).toList();
    }

    private void deliverMembershipChanges() {
        for (Set<Integer> component : components()) {
            boolean changed = component.stream().anyMatch(id -> !component.equals(viewOf.get(id)));
            if (!changed) {
                continue;
            }
            List<NodeInfo> infos = new ArrayList<>();
            for (int id : component) {
                viewOf.put(id, component);
                infos.add(live.get(id).handleViewChange(component, nowMs));
            }
            deliver(infos, component);
        }
    }

    /** Agreed order: each message reaches every member before the next one is delivered. */
    private void deliver(List<NodeInfo> infos, Collection<Integer> members) {
        for (NodeInfo info : infos) {
            for (int id : members) {
                live.get(id).handleNodeInfo(info, nowMs);
            }
        }
    }
}
