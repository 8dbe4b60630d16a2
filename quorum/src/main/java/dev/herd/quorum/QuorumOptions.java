package dev.herd.quorum;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code quorum {}} section of corosync.conf, as votequorum(5) documents it.
 *
 * <p>{@code waitForAll} is the value in force: corosync turns wait_for_all on automatically with two_node unless it
 * is set explicitly (votequorum.c votequorum_readconfig, {@code wait_for_all_autoset}); here the caller (preset,
 * scenario parser, config loader) resolves that default once, see {@link #withTwoNode(boolean)}.
 *
 * @param lastManStandingWindowMs {@code last_man_standing_window}, default {@value #DEFAULT_LMS_WINDOW_MS}
 * @param expectedVotesOverride   {@code quorum.expected_votes}; overrides the node list's sum of votes; null if unset
 */
public record QuorumOptions(boolean twoNode, boolean waitForAll, AutoTieBreaker autoTieBreaker,
        boolean lastManStanding, long lastManStandingWindowMs, Integer expectedVotesOverride) {

    /** votequorum.c DEFAULT_LMS_WIN. */
    public static final long DEFAULT_LMS_WINDOW_MS = 10_000;

    public static final String PRESET_MAJORITY = "majority";
    public static final String PRESET_CLUSTERED_POOL = "clustered-pool";

    public QuorumOptions {
        if (autoTieBreaker == null) {
            autoTieBreaker = AutoTieBreaker.NONE;
        }
    }

    /** Plain votequorum, no special features: what {@code pvecm create} writes. */
    public static QuorumOptions defaults() {
        return new QuorumOptions(false, false, AutoTieBreaker.NONE, false, DEFAULT_LMS_WINDOW_MS, null);
    }

    /**
     * Named option sets.
     * <ul>
     * <li>{@code majority}: Proxmox VE's default, plain votequorum.</li>
     * <li>{@code clustered-pool}: XenServer clustered pools: {@code auto_tie_breaker: 1} with
     * {@code auto_tie_breaker_node: lowest}. With an even number of votes an exact half keeps quorum when it holds the
     * lowest node id of the last quorate membership; with an odd number corosync itself switches ATB off
     * (votequorum.c votequorum_readconfig: "auto_tie_breaker is set and the cluster has an odd number of nodes"),
     * which leaves plain majority, exactly XenServer's odd-n rule. Keeping ATB configured for every n means that
     * forgetting a host (5 → 4) switches the tie-breaker back on, as a corosync config reload does.</li>
     * </ul>
     */
    public static QuorumOptions preset(String name, int nodeCount) {
        if (nodeCount < 1) {
            throw new IllegalArgumentException("preset " + name + ": node count must be at least 1, got " + nodeCount);
        }
        if (PRESET_MAJORITY.equals(name)) {
            return defaults();
        }
        if (PRESET_CLUSTERED_POOL.equals(name)) {
            return defaults().withAutoTieBreaker(AutoTieBreaker.LOWEST);
        }
        throw new IllegalArgumentException("unknown quorum preset '" + name + "'; valid presets: "
                + PRESET_MAJORITY + ", " + PRESET_CLUSTERED_POOL);
    }

    /** Sets two_node and, as corosync does when wait_for_all is not set explicitly, wait_for_all with it. */
    public QuorumOptions withTwoNode(boolean enabled) {
        return new QuorumOptions(enabled, enabled, autoTieBreaker, lastManStanding, lastManStandingWindowMs,
                expectedVotesOverride);
    }

    public QuorumOptions withWaitForAll(boolean enabled) {
        return new QuorumOptions(twoNode, enabled, autoTieBreaker, lastManStanding, lastManStandingWindowMs,
                expectedVotesOverride);
    }

    public QuorumOptions withAutoTieBreaker(AutoTieBreaker atb) {
        return new QuorumOptions(twoNode, waitForAll, atb, lastManStanding, lastManStandingWindowMs,
                expectedVotesOverride);
    }

    public QuorumOptions withLastManStanding(boolean enabled, long windowMs) {
        return new QuorumOptions(twoNode, waitForAll, autoTieBreaker, enabled, windowMs, expectedVotesOverride);
    }

    public QuorumOptions withExpectedVotes(Integer expectedVotes) {
        return new QuorumOptions(twoNode, waitForAll, autoTieBreaker, lastManStanding, lastManStandingWindowMs,
                expectedVotes);
    }

    /**
     * Rejects what corosync refuses to start with, and what it only "fixes" by switching an option off with a CRIT
     * log asking to fix corosync.conf. Combinations corosync accepts silently are left to {@link #warnings(List)}.
     *
     * @throws IllegalArgumentException naming the conflicting options
     */
    public void validate(List<NodeConfig> nodes) {
        List<String> problems = new ArrayList<>();
        checkNodes(nodes, problems);
        int nodeListVotes = nodes.stream().mapToInt(NodeConfig::votes).sum();
        if (nodes.isEmpty() && expectedVotesOverride == null) {
            // votequorum.c votequorum_readconfig: "nodelist or quorum.expected_votes must be configured!"
            problems.add("no nodes and no expected_votes: the node list or expected_votes must be configured");
        }
        if (expectedVotesOverride != null && expectedVotesOverride < 1) {
            problems.add("expected_votes must be at least 1, got " + expectedVotesOverride);
        }
        if (twoNode && autoTieBreaker.enabled()) {
            // votequorum.c votequorum_readconfig: "two_node and auto_tie_breaker are both specified but are not
            // compatible" (two_node uses a fence race, ATB decides by node id); corosync disables two_node.
            problems.add("two_node and auto_tie_breaker are not compatible: two_node lets a fence race decide, "
                    + "auto_tie_breaker decides by node id");
        }
        if (twoNode && nodes.size() > 2) {
            // votequorum.c calculate_quorum ignores two_node as soon as more than 2 nodes are members.
            problems.add("two_node needs exactly 2 nodes, the node list has " + nodes.size()
                    + " (corosync ignores two_node with more than 2 members)");
        }
        if (autoTieBreaker.enabled() && lastManStanding && nodeListVotes % 2 == 1 && !waitForAll) {
            // votequorum.c votequorum_readconfig: fatal "auto_tie_breaker & last_man_standing not available in odd
            // sized cluster" unless wait_for_all is set.
            problems.add("auto_tie_breaker and last_man_standing are not available with an odd number of votes ("
                    + nodeListVotes + ") unless wait_for_all is set");
        }
        if (lastManStanding && lastManStandingWindowMs <= 0) {
            problems.add("last_man_standing_window must be positive, got " + lastManStandingWindowMs + " ms");
        }
        if (autoTieBreaker instanceof AutoTieBreaker.ListOf list) {
            if (list.nodeIds().isEmpty()) {
                problems.add("auto_tie_breaker node list is empty: use 'lowest', 'highest' or node ids");
            }
            list.nodeIds().stream().filter(id -> id == null || id <= 0).findFirst().ifPresent(id ->
                    problems.add("auto_tie_breaker node list holds invalid node id " + id));
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid quorum options: " + String.join("; ", problems));
        }
    }

    /** Combinations corosync accepts but changes, each with the reason; empty when the options are used as given. */
    public List<String> warnings(List<NodeConfig> nodes) {
        List<String> warnings = new ArrayList<>();
        int nodeListVotes = nodes.stream().mapToInt(NodeConfig::votes).sum();
        if (autoTieBreaker.enabled() && nodeListVotes % 2 == 1 && !waitForAll) {
            warnings.add("auto_tie_breaker is off: the node list has an odd number of votes (" + nodeListVotes
                    + ") and wait_for_all is not set (votequorum.c votequorum_readconfig)");
        }
        if (lastManStanding && nodes.stream().anyMatch(n -> n.votes() > 1)) {
            // votequorum(5): "LMS does not work with asymmetric voting schemes, each node must vote 1";
            // votequorum.c message_handler_req_exec_votequorum_nodeinfo switches LMS off as soon as a nodeinfo
            // with votes > 1 arrives (checked against a real corosync 3 run: lms-unequal-votes-4n).
            warnings.add("last_man_standing is off once a node with more than 1 vote is seen: LMS needs every "
                    + "node to have exactly 1 vote");
        }
        return warnings;
    }

    private static void checkNodes(List<NodeConfig> nodes, List<String> problems) {
        Set<Integer> seen = new HashSet<>();
        for (NodeConfig node : nodes) {
            if (node.nodeId() <= 0) {
                problems.add("node id must be positive, got " + node.nodeId());
            }
            if (!seen.add(node.nodeId())) {
                problems.add("node " + node.nodeId() + " is listed twice");
            }
            if (node.votes() < 0) {
                problems.add("node " + node.nodeId() + " has negative votes " + node.votes());
            }
        }
    }
}
