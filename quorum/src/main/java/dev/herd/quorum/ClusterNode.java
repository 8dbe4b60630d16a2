package dev.herd.quorum;

/** votequorum.c {@code struct cluster_node}: what this node knows of one node. Mutable, owned by {@link Votequorum}. */
final class ClusterNode {
    final int nodeId;
    NodeState state = NodeState.UNKNOWN;
    int votes;
    int expectedVotes;
    int flags;

    ClusterNode(int nodeId) {
        this.nodeId = nodeId;
    }

    boolean isMember() {
        return state == NodeState.MEMBER;
    }

    NodeInfo toNodeInfo() {
        return new NodeInfo(nodeId, votes, expectedVotes, flags);
    }
}
