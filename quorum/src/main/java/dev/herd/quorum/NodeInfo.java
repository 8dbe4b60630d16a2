package dev.herd.quorum;

/**
 * What a node broadcasts to the others: corosync's {@code req_exec_quorum_nodeinfo} message (votequorum.c
 * votequorum_exec_send_nodeinfo): its node id, votes, expected votes and {@link NodeFlags flags}.
 * Corosync sends it with TOTEM_AGREED, so every member receives the same nodeinfo messages in the same order.
 */
public record NodeInfo(int nodeId, int votes, int expectedVotes, int flags) {

    public boolean quorate() {
        return NodeFlags.has(flags, NodeFlags.QUORATE);
    }

    @Override
    public String toString() {
        return "NodeInfo[node " + nodeId + ", votes " + votes + ", expected " + expectedVotes
                + ", flags " + NodeFlags.names(flags) + "]";
    }
}
