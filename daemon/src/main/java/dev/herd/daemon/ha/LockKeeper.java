package dev.herd.daemon.ha;

import dev.herd.confdb.ClientResult;
import dev.herd.confdb.Op;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the HA manager's leased locks (docs/confdb.md "Locks") acquired and renewed while wanted: one request in
 * flight per lock, renewed every {@code renewMs}; the config store decides grants in total order and tracks this
 * host's belief. For a failed node's agent lock it also remembers when this host got it (the acknowledgement, later
 * than the grant, so the fence wait starts no earlier than the takeover) and whether it was free then.
 * Used by the HA thread only; acknowledgements arrive on the cluster loop and are queued.
 */
final class LockKeeper {
    private static final Logger log = LoggerFactory.getLogger(LockKeeper.class);

    /** When the lock was granted to this host (monotonic ms), and whether nobody held it at the time. */
    record Hold(long sinceMs, boolean wasFree) {
    }

    private record Ack(String name, long submitMs, long ackMs, boolean wasFree) {
    }

    private final HaCluster cluster;
    private final long leaseMs;
    private final long renewMs;
    private final Map<String, CompletableFuture<ClientResult>> inFlight = new HashMap<>();
    private final Map<String, Long> lastGrantMs = new HashMap<>();
    private final Map<String, Hold> holds = new HashMap<>();
    private final Queue<Ack> acks = new ConcurrentLinkedQueue<>();

    LockKeeper(HaCluster cluster, long leaseMs, long renewMs) {
        this.cluster = cluster;
        this.leaseMs = leaseMs;
        this.renewMs = renewMs;
    }

    /** Takes in the acknowledgements that arrived since the last round. */
    void drain() {
        for (Ack a; (a = acks.poll()) != null; ) {
            if (!inFlight.containsKey(a.name())) {
                continue; // released or given up meanwhile
            }
            lastGrantMs.put(a.name(), a.submitMs());
            holds.putIfAbsent(a.name(), new Hold(a.ackMs(), a.wasFree()));
        }
    }

    /** Requests or renews a wanted lock when due. {@code free}: no entry exists now; {@code heldNow}: the store's belief. */
    void keep(String name, long nowMs, boolean free, boolean heldNow) {
        if (!heldNow && !pending(name)) {
            holds.remove(name);
        }
        if (pending(name)) {
            return;
        }
        Long last = lastGrantMs.get(name);
        if (heldNow && last != null && nowMs - last < renewMs) {
            return;
        }
        try {
            CompletableFuture<ClientResult> f = cluster.haSubmit(new Op.Lock(name, leaseMs, 0));
            inFlight.put(name, f);
            f.thenAccept(r -> {
                if (r instanceof ClientResult.Acked) {
                    acks.add(new Ack(name, nowMs, System.nanoTime() / 1_000_000, free));
                } else if (heldNow) {
                    log.warn("lock {}: renewal not granted: {}", name, r);
                } else {
                    log.debug("lock {}: not granted: {}", name, r);
                }
            });
        } catch (Exception e) {
            log.debug("lock {}: request not submitted: {}", name, e.toString());
        }
    }

    private boolean pending(String name) {
        CompletableFuture<ClientResult> f = inFlight.get(name);
        return f != null && !f.isDone();
    }

    /** Gives a lock back (the holder's Unlock); its hold is forgotten at once. */
    void release(String name) {
        forget(name);
        try {
            cluster.haSubmit(new Op.Unlock(name));
        } catch (Exception e) {
            log.debug("lock {}: release not submitted: {}", name, e.toString());
        }
    }

    /** Stops renewing without releasing: the lease runs out (what lets the master fence this host). */
    void forget(String name) {
        inFlight.remove(name);
        holds.remove(name);
        lastGrantMs.remove(name);
    }

    Hold hold(String name) {
        return holds.get(name);
    }

    boolean tracks(String name) {
        return inFlight.containsKey(name) || holds.containsKey(name);
    }
}
