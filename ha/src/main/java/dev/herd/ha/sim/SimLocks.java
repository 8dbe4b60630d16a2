package dev.herd.ha.sim;

import java.util.HashMap;
import java.util.Map;

/**
 * The config store's leased locks as the simulation models them (docs/confdb.md "Locks"): granted in total order by
 * the quorate partition; a holder believes in its lock until grant + lease; another host takes it over only after
 * watching it unchanged for a lease since it (re)joined — the same rules the real store enforces.
 */
final class SimLocks {
    private record Lock(int holder, long changedMs) {
    }

    /** The outcome of one request: granted (and whether the lock had been free), or refused. */
    record Grant(boolean granted, boolean wasFree) {
    }

    private final long leaseMs;
    private final Map<String, Lock> locks = new HashMap<>();
    private final Map<String, Map<Integer, Long>> beliefUntilMs = new HashMap<>();

    SimLocks(long leaseMs) {
        this.leaseMs = leaseMs;
    }

    Grant acquire(String name, int node, long nowMs, long watchingSinceMs) {
        Lock l = locks.get(name);
        boolean free = l == null;
        if (!free && l.holder() != node && nowMs < Math.max(l.changedMs(), watchingSinceMs) + leaseMs) {
            return new Grant(false, false);
        }
        locks.put(name, new Lock(node, nowMs));
        beliefUntilMs.computeIfAbsent(name, k -> new HashMap<>()).put(node, nowMs + leaseMs);
        return new Grant(true, free);
    }

    void release(String name, int node, long nowMs) {
        Lock l = locks.get(name);
        if (l != null && l.holder() == node) {
            locks.remove(name);
        }
        forget(name, node);
    }

    void forget(String name, int node) {
        Map<Integer, Long> b = beliefUntilMs.get(name);
        if (b != null) {
            b.remove(node);
        }
    }

    void forgetAll(int node) {
        beliefUntilMs.values().forEach(b -> b.remove(node));
    }

    boolean holds(String name, int node, long nowMs) {
        Map<Integer, Long> b = beliefUntilMs.get(name);
        return b != null && b.getOrDefault(node, Long.MIN_VALUE) > nowMs;
    }

    int believers(String name, long nowMs) {
        Map<Integer, Long> b = beliefUntilMs.get(name);
        if (b == null) {
            return 0;
        }
        int n = 0;
        for (long until : b.values()) {
            if (until > nowMs) {
                n++;
            }
        }
        return n;
    }
}
