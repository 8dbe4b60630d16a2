package dev.herd.quorum;

import java.util.List;

/**
 * The options in force after votequorum.c votequorum_readconfig has applied corosync's own corrections:
 * two_node is dropped when auto_tie_breaker is set, and auto_tie_breaker is dropped when the node list has an odd
 * number of votes and wait_for_all is off. Also this node's votes and expected votes.
 *
 * @param nodeVotes     this node's {@code quorum_votes} from the node list
 * @param expectedVotes {@code quorum.expected_votes} if set, else the node list's sum of votes
 */
record EffectiveOptions(boolean twoNode, boolean waitForAll, AutoTieBreaker autoTieBreaker, int nodeVotes,
        int expectedVotes, List<String> warnings) {

    /**
     * @param initialAutoTieBreaker the tie-breaker read at startup; votequorum.c restores {@code initial_auto_tie_breaker}
     *                              on every reload because auto_tie_breaker cannot change at runtime
     */
    static EffectiveOptions read(int localNodeId, QuorumConfig config, AutoTieBreaker initialAutoTieBreaker) {
        QuorumOptions options = config.options();
        NodeConfig self = config.node(localNodeId).orElse(null);
        if (self == null && options.expectedVotesOverride() == null) {
            throw new IllegalArgumentException("node " + localNodeId + " is not in the node list " + config.nodes()
                    + " and expected_votes is not set (votequorum.c: nodelist or quorum.expected_votes must be configured)");
        }
        int nodeListVotes = config.nodeListVotes();
        boolean twoNode = options.twoNode();
        AutoTieBreaker atb = initialAutoTieBreaker;
        if (twoNode && atb.enabled()) {
            twoNode = false; // votequorum_readconfig: "two_node has been disabled, please fix your corosync.conf"
        }
        if (atb.enabled() && nodeListVotes % 2 == 1 && !options.waitForAll()) {
            atb = AutoTieBreaker.NONE; // votequorum_readconfig: "Therefore auto_tie_breaker has been disabled"
        }
        // votequorum_readconfig: node list votes (default 1 when not in it: quorum.votes), then expected_votes wins.
        int votes = self == null ? 1 : self.votes();
        int expected = options.expectedVotesOverride() != null ? options.expectedVotesOverride() : nodeListVotes;
        return new EffectiveOptions(twoNode, options.waitForAll(), atb, votes, expected,
                options.warnings(config.nodes()));
    }
}
