package dev.herd.cluster;

/** One entry of the static member list (corosync's nodelist): where a host's cluster transport listens. */
public record Peer(int nodeId, String host, int port) {
    public Peer {
        if (nodeId < 1) {
            throw new IllegalArgumentException("node id must be >= 1, got " + nodeId);
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range for node " + nodeId + ": " + port);
        }
    }

    @Override
    public String toString() {
        return "node" + nodeId + "@" + host + ":" + port;
    }
}
