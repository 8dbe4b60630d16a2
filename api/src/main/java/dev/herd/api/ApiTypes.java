package dev.herd.api;

import java.util.List;

/** The JSON documents of Herd's REST API (v1). The CLI and the GUI see exactly these. */
public final class ApiTypes {
    private ApiTypes() {}

    /** Every error answer: what went wrong and what to do about it. */
    public record ApiError(String error, String hint) {}

    public record NodeStatus(int nodeId, String name, String clusterAddress, String apiAddress, int votes,
                             boolean online, boolean local, String version) {}

    public record MemberVotes(int nodeId, int votes, String name, boolean local) {}

    /** Mirrors `corosync-quorumtool -s`. */
    public record QuorumInfo(boolean quorate, int nodes, int nodeId, String ringId, int expectedVotes,
                             int highestExpected, int totalVotes, int quorum, List<String> flags,
                             List<MemberVotes> members, String preset, String reason) {}

    public record ClusterStatus(String clusterName, int configVersion, int localNodeId, String localName,
                                String version, String profile, java.util.Map<String, Long> timeouts,
                                List<NodeStatus> nodes, QuorumInfo quorum, List<String> warnings) {}

    /** A host not yet in a cluster answers this from GET /api/v1/status. */
    public record StandaloneStatus(String name, String version, String state, String hint) {}

    /** @param expectedVotes corosync's quorum.expected_votes override; null to count the node list's votes */
    public record CreateClusterRequest(String name, String preset, Integer expectedVotes) {}

    public record JoinClusterRequest(String address, String joinToken) {}

    public record WhatIfRequest(List<String> down) {}

    public record ExpectedVotesRequest(int expectedVotes) {}

    public record WhatIfResult(boolean keepsQuorum, List<Integer> down, List<Integer> survivors,
                               int expectedVotes, int totalVotes, int quorum, List<String> flags, String reason,
                               String advice) {}

    public record Message(String message) {}

    /**
     * {@code GET /api/v1/settings}: this host's effective settings — every timeout of its profile after the overrides
     * of herdd.toml, in ms (DESIGN.md §4), and the configuration store's limits.
     */
    public record Settings(String name, String configFile, String dataDir, String clusterAddress, String apiAddress,
                           String profile, java.util.Map<String, Long> timeoutsMs,
                           java.util.Map<String, Long> confdbLimits) {}
}
