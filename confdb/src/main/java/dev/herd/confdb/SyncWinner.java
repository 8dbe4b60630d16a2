package dev.herd.confdb;

import java.util.Map;
import java.util.TreeMap;

/**
 * The sync rule: the state with the highest (gen, version) wins, ties to the lowest node id. A higher gen means a
 * later quorate epoch (gens of quorate epochs are unique and ordered, thanks to the promise), and within one gen
 * states are prefixes of one total order, so the higher version holds every write the lower one holds. A state that
 * only a minority touched never carries a higher gen: minorities neither apply writes nor relabel.
 * pmxcfs' dfsm picks the leader by highest version too, but without the gen it cannot tell an unacknowledged tail
 * left on a partitioned host from the newer quorate lineage.
 */
final class SyncWinner {
    private SyncWinner() {
    }

    /** @return the node id whose state every member adopts */
    static int choose(Map<Integer, ConfdbMessage.SyncState> byNode) {
        int bestNode = -1;
        ConfdbMessage.SyncState best = null;
        for (var e : new TreeMap<>(byNode).entrySet()) { // ascending ids: a tie keeps the lower one
            ConfdbMessage.SyncState s = e.getValue();
            if (best == null || s.gen() > best.gen() || (s.gen() == best.gen() && s.version() > best.version())) {
                best = s;
                bestNode = e.getKey();
            }
        }
        if (best == null) {
            throw new IllegalArgumentException("no sync states to choose from");
        }
        return bestNode;
    }
}
