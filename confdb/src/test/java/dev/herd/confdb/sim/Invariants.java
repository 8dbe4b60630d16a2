package dev.herd.confdb.sim;

import dev.herd.confdb.Change;
import dev.herd.confdb.ConfdbState;
import dev.herd.confdb.Entry;
import dev.herd.confdb.ReplicaState;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The safety properties, checked after every simulated event. Each check returns a description of the violation, or
 * null. What exactly is checked:
 * <ol>
 * <li>agreement: any two hosts whose states carry the same (gen, version) hold the same tree (same digest) — the
 * lineage is one history; in particular synced members of a quorate view at the same version agree;</li>
 * <li>no lost acknowledged write: on every Active (synced and quorate) host, the latest acknowledged write of each
 * path is present, or superseded by a later write (a higher entry version, or a later delete);</li>
 * <li>no minority write: a write is applied (a byWrite change) only by a host whose view holds a strict majority;</li>
 * <li>locks: at every instant, at most one host believes it holds a given lock ({@code holdsLock} on its own clock).</li>
 * </ol>
 */
final class Invariants {

    /** {@code value} null: not compared (a lock's lease may be kept longer by a renew). */
    record Acked(String path, long version, byte[] value, boolean deleted) {
    }

    private final Map<String, Long> digestAt = new HashMap<>(); // "gen/version" → digest
    private final Map<String, Acked> latestAcked = new TreeMap<>();
    private final Map<String, NavigableSet<Long>> deletedAt = new HashMap<>();

    void acked(Acked a) {
        Acked prior = latestAcked.get(a.path());
        if (prior == null || prior.version() < a.version()) {
            latestAcked.put(a.path(), a);
        }
    }

    /** @return a violation of (3), or null; also records deletes for (2) */
    String changed(SimCluster cluster, SimCluster.Host h, Change change) {
        if (!change.byWrite()) {
            return null;
        }
        if (change.entry() == null) {
            deletedAt.computeIfAbsent(change.path(), p -> new TreeSet<>()).add(change.stateVersion());
        }
        if (!cluster.oracleQuorate(h)) {
            return "node" + h.id + " applied a write in a minority view " + (h.view == null ? "none"
                    : h.view.members) + ": " + change;
        }
        return null;
    }

    String check(SimCluster cluster) {
        for (SimCluster.Host h : cluster.live()) {
            ConfdbState s = h.replica.snapshot();
            String key = s.gen() + "/" + s.version();
            Long known = digestAt.putIfAbsent(key, h.replica.digest());
            if (known != null && known != h.replica.digest()) {
                return "node" + h.id + " holds a different tree at gen/version " + key + ": " + h.replica;
            }
            if (h.replica.state() instanceof ReplicaState.Active) {
                String lost = lostWrite(h, s);
                if (lost != null) {
                    return lost;
                }
            }
        }
        return locks(cluster);
    }

    private String lostWrite(SimCluster.Host h, ConfdbState s) {
        for (Acked a : latestAcked.values()) {
            Entry e = s.entries().get(a.path());
            boolean ok;
            if (e != null) {
                ok = e.version() > a.version() || (e.version() == a.version() && !a.deleted()
                        && (a.value() == null || Arrays.equals(e.value(), a.value())));
            } else {
                NavigableSet<Long> deletes = deletedAt.get(a.path());
                ok = a.deleted() ? s.version() >= a.version()
                        : deletes != null && deletes.higher(a.version()) != null && s.version() > a.version();
            }
            if (!ok) {
                return "acknowledged write " + a.path() + "@v" + a.version() + " lost on synced quorate node" + h.id
                        + " which has " + e + ": " + h.replica;
            }
        }
        return null;
    }

    private String locks(SimCluster cluster) {
        for (String name : Workload.LOCK_NAMES) {
            String holder = null;
            for (SimCluster.Host h : cluster.live()) {
                if (h.replica.holdsLock(name, cluster.clockOf(h))) {
                    if (holder != null) {
                        return "lock " + name + " held by " + holder + " and node" + h.id + " at the same instant";
                    }
                    holder = "node" + h.id;
                }
            }
        }
        return null;
    }
}
