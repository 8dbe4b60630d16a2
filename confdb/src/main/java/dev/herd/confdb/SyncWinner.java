package dev.herd.confdb;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The sync rule: the state with the highest (gen, version) wins. A higher gen means a later quorate epoch (gens of
 * quorate epochs are unique and ordered, thanks to the promise), and within one gen states are prefixes of one total
 * order, so the higher version holds every write the lower one holds. A state that only a minority touched never
 * carries a higher gen: minorities neither apply writes nor relabel. pmxcfs' dfsm picks the leader by highest version
 * too, but without the gen it cannot tell an unacknowledged tail left on a partitioned host from the newer quorate
 * lineage.
 *
 * <p>Ties (same gen and version) hold the same tree unless a host's copy was damaged silently; then the digest held by
 * the most members wins, and among those the lowest node id, so one damaged host cannot overwrite a healthy majority.
 */
final class SyncWinner {
    private SyncWinner() {
    }

    /** @return the node id whose state every member adopts */
    static int choose(Map<Integer, ConfdbMessage.SyncState> byNode) {
        ConfdbMessage.SyncState best = null;
        for (ConfdbMessage.SyncState s : byNode.values()) {
            if (best == null || s.gen() > best.gen() || (s.gen() == best.gen() && s.version() > best.version())) {
                best = s;
            }
        }
        if (best == null) {
            throw new IllegalArgumentException("no sync states to choose from");
        }
        Map<Long, Integer> holdersOfDigest = new HashMap<>();
        TreeMap<Integer, ConfdbMessage.SyncState> tied = new TreeMap<>(); // ascending node ids
        for (var e : byNode.entrySet()) {
            if (e.getValue().gen() == best.gen() && e.getValue().version() == best.version()) {
                tied.put(e.getKey(), e.getValue());
                holdersOfDigest.merge(e.getValue().digest(), 1, Integer::sum);
            }
        }
        int winner = -1;
        int winnerHolders = 0;
        for (var e : tied.entrySet()) {
            int holders = holdersOfDigest.get(e.getValue().digest());
            if (holders > winnerHolders) {
                winner = e.getKey();
                winnerHolders = holders;
            }
        }
        return winner;
    }
}
