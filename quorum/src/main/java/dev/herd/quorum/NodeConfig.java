package dev.herd.quorum;

/**
 * One entry of the node list (corosync.conf {@code nodelist.node.N}): the node id and its {@code quorum_votes}.
 *
 * @param nodeId the totem node id, positive (corosync reserves 0 for the quorum device)
 * @param votes  this node's votes, default 1 (votequorum.c votequorum_read_nodelist_configuration)
 */
public record NodeConfig(int nodeId, int votes) {

    /** A node with corosync's default of one vote. */
    public static NodeConfig of(int nodeId) {
        return new NodeConfig(nodeId, 1);
    }
}
