package dev.herd.quorum;

/** One current member as {@code corosync-quorumtool -l} lists it: node id and votes. */
public record MemberVotes(int nodeId, int votes) {
}
