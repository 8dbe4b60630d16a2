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
        return engine.handleViewChange(members, nowMs);
    }

    void handleNodeInfo(NodeInfo info, long nowMs) {
        if (lastMembers.contains(info.nodeId())) {
            engine.handleNodeInfo(info, nowMs);
        }
    }

    Optional<NodeInfo> tick(long nowMs) {
        return engine.tick(nowMs);
    }

    void handleConfigChange(ClusterConfig config, long nowMs) {
        engine.handleConfigChange(config.quorumConfig(), nowMs);
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
