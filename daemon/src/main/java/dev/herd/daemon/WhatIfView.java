package dev.herd.daemon;

import dev.herd.api.ApiTypes;
import dev.herd.daemon.state.ClusterNodeEntry;
import dev.herd.daemon.state.StateStore;
import dev.herd.quorum.QuorumStatus;
import dev.herd.quorum.WhatIf;
import dev.herd.quorum.WhatIfResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** `herd quorum what-if --down NODE…`: XenServer's advice before a forced shutdown, from the pure engine. */
final class WhatIfView {
    private WhatIfView() {}

    static ApiTypes.WhatIfResult evaluate(StateStore.Membership m, QuorumDriver quorum, List<String> down)
            throws ApiFailure {
        if (down == null || down.isEmpty()) {
            throw new ApiFailure(400, "no node given", "name the hosts that would go down: --down node2 node3");
        }
        Set<Integer> downIds = new TreeSet<>();
        for (String name : down) {
            ClusterNodeEntry n = m.config().find(name).orElseThrow(() -> new ApiFailure(404,
                    "no node '" + name + "' in cluster '" + m.config().clusterName() + "'", "see 'herd status'"));
            downIds.add(n.id());
        }
        Set<Integer> members = new TreeSet<>(quorum.members());
        Set<Integer> alreadyDown = new TreeSet<>(downIds);
        alreadyDown.removeAll(members);
        Set<Integer> goingDown = new TreeSet<>(downIds);
        goingDown.retainAll(members);
        WhatIfResult r = WhatIf.evaluate(m.config().quorumConfig(), members, goingDown);
        Set<Integer> survivors = new TreeSet<>(members);
        survivors.removeAll(goingDown);
        QuorumStatus after = r.survivorStatus();
        String reason = r.reason() + (alreadyDown.isEmpty() ? "" : "; already down: " + alreadyDown);
        String advice = r.keepsQuorum()
                ? "safe for quorum: the remaining hosts " + survivors + " stay quorate"
                : "do not shut these down together: the remaining hosts would lose quorum and fence themselves; "
                + "shut down fewer hosts, or 'herd node forget' hosts that are permanently gone first";
        return new ApiTypes.WhatIfResult(r.keepsQuorum(), List.copyOf(downIds), new ArrayList<>(survivors),
                after == null ? 0 : after.expectedVotes(), after == null ? 0 : after.totalVotes(),
                after == null ? 0 : after.quorum(), after == null ? List.of() : after.flags(), reason, advice);
    }
}
