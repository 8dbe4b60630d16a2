package dev.herd.quorum;

import java.util.Collection;
import java.util.List;
import java.util.function.IntPredicate;

/** The pure arithmetic of votequorum.c: calculate_quorum, the quorate test of are_we_quorate, check_auto_tie_breaker. */
final class QuorumRules {

    private QuorumRules() {
    }

    /** calculate_quorum's formula, "taken from the OpenVMS Cluster Systems manual": a strict majority of both. */
    static int majority(int highestExpected, int totalVotes) {
        return Math.max((highestExpected + 2) / 2, (totalVotes + 2) / 2);
    }

    /**
     * votequorum.c calculate_quorum: quorum from the highest expected votes among members (or {@code maxExpected}
     * when positive, as last_man_standing passes the member count), never below the current quorum unless
     * {@code allowDecrease}; two_node forces 1 while at most two nodes are members.
     */
    static int calculateQuorum(Collection<ClusterNode> nodes, int currentQuorum, boolean allowDecrease,
            int maxExpected, boolean twoNode) {
        int totalVotes = 0;
        int highestExpected = 0;
        int totalNodes = 0;
        for (ClusterNode node : nodes) {
            if (node.isMember()) {
                highestExpected = Math.max(highestExpected, node.expectedVotes);
                totalVotes += node.votes;
                totalNodes++;
            }
        }
        if (maxExpected > 0) {
            highestExpected = maxExpected;
        }
        int newQuorum = majority(highestExpected, totalVotes);
        if (!allowDecrease) {
            newQuorum = Math.max(currentQuorum, newQuorum); // "Normally quorum never decreases"
        }
        if (twoNode && totalNodes <= 2) {
            newQuorum = 1; // "The special two_node mode allows each of the two nodes to retain quorum"
        }
        return newQuorum;
    }

    /** What are_we_quorate looks at, after the wait_for_all gate. */
    record Input(int totalVotes, int quorum, int expectedVotes, EffectiveOptions options, List<Integer> members,
            List<Integer> previousMembers, int lowestNodeId, int highestNodeId, IntPredicate isMember) {
    }

    /**
     * @param byVotes true when total votes reach quorum (then corosync records the lowest/highest member ids)
     */
    record Decision(boolean quorate, boolean byVotes, String reason) {
    }

    /** are_we_quorate: votes first, then the auto_tie_breaker exception for a half split. */
    static Decision decide(Input in) {
        if (in.quorum() <= in.totalVotes()) {
            String how = in.options().twoNode() && in.quorum() == 1 ? " (two_node)" : "";
            return new Decision(true, true,
                    "quorate: total votes " + in.totalVotes() + " >= quorum " + in.quorum() + how);
        }
        AutoTieBreaker atb = in.options().autoTieBreaker();
        String notQuorate = "not quorate: total votes " + in.totalVotes() + " < quorum " + in.quorum();
        if (!atb.enabled()) {
            return new Decision(false, false, notQuorate);
        }
        // "Must be a half (or half-1) split"
        if (in.totalVotes() != in.expectedVotes() / 2) {
            return new Decision(false, false, notQuorate + "; auto_tie_breaker needs exactly half of expected votes "
                    + in.expectedVotes() + " (" + in.expectedVotes() / 2 + ")");
        }
        // "If the 'other' partition in a split might have quorum then we can't run ATB"
        int departed = in.previousMembers().size() - in.members().size();
        if (departed >= in.quorum()) {
            return new Decision(false, false, notQuorate + "; auto_tie_breaker not applied: " + departed
                    + " nodes left, enough for the other side to be quorate");
        }
        TieBreak tieBreak = checkAutoTieBreaker(in);
        if (tieBreak.wins()) {
            return new Decision(true, false, "quorate by auto_tie_breaker (" + atb.describe() + "): total votes "
                    + in.totalVotes() + " is half of expected votes " + in.expectedVotes() + " and " + tieBreak.why());
        }
        return new Decision(false, false, notQuorate + "; auto_tie_breaker (" + atb.describe() + "): "
                + tieBreak.why());
    }

    private record TieBreak(boolean wins, String why) {
    }

    /** check_auto_tie_breaker: whether this partition wins the tie, and why. */
    private static TieBreak checkAutoTieBreaker(Input in) {
        switch (in.options().autoTieBreaker()) {
            case AutoTieBreaker.Lowest l -> {
                // check_low_node_id_partition: the lowest id of the last quorate membership is here
                boolean here = in.isMember().test(in.lowestNodeId());
                return new TieBreak(here, "node " + in.lowestNodeId() + (here ? " is here" : " is not here")
                        + " (lowest node id when last quorate)");
            }
            case AutoTieBreaker.Highest h -> {
                boolean here = in.isMember().test(in.highestNodeId());
                return new TieBreak(here, "node " + in.highestNodeId() + (here ? " is here" : " is not here")
                        + " (highest node id when last quorate)");
            }
            case AutoTieBreaker.ListOf list -> {
                List<Integer> ids = list.nodeIds();
                for (int i = 0; i < ids.size(); i++) {
                    if (!in.members().contains(ids.get(i))) {
                        continue;
                    }
                    // A predecessor in the list that was with us before but is gone may hold the other half.
                    for (int j = 0; j < i; j++) {
                        if (in.previousMembers().contains(ids.get(j))) {
                            return new TieBreak(false, "listed node " + ids.get(j)
                                    + " was in the previous membership but is not here");
                        }
                    }
                    return new TieBreak(true, "listed node " + ids.get(i) + " is here");
                }
                return new TieBreak(false, "no listed node " + ids + " is here");
            }
            case AutoTieBreaker.None n -> {
                return new TieBreak(false, "auto_tie_breaker is off");
            }
        }
    }
}
