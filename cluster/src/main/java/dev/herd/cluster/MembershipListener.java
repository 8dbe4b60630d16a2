package dev.herd.cluster;

/** Callbacks from the cluster transport. Called on JGroups threads; implementations hand off to their own thread. */
public interface MembershipListener {
    void handleView(MembershipView view);

    /** A broadcast from a member, delivered in the same total order on every member (SEQUENCER). */
    void handleMessage(int fromNodeId, byte[] payload);
}
