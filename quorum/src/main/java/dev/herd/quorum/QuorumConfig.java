package dev.herd.quorum;

import java.util.List;
import java.util.Optional;

/** The node list plus the quorum options: what corosync reads from {@code nodelist {}} and {@code quorum {}}. */
public record QuorumConfig(List<NodeConfig> nodes, QuorumOptions options) {

    public QuorumConfig {
        nodes = List.copyOf(nodes);
    }

    public Optional<NodeConfig> node(int nodeId) {
        return nodes.stream().filter(n -> n.nodeId() == nodeId).findFirst();
    }

    /** Sum of votes of the node list: votequorum.c votequorum_read_nodelist_configuration's expected votes. */
    public int nodeListVotes() {
        return nodes.stream().mapToInt(NodeConfig::votes).sum();
    }

    /** The config after {@code herd node forget} (like {@code xe host-forget}): the node leaves the node list. */
    public QuorumConfig withoutNode(int nodeId) {
        return new QuorumConfig(nodes.stream().filter(n -> n.nodeId() != nodeId).toList(), options);
    }
}
