package dev.herd.confdb;

/**
 * Identity of one installed membership view, the same on every member of it (JGroups' ViewId: creator and counter).
 * Every message carries the view it was sent in; a message from another view is dropped, so a late delivery after a
 * view change (JGroups without FLUSH can do that) never mixes two sync rounds.
 */
public record ViewId(long seq, int creatorNodeId) {
    @Override
    public String toString() {
        return seq + "@" + creatorNodeId;
    }
}
