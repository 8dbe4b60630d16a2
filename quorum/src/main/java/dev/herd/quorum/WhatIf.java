package dev.herd.quorum;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code herd quorum what-if}: XenServer's "would the pool keep quorum if these hosts shut down?", answered from a
 * whole-cluster picture by running the real engines through the membership changes. Pure.
 *
 * <p>Assumptions, stated because they matter: all configured nodes were once members together (so wait_for_all is
 * satisfied and the tie-breaker knows the lowest node id), the current membership has been stable for longer than
 * the last_man_standing window, the current members are connected, and {@code goingDown} leave together.
 */
public final class WhatIf {

    private WhatIf() {
    }

    public static WhatIfResult evaluate(QuorumConfig config, Set<Integer> currentMembers, Set<Integer> goingDown) {
        Set<Integer> configured = new TreeSet<>(config.nodes().stream().map(NodeConfig::nodeId).toList());
        if (!configured.containsAll(currentMembers)) {
            throw new IllegalArgumentException("current members " + new TreeSet<>(currentMembers)
                    + " include nodes outside the node list " + configured);
        }
        if (!currentMembers.containsAll(goingDown)) {
            throw new IllegalArgumentException("nodes going down " + new TreeSet<>(goingDown)
                    + " are not all current members " + new TreeSet<>(currentMembers));
        }
        Map<Integer, Votequorum> engines = new TreeMap<>();
        configured.forEach(id -> engines.put(id, new Votequorum(id, config)));
        changeMembership(engines, configured, 0);
        engines.keySet().retainAll(currentMembers);
        long settledMs = config.options().lastManStandingWindowMs() + 1;
        if (!engines.isEmpty()) {
            changeMembership(engines, currentMembers, 0);
            engines.values().forEach(engine -> engine.tick(settledMs));
        }
        if (currentMembers.isEmpty()) {
            return new WhatIfResult(false, null, "no node is running");
        }
        QuorumStatus now = engines.get(new TreeSet<>(currentMembers).first()).status();
        if (!now.quorate()) {
            return new WhatIfResult(false, null, "the cluster is not quorate now: " + now.reason());
        }
        Set<Integer> survivors = new TreeSet<>(currentMembers);
        survivors.removeAll(goingDown);
        if (survivors.isEmpty()) {
            return new WhatIfResult(false, null, "no node would be left running");
        }
        engines.keySet().retainAll(survivors);
        if (!goingDown.isEmpty()) {
            changeMembership(engines, survivors, settledMs);
        }
        QuorumStatus after = engines.get(new TreeSet<>(survivors).first()).status();
        String verdict = after.quorate() ? "keeps quorum" : "loses quorum";
        return new WhatIfResult(after.quorate(), after, "nodes " + survivors + " " + verdict + " without "
                + new TreeSet<>(goingDown) + ": " + after.reason());
    }

    /** A totem membership change: every member gets the view, then every nodeinfo in agreed order. */
    private static void changeMembership(Map<Integer, Votequorum> engines, Set<Integer> members, long nowMs) {
        List<NodeInfo> infos = new ArrayList<>();
        for (int id : new TreeSet<>(members)) {
            infos.add(engines.get(id).handleViewChange(members, nowMs));
        }
        for (NodeInfo info : infos) {
            for (int id : new TreeSet<>(members)) {
                engines.get(id).handleNodeInfo(info, nowMs);
            }
        }
    }
}
