package dev.herd.confdb;

import dev.herd.confdb.ConfdbMessage.Applied;
import dev.herd.confdb.ConfdbMessage.DigestProbe;
import dev.herd.confdb.ConfdbMessage.DigestReport;
import dev.herd.confdb.ConfdbMessage.ResyncRequest;
import dev.herd.confdb.ConfdbMessage.SyncData;
import dev.herd.confdb.ConfdbMessage.SyncReady;
import dev.herd.confdb.ConfdbMessage.SyncState;
import dev.herd.confdb.ConfdbMessage.WriteRequest;
import dev.herd.confdb.ReplicaState.Active;
import dev.herd.confdb.ReplicaState.Collecting;
import dev.herd.confdb.ReplicaState.Confirming;
import dev.herd.confdb.ReplicaState.NoView;
import dev.herd.confdb.ReplicaState.ReadOnly;
import dev.herd.confdb.ReplicaState.Transferring;

import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One host's confdb replica: the coordinator of {@link ReplicaState}s. Single-threaded and pure: every input comes
 * with {@code nowMs} (this host's monotonic clock) and every effect is returned as an {@link Output}.
 *
 * <h2>Transitions (each new view or delivered ResyncRequest starts a round; every member starts it at the same
 * point of the total order, so all agree on the round)</h2>
 * <ul>
 * <li>any → {@link Collecting}: {@link #handleView}, or a {@link ResyncRequest} of the current round delivered.</li>
 * <li>Collecting → {@link Confirming}: every member's SyncState delivered and ours equals the winner's.</li>
 * <li>Collecting → {@link Transferring}: same, but ours differs: wait for the winner's SyncData.</li>
 * <li>Transferring → Confirming: the winner's SyncData delivered and adopted.</li>
 * <li>Confirming → {@link Active}: every SyncReady delivered, all equal, and every SyncState said quorate.</li>
 * <li>Confirming → {@link ReadOnly}: same, but some member was not quorate.</li>
 * </ul>
 * Nothing else changes the state; messages of another view or round are ignored (they belong to a sync that has
 * been superseded).
 */
public final class ConfdbReplica {

    private final int localNodeId;
    private final Limits limits;
    private final Store store;
    private final LockClock locks = new LockClock();
    private final Writes writes;
    private ReplicaState state = new NoView();
    private ViewId view;
    private SortedSet<Integer> members = new TreeSet<>();
    private int round;
    private boolean quorate;
    private final DigestCheck digestCheck;
    /** When a message of the current view was last delivered: a sync round with no progress for long is retried. */
    private long lastProgressMs;

    public ConfdbReplica(int localNodeId, ConfdbState persistedState, Limits limits) {
        this.localNodeId = localNodeId;
        this.limits = limits;
        this.store = new Store(persistedState);
        this.writes = new Writes(localNodeId, limits);
        this.digestCheck = new DigestCheck(limits);
    }

    /** A new membership view (this host included) with this host's quorum flag from votequorum. */
    public Output handleView(ViewId newView, Set<Integer> newMembers, boolean nowQuorate, long nowMs) {
        if (!newMembers.contains(localNodeId)) {
            throw new IllegalArgumentException("view " + newView + " " + newMembers + " lacks node" + localNodeId);
        }
        OutputBuilder out = new OutputBuilder();
        writes.viewChanged(newView, newMembers, out);
        view = newView;
        members = new TreeSet<>(newMembers);
        quorate = nowQuorate;
        round = 0;
        lastProgressMs = nowMs;
        startRound(out);
        return out.build();
    }

    /** votequorum changed our flag inside a view: start a new round so all members re-agree on the epoch's quorum. */
    public Output handleQuorumChange(boolean nowQuorate, long nowMs) {
        if (nowQuorate == quorate) {
            return Output.NONE;
        }
        quorate = nowQuorate;
        OutputBuilder out = new OutputBuilder();
        if (view != null) {
            out.broadcast.add(new ResyncRequest(view, round, "node" + localNodeId + (quorate ? " became quorate"
                    : " lost quorum")));
        }
        return out.build();
    }

    /** A client write. Refused at once when invalid or not quorate; queued while a sync runs. */
    public Output submit(ClientRequest request, long nowMs) {
        OutputBuilder out = new OutputBuilder();
        String refusal = writes.check(request.op(), quorate, state);
        if (refusal == null && request.op() instanceof Op.Lock lock) {
            LockClock.Claim claim = locks.claim(lock.name(), store.get(lock.path()), localNodeId, nowMs);
            refusal = claim.refusal();
            if (refusal == null && claim.observedVersion() > 0 && !(state instanceof Active)) {
                // a takeover claim is only meaningful in the lineage it was watched in: claim it once synced
                refusal = "lock " + lock.name() + ": sync in progress, retry the takeover once synced";
            }
            request = new ClientRequest(request.requestId(), new Op.Lock(lock.name(), lock.leaseMs(),
                    claim.observedVersion()));
        }
        if (refusal != null) {
            out.results.add(new ClientResult.Refused(request.requestId(), refusal));
            return out.build();
        }
        if (request.op() instanceof Op.Unlock unlock) {
            locks.released(unlock.name(), nowMs); // stop believing now: the release may be applied any moment
        }
        writes.submit(request, nowMs, state instanceof Active ? round : -1, out);
        return out.build();
    }

    /**
     * Periodic work: the lowest member asks for a digest comparison every {@link Limits#digestPeriodMs()}; and a sync
     * round in which nothing was delivered for two digest periods is retried. The round needs one message from every
     * member, and a transport may lose a whole message around a coordinator change (JGroups' SEQUENCER drops a
     * forward that reaches the new sequencer before it installed the view): without the retry the view would stay
     * unwritable until the next membership change. A retry is an ordinary ResyncRequest, so it is as safe as one.
     */
    public Output tick(long nowMs) {
        if (view != null && !(state instanceof Active || state instanceof ReadOnly)) {
            if (nowMs - lastProgressMs < 2 * limits.digestPeriodMs()) {
                return Output.NONE;
            }
            lastProgressMs = nowMs; // one retry per period from each member; duplicates of a round are ignored
            OutputBuilder out = new OutputBuilder();
            out.broadcast.add(new ResyncRequest(view, round, "sync round " + round + " made no progress for "
                    + 2 * limits.digestPeriodMs() + " ms (a message lost?)"));
            return out.build();
        }
        if (!(state instanceof Active || state instanceof ReadOnly)) {
            return Output.NONE;
        }
        DigestProbe probe = digestCheck.maybeProbe(view, round, members.first() == localNodeId, nowMs);
        if (probe == null) {
            return Output.NONE;
        }
        OutputBuilder out = new OutputBuilder();
        out.broadcast.add(probe);
        return out.build();
    }

    /** A message delivered in total order, ours included. */
    public Output handleMessage(int from, ConfdbMessage message, long nowMs) {
        if (view == null || !message.view().equals(view) || !members.contains(from)) {
            return Output.NONE; // another view's message: its sync round is over for us
        }
        lastProgressMs = nowMs;
        OutputBuilder out = new OutputBuilder();
        switch (message) {
            case SyncState s -> {
                if (s.round() == round && state instanceof Collecting c) {
                    c.states().put(from, s);
                    if (c.states().keySet().containsAll(members)) {
                        endCollecting(c.states(), out);
                    }
                }
            }
            case SyncData d -> {
                if (d.round() == round && state instanceof Transferring t && from == t.winnerNodeId()) {
                    out.changes.addAll(store.replaceAll(d.state()));
                    locks.restartAll(store.under("locks"), nowMs);
                    ConfdbState s = store.snapshot();
                    out.persist.add(new PersistOp.ReplaceAll(s.gen(), s.version(), s.promisedGen(), s.entries()));
                    transitionToConfirming(t.gen(), t.quorate(), t.ready(), out);
                }
            }
            case SyncReady r -> {
                if (r.round() == round && state instanceof Transferring t) {
                    t.ready().put(from, r); // the data is still ahead of us in the order
                } else if (r.round() == round && state instanceof Confirming c) {
                    c.ready().put(from, r);
                    if (c.ready().keySet().containsAll(members)) {
                        endConfirming(c, nowMs, out);
                    }
                }
            }
            case ResyncRequest q -> {
                if (q.round() == round) { // later duplicates of the same round carry an old round and are ignored
                    round++;
                    startRound(out);
                }
            }
            case WriteRequest w -> handleWrite(w, nowMs, out);
            case Applied a -> writes.memberHolds(from, a.version(), locks, out);
            case DigestProbe p -> {
                if (p.round() == round && (state instanceof Active || state instanceof ReadOnly)) {
                    out.broadcast.add(digestCheck.probed(view, round, store));
                }
            }
            case DigestReport r -> {
                ResyncRequest resync = digestCheck.compare(from, r, localNodeId);
                if (resync != null) {
                    out.broadcast.add(resync);
                }
            }
        }
        writes.maybeAnnounce(state instanceof Active, store.version(), out);
        return out.build();
    }

    /** Applied iff delivered while Active in the round it was sequenced in: the same verdict on every member. */
    private void handleWrite(WriteRequest w, long nowMs, OutputBuilder out) {
        if (!(state instanceof Active) || w.round() != round) {
            if (w.originNodeId() == localNodeId) {
                writes.notApplied(w.requestId(), state instanceof Active ? round : -1, out);
            }
            return;
        }
        switch (store.apply(w.op(), w.originNodeId(), limits)) {
            case Store.Outcome.Done done -> {
                out.persist.add(done.persist());
                out.persist.add(store.meta());
                out.changes.add(done.change());
                locks.observe(done.change(), nowMs);
                if (w.originNodeId() == localNodeId) {
                    writes.applied(w.requestId(), store.version(), done.detail());
                }
            }
            case Store.Outcome.Rejected rejected -> {
                if (w.originNodeId() == localNodeId) {
                    writes.rejected(w.requestId(), rejected.reason(), out);
                }
            }
        }
    }

    private void startRound(OutputBuilder out) {
        state = new Collecting();
        digestCheck.roundStarted();
        out.broadcast.add(new SyncState(view, round, store.gen(), store.version(), store.promisedGen(),
                store.digest(), quorate));
    }

    private void endCollecting(Map<Integer, SyncState> states, OutputBuilder out) {
        long gen = 1 + states.values().stream().mapToLong(SyncState::promisedGen).max().orElseThrow();
        boolean allQuorate = states.values().stream().allMatch(SyncState::quorate);
        int winner = SyncWinner.choose(states);
        SyncState best = states.get(winner);
        boolean allEqual = states.values().stream().allMatch(s -> sameState(s, best));
        if (!allEqual && winner == localNodeId) {
            out.broadcast.add(new SyncData(view, round, store.snapshot()));
        }
        if (sameState(states.get(localNodeId), best)) {
            transitionToConfirming(gen, allQuorate, new TreeMap<>(), out);
        } else {
            state = new Transferring(gen, allQuorate, winner, new TreeMap<>());
        }
    }

    /** The promise is persisted before SyncReady leaves (Output order), so no later quorate epoch reuses gen. */
    private void transitionToConfirming(long gen, boolean allQuorate, Map<Integer, SyncReady> readySoFar,
                                        OutputBuilder out) {
        store.promise(gen);
        out.persist.add(store.meta());
        out.broadcast.add(new SyncReady(view, round, store.version(), store.digest()));
        state = new Confirming(gen, allQuorate, readySoFar);
    }

    private void endConfirming(Confirming c, long nowMs, OutputBuilder out) {
        SyncReady mine = c.ready().get(localNodeId);
        boolean agree = c.ready().values().stream()
                .allMatch(r -> r.digest() == mine.digest() && r.version() == mine.version());
        if (!agree) { // cannot happen unless a transfer was corrupted: start over rather than go live divergent
            out.broadcast.add(new ResyncRequest(view, round, "members differ after sync: " + c.ready().values()));
            return;
        }
        if (c.quorate()) {
            store.relabel(c.gen()); // this state now is the quorate lineage of generation gen
            out.persist.add(store.meta());
            state = new Active(c.gen());
        } else {
            state = new ReadOnly(c.gen());
        }
        locks.observeAll(store, store.under("locks"), nowMs);
        digestCheck.synced(nowMs);
        writes.synced(state instanceof Active ? round : -1, out);
        c.ready().forEach((member, r) -> writes.memberHolds(member, r.version(), locks, out));
    }

    private static boolean sameState(SyncState a, SyncState b) {
        return a.gen() == b.gen() && a.version() == b.version() && a.digest() == b.digest();
    }

    // ---- reads: always served locally, quorate or not (pmxcfs keeps /etc/pve readable without quorum) ----

    public Entry get(String path) {
        return store.get(path);
    }

    public NavigableMap<String, Entry> list(String subtree) {
        NavigableMap<String, Entry> out = new TreeMap<>();
        store.under(subtree).forEach(e -> out.put(e.path(), e));
        return out;
    }

    /** Whether this host may act as holder of lock {@code name} at {@code nowMs} (see {@link LockClock}). */
    public boolean holdsLock(String name, long nowMs) {
        return locks.holds(name, nowMs);
    }

    public ReplicaState state() {
        return state;
    }

    /** The view this replica runs in (null before the first). */
    public ViewId view() {
        return view;
    }

    /** The state's lineage label (see {@link ConfdbState}). */
    public long snapshotGen() {
        return store.gen();
    }

    /** The state's write counter. */
    public long version() {
        return store.version();
    }

    public ConfdbState snapshot() {
        return store.snapshot();
    }

    public long digest() {
        return store.digest();
    }

    @Override
    public String toString() {
        return "node" + localNodeId + " view " + view + members + " round " + round + " " + state + " " + store;
    }
}
