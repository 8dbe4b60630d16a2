package dev.herd.ha.crm;

import dev.herd.ha.HaTimeouts;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The master's fencing of failed nodes (DESIGN.md §3 invariant 2, "fence before recovery"). A node counts as fenced
 * when one of these holds:
 * <ul>
 *   <li>its fence agent confirmed the power-off, in an attempt this master started after the node had to be fenced;</li>
 *   <li>the master holds the node's agent lock and got it free: the node released it after stopping its guests
 *       (a clean shutdown) or never held it;</li>
 *   <li>the master took the agent lock over after its lease expired, and {@code watchdogTimeoutMs + fenceMarginMs}
 *       have passed since: the node fed its watchdog only while it believed it held the lock, that belief ended
 *       before the takeover, so its watchdog has fired (pve: fencing acknowledged by getting the agent lock, with a
 *       lease twice the watchdog timeout).</li>
 * </ul>
 * Volatile by design: a new master starts every fence afresh (it waits for its own takeover). Fence agents are
 * used only for hosts outside the quorate membership.
 */
final class Fencing {
    private static final class Attempt {
        final int number;
        boolean running = true;
        boolean ok;
        long failedAtMs;

        Attempt(int number) {
            this.number = number;
        }
    }

    private final HaTimeouts timeouts;
    private final SortedSet<Integer> fencing = new TreeSet<>();
    private final SortedSet<Integer> fencedAndHeld = new TreeSet<>();
    private final Map<Integer, Attempt> attempts = new HashMap<>();
    private int nextAttempt = 1;

    Fencing(HaTimeouts timeouts) {
        this.timeouts = timeouts;
    }

    /** Fence agent attempts that ended since the last round. */
    void absorb(List<FenceAgentOutcome> outcomes, List<String> log) {
        for (FenceAgentOutcome o : outcomes) {
            Attempt a = attempts.get(o.node());
            if (a == null || a.number != o.attempt()) {
                log.add("fence agent: ignoring the outcome of node" + o.node() + " attempt " + o.attempt()
                        + " (no longer fencing it)");
                continue;
            }
            a.running = false;
            a.ok = o.ok();
            if (o.ok()) {
                log.add("fence agent: node" + o.node() + " attempt " + o.attempt() + " succeeded: " + o.message());
            } else {
                a.failedAtMs = -1; // set on the next round from its clock, see tryFence
                log.add("fence agent: node" + o.node() + " attempt " + o.attempt() + " failed: " + o.message()
                        + "; retrying in " + timeouts.fenceRetryMs() + " ms");
            }
        }
    }

    /** Advances the fencing of {@code node}; returns why it counts as fenced, or null while it does not yet. */
    String tryFence(int node, CrmInput in, List<FenceAgentRun> runs, List<String> log) {
        long now = in.nowMs();
        fencing.add(node);
        // A host that is back in the quorate membership is not powered off: it would cost the quorum it restores
        // (two such hosts of three, and the master fences itself into a minority), and its own LRM, seeing it must
        // be fenced, no longer renews its agent lock, so the lock path below proves it safe.
        if (in.fenceAgentNodes().contains(node) && !in.members().contains(node)) {
            Attempt a = attempts.get(node);
            if (a != null && !a.running && !a.ok && a.failedAtMs < 0) {
                a.failedAtMs = now;
            }
            if (a == null || (!a.running && !a.ok && now >= a.failedAtMs + timeouts.fenceRetryMs())) {
                a = new Attempt(nextAttempt++);
                attempts.put(node, a);
                runs.add(new FenceAgentRun(node, a.number));
                log.add("fence agent: attempt " + a.number + " to power off node" + node);
            }
            if (a.ok) {
                return done(node, "fence agent confirmed node" + node + " is powered off (attempt " + a.number + ")");
            }
        }
        AgentLockHold hold = in.agentLocks().get(node);
        if (hold != null) {
            if (hold.wasFree()) {
                return done(node, "got agent lock of node" + node + ", which was free: it had stopped its services");
            }
            long waitedMs = now - hold.sinceMs();
            if (waitedMs >= timeouts.fenceWaitAfterTakeoverMs()) {
                return done(node, "got agent lock of node" + node + " after its lease expired, and its watchdog ("
                        + timeouts.watchdogTimeoutMs() + " ms) plus margin (" + timeouts.fenceMarginMs()
                        + " ms) have passed");
            }
        }
        return null;
    }

    private String done(int node, String reason) {
        fencing.remove(node);
        attempts.remove(node);
        fencedAndHeld.add(node);
        return reason;
    }

    /** The node is back in the quorate partition: give its agent lock back to it. */
    void nodeOnline(int node) {
        fencing.remove(node);
        fencedAndHeld.remove(node);
        attempts.remove(node);
    }

    /** Agent locks to hold: of nodes being fenced (the proof) and of fenced nodes until they are back. */
    SortedSet<Integer> locksWanted() {
        SortedSet<Integer> wanted = new TreeSet<>(fencing);
        wanted.addAll(fencedAndHeld);
        return wanted;
    }
}
