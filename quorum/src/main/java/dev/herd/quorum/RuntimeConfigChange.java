package dev.herd.quorum;

import java.util.ArrayList;
import java.util.List;

/**
 * votequorum(5): "Only votes, quorum_votes, expected_votes and two_node can be changed at runtime. Everything else
 * requires a cluster restart." (votequorum.c votequorum_set_icmap_ro_keys makes the others read-only.)
 * wait_for_all may follow two_node, because corosync's wait_for_all_autoset does exactly that.
 */
final class RuntimeConfigChange {

    private RuntimeConfigChange() {
    }

    static void checkAllowed(QuorumOptions before, QuorumOptions after) {
        List<String> changed = new ArrayList<>();
        boolean waitForAllFollowsTwoNode = before.waitForAll() == before.twoNode()
                && after.waitForAll() == after.twoNode();
        if (before.waitForAll() != after.waitForAll() && !waitForAllFollowsTwoNode) {
            changed.add("wait_for_all");
        }
        if (!before.autoTieBreaker().equals(after.autoTieBreaker())) {
            changed.add("auto_tie_breaker");
        }
        if (before.lastManStanding() != after.lastManStanding()) {
            changed.add("last_man_standing");
        }
        if (before.lastManStandingWindowMs() != after.lastManStandingWindowMs()) {
            changed.add("last_man_standing_window");
        }
        if (!changed.isEmpty()) {
            throw new IllegalArgumentException(String.join(", ", changed) + " cannot be changed at runtime; only the "
                    + "node list, votes, expected_votes and two_node can (votequorum(5)); restart the cluster instead");
        }
    }
}
