package dev.herd.daemon;

import dev.herd.daemon.state.ClusterConfig;
import dev.herd.quorum.NodeInfo;
import dev.herd.quorum.QuorumStatus;
import dev.herd.quorum.Votequorum;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Feeds the pure votequorum engine from the cluster transport, like corosync's votequorum service sits on totem:
 * membership changes and nodeinfo messages in, nodeinfo to broadcast out. Only node ids in the cluster's node list
 * vote; anything else in a view (a removed or forgotten host that still has the key) is ignored here.
 * Called only from the {@link ClusterService} event loop.
 */
final class QuorumDriver {
    private final Votequorum engine;
    private Set<Integer> lastMembers = Set.of();
    private final java.util.Map<Integer, NodeInfo> lastInfo = new java.util.HashMap<>();

    QuorumDriver(int localNodeId, ClusterConfig config) {
        this.engine = new Votequorum(localNodeId, config.quorumConfig());
    }

    NodeInfo handleView(Set<Integer> viewNodeIds, ClusterConfig config, long nowMs) {
        Set<Integer> members = new TreeSet<>();
        for (int id : viewNodeIds) {
            if (config.node(id).isPresent()) {
                members.add(id);
            }
        }
        members.add(engine.localNodeId());
        lastMembers = members;
        lastInfo.keySet().retainAll(members);
        return engine.handleViewChange(members, nowMs);
    }

    void handleNodeInfo(NodeInfo info, long nowMs) {
        if (lastMembers.contains(info.nodeId())) {
            lastInfo.put(info.nodeId(), info);
            engine.handleNodeInfo(info, nowMs);
        }
    }

    Optional<NodeInfo> tick(long nowMs) {
        return engine.tick(nowMs);
    }

    /**
     * A new node list. Members that are no longer in it (a host that just left) stop counting first, as if they had
     * left the membership, with the nodeinfos already known replayed like a sync round; only then is the config
     * applied, which may lower expected votes and quorum (votequorum: a config reload may decrease quorum, a
     * membership change may not). Every member sees the same config in the same order, so all do the same.
     */
    void handleConfigChange(ClusterConfig config, long nowMs) {
        Set<Integer> kept = new TreeSet<>();
        for (int id : lastMembers) {
            if (config.node(id).isPresent()) {
                kept.add(id);
            }
        }
        if (!kept.equals(lastMembers) && kept.contains(engine.localNodeId())) {
            lastMembers = kept;
            lastInfo.keySet().retainAll(kept);
            NodeInfo mine = engine.handleViewChange(kept, nowMs);
            lastInfo.put(mine.nodeId(), mine);
            for (NodeInfo info : lastInfo.values()) {
                engine.handleNodeInfo(info, nowMs);
            }
        }
        engine.handleConfigChange(config.quorumConfig(), nowMs);
    }

    Optional<String> checkSetExpectedVotes(int expectedVotes) {
        return engine.checkSetExpectedVotes(expectedVotes);
    }

    void handleSetExpectedVotes(int expectedVotes, long nowMs) {
        engine.handleSetExpectedVotes(expectedVotes, nowMs);
    }

    NodeInfo nodeInfo() {
        return engine.nodeInfo();
    }

    QuorumStatus status() {
        return engine.status();
    }

    Set<Integer> members() {
        return lastMembers;
    }
}
