package dev.herd.daemon.ha;

import dev.herd.confdb.ClientResult;
import dev.herd.confdb.Entry;
import dev.herd.confdb.Op;
import java.util.NavigableMap;
import java.util.Set;
import java.util.SortedSet;
import java.util.concurrent.CompletableFuture;

/** What the HA manager needs from the cluster layer and the config store (implemented by ClusterService). */
public interface HaCluster {
    /**
     * One consistent reading, taken on the cluster loop.
     *
     * @param quorate      votequorum says quorate and the config store is synced and writable (Active)
     * @param members      the current membership's node ids that are in the cluster's node list
     * @param entries      every entry under {@code ha/}, {@code guests/} and {@code locks/}
     * @param heldLocks    of the asked lock names, those this host believes it holds now
     */
    record Facts(int localNode, SortedSet<Integer> clusterNodes, SortedSet<Integer> members, boolean quorate,
                 NavigableMap<String, Entry> entries, Set<String> heldLocks) {
    }

    /** Null when this host is in no cluster (yet). */
    Facts haFacts(Set<String> lockNames) throws Exception;

    /** Submits on the loop; the future completes with the store's result. */
    CompletableFuture<ClientResult> haSubmit(Op op) throws Exception;
}
