package dev.herd.confdb;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * This host's client writes between submission and answer: queued while a sync runs, in flight once broadcast,
 * acknowledged only when every member of the view has said (Applied / SyncReady) that its disk holds the write.
 * An active round is passed as its number, or -1 when the replica is not {@link ReplicaState.Active}.
 */
final class Writes {

    private static final class Pending {
        final ClientRequest request;
        final long submitMs;
        long version; // 0 until applied here
        String detail;

        Pending(ClientRequest request, long submitMs) {
            this.request = request;
            this.submitMs = submitMs;
        }
    }

    private final int localNodeId;
    private final Limits limits;
    private final Map<Long, Pending> inFlight = new LinkedHashMap<>();
    private final ArrayDeque<Pending> queued = new ArrayDeque<>();
    private ViewId view;
    private java.util.Set<Integer> members = java.util.Set.of();
    private final Map<Integer, Long> appliedBy = new java.util.TreeMap<>(); // per view: what each member holds durably
    private long announcedVersion;

    Writes(int localNodeId, Limits limits) {
        this.localNodeId = localNodeId;
        this.limits = limits;
    }

    /** @return why the write is refused before it is sent, or null */
    String check(Op op, boolean quorate, ReplicaState state) {
        String pathProblem = PathRules.problem(op.path(), limits);
        if (pathProblem != null) {
            return pathProblem;
        }
        if ((op instanceof Op.Set || op instanceof Op.Delete) && PathRules.isUnder(op.path(), "locks")) {
            return op.path() + " is a lock: change it with lock/unlock, not set/delete";
        }
        if (op instanceof Op.Set set) {
            String tooBig = limits.valueProblem(set.path(), set.value().length);
            if (tooBig != null) {
                return tooBig;
            }
        }
        if (op instanceof Op.Lock lock && lock.leaseMs() <= 0) {
            return "lock " + lock.name() + ": leaseMs must be positive, got " + lock.leaseMs();
        }
        if (!quorate) {
            return "not quorate: configuration is read-only";
        }
        if (state instanceof ReplicaState.ReadOnly) {
            return "not quorate: configuration is read-only (a member of this view reported no quorum)";
        }
        return null;
    }

    void submit(ClientRequest request, long nowMs, int activeRound, OutputBuilder out) {
        Pending p = new Pending(request, nowMs);
        if (activeRound >= 0) {
            send(p, activeRound, out);
        } else if (queued.size() >= limits.maxQueuedWrites()) {
            out.results.add(new ClientResult.Refused(request.requestId(), "sync in progress and "
                    + queued.size() + " writes already queued: retry later"));
        } else {
            queued.addLast(p); // dfsm also queues messages while it syncs, and replays them once synced
        }
    }

    /** Every in-flight write may or may not have been applied by members that delivered it: say so honestly. */
    void viewChanged(ViewId newView, java.util.Set<Integer> newMembers, OutputBuilder out) {
        for (Pending p : inFlight.values()) {
            out.results.add(new ClientResult.Unknown(p.request.requestId(), "membership changed (view " + newView
                    + ") before every member confirmed the write: re-read and retry"));
        }
        inFlight.clear();
        view = newView;
        members = java.util.Set.copyOf(newMembers);
        appliedBy.clear();
        announcedVersion = 0;
    }

    /** A member's Applied or SyncReady: everything up to {@code version} is on its disk. */
    void memberHolds(int member, long version, LockClock locks, OutputBuilder out) {
        appliedBy.merge(member, version, Math::max);
        long minApplied = Long.MAX_VALUE;
        for (int m : members) {
            minApplied = Math.min(minApplied, appliedBy.getOrDefault(m, 0L));
        }
        maybeAck(minApplied, locks, out);
    }

    /** After applying writes (persisted by the same Output, before it is sent): tell the others how far we are. */
    void maybeAnnounce(boolean active, long storeVersion, OutputBuilder out) {
        if (active && storeVersion > announcedVersion) {
            announcedVersion = storeVersion;
            out.broadcast.add(new ConfdbMessage.Applied(view, storeVersion));
        }
    }

    /** Every member refused it alike (sequenced in an older round): it is nowhere, so sending again is safe. */
    void notApplied(long requestId, int activeRound, OutputBuilder out) {
        Pending p = inFlight.remove(requestId);
        if (p == null) {
            return;
        }
        if (p.request.op() instanceof Op.Lock lock && lock.observedVersion() > 0) {
            // the round changed, perhaps to another lineage where that version is another write: never resend
            out.results.add(new ClientResult.Refused(requestId, "lock " + lock.name()
                    + ": a resync overtook the takeover; retry"));
            return;
        }
        if (activeRound >= 0) {
            send(p, activeRound, out);
        } else {
            queued.addLast(p);
        }
    }

    void applied(long requestId, long version, String detail) {
        Pending p = inFlight.get(requestId);
        if (p != null) {
            p.version = version;
            p.detail = detail;
        }
    }

    void rejected(long requestId, String reason, OutputBuilder out) {
        if (inFlight.remove(requestId) != null) {
            out.results.add(new ClientResult.Refused(requestId, reason));
        }
    }

    void synced(int activeRound, OutputBuilder out) {
        while (!queued.isEmpty()) {
            Pending p = queued.pollFirst();
            if (activeRound >= 0) {
                send(p, activeRound, out);
            } else {
                out.results.add(new ClientResult.Refused(p.request.requestId(),
                        "not quorate: configuration is read-only (sync ended without quorum)"));
            }
        }
    }

    /** Acks every applied write that all members hold durably; a lock ack starts the holder's own lease. */
    private void maybeAck(long minAppliedVersion, LockClock locks, OutputBuilder out) {
        Iterator<Pending> it = inFlight.values().iterator();
        while (it.hasNext()) {
            Pending p = it.next();
            if (p.version > 0 && p.version <= minAppliedVersion) {
                it.remove();
                out.results.add(new ClientResult.Acked(p.request.requestId(), p.version, p.detail));
                if (p.request.op() instanceof Op.Lock lock) {
                    locks.granted(lock.name(), p.submitMs, lock.leaseMs());
                }
            }
        }
    }

    private void send(Pending p, int round, OutputBuilder out) {
        inFlight.put(p.request.requestId(), p);
        out.broadcast.add(new ConfdbMessage.WriteRequest(view, round, localNodeId, p.request.requestId(),
                p.request.op()));
    }
}
