package dev.herd.confdb;

import java.util.HashMap;
import java.util.Map;

/**
 * This host's monotonic view of the leased locks: when it last saw each lock entry change, and until when it may
 * itself assume to hold a lock. Volatile by design: after a restart a host has seen nothing, so it waits a whole
 * lease before claiming any lock expired, and believes it holds nothing until its next renew is acknowledged.
 *
 * <p>The guarantee (docs/confdb.md "Locks"): a host takes a lock over only when it has seen the same lock version for
 * the holder's {@code leaseMs} on its own clock; it saw that version no earlier than the holder submitted the
 * request that created it; the holder believes in its lease only until {@code submitMs + leaseMs} of that request on
 * its own clock. So with equal clock rates, the holder's belief ends before anyone else's grant begins.
 */
final class LockClock {

    /** A takeover claim: the version seen expired (0 when the lock is free), or why the lock cannot be claimed. */
    record Claim(long observedVersion, String refusal) {
    }

    private record Seen(long version, long seenMs) {
    }

    private final Map<String, Seen> seen = new HashMap<>();
    private final Map<String, Long> heldUntilMs = new HashMap<>();
    private final Map<String, Long> releasedAtMs = new HashMap<>();

    /** Restarts the lease clock of a lock path whenever its entry changes (write, renew, release or sync). */
    void observe(Change change, long nowMs) {
        if (!PathRules.isUnder(change.path(), "locks")) {
            return;
        }
        if (change.entry() == null) {
            seen.remove(change.path());
        } else {
            seen.put(change.path(), new Seen(change.entry().version(), nowMs));
        }
    }

    /** After a sync: any lock entry whose version we have not seen starts its clock now (conservative). */
    void observeAll(Store store, Iterable<Entry> lockEntries, long nowMs) {
        for (Entry e : lockEntries) {
            Seen s = seen.get(e.path());
            if (s == null || s.version() != e.version()) {
                seen.put(e.path(), new Seen(e.version(), nowMs));
            }
        }
        seen.keySet().removeIf(path -> store.get(path) == null);
    }

    /**
     * After adopting a peer's state: its lock entries may be other writes than the ones we watched even at the same
     * version (lineages reuse version numbers), so every lock's clock restarts now. Costs at most one extra lease.
     */
    void restartAll(Iterable<Entry> lockEntries, long nowMs) {
        seen.clear();
        for (Entry e : lockEntries) {
            seen.put(e.path(), new Seen(e.version(), nowMs));
        }
    }

    Claim claim(String name, Entry current, int localNodeId, long nowMs) {
        if (current == null) {
            return new Claim(0, null);
        }
        if (current.writerNodeId() == localNodeId) {
            return new Claim(0, null); // a renew: granted in total order while we are still the writer
        }
        long leaseMs = Leases.decode(current);
        Seen s = seen.get(current.path());
        if (s == null || s.version() != current.version()) {
            return new Claim(0, "lock " + name + " is held by node" + current.writerNodeId()
                    + ": this host has not yet watched its version " + current.version() + " for a lease");
        }
        long leftMs = s.seenMs() + leaseMs - nowMs;
        if (leftMs > 0) {
            return new Claim(0, "lock " + name + " is held by node" + current.writerNodeId() + ": its lease expires in "
                    + leftMs + " ms as seen by this host");
        }
        return new Claim(current.version(), null);
    }

    /** The lock request submitted at {@code submitMs} is acknowledged: we hold it for {@code leaseMs} from then. */
    void granted(String name, long submitMs, long leaseMs) {
        Long releasedMs = releasedAtMs.get(name);
        if (releasedMs != null && submitMs <= releasedMs) {
            return; // we asked to release after this request: its ack must not revive a belief we gave up
        }
        heldUntilMs.merge(name, submitMs + leaseMs, Math::max);
    }

    /** We asked to release: stop believing at once (the release itself may still be in flight). */
    void released(String name, long nowMs) {
        heldUntilMs.remove(name);
        releasedAtMs.merge(name, nowMs, Math::max);
    }

    boolean holds(String name, long nowMs) {
        Long until = heldUntilMs.get(name);
        return until != null && nowMs < until;
    }
}
