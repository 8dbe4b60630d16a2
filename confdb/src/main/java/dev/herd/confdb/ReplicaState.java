package dev.herd.confdb;

import java.util.Map;
import java.util.TreeMap;

/**
 * Where one replica stands in the current view. {@link ConfdbReplica} owns the transitions (listed in its Javadoc).
 * The sync states mirror pmxcfs' dfsm modes: START_SYNC (collecting states), UPDATE (receiving the leader's data),
 * then SYNCED — with one more step, {@link Confirming}, that dfsm lacks: the generation promise (see docs/confdb.md).
 */
public sealed interface ReplicaState {

    /** Before the first view: reads only, writes queue. */
    record NoView() implements ReplicaState {
    }

    /** Phase 1: collecting every member's {@link ConfdbMessage.SyncState} of this round. */
    record Collecting(Map<Integer, ConfdbMessage.SyncState> states) implements ReplicaState {
        Collecting() {
            this(new TreeMap<>());
        }
    }

    /**
     * Phase 1 done, our state differs from the winner's: waiting for its {@link ConfdbMessage.SyncData}. Members
     * already equal to the winner may send SyncReady before the data is sequenced: {@code ready} keeps them.
     */
    record Transferring(long gen, boolean quorate, int winnerNodeId, Map<Integer, ConfdbMessage.SyncReady> ready)
            implements ReplicaState {
    }

    /** Phase 2: our state equals the winner's and {@code gen} is promised; collecting every SyncReady. */
    record Confirming(long gen, boolean quorate, Map<Integer, ConfdbMessage.SyncReady> ready) implements ReplicaState {
    }

    /** Synced in a quorate epoch: writes delivered in this round are applied. */
    record Active(long gen) implements ReplicaState {
    }

    /** Synced, but some member was not quorate: configuration is read-only until the next round. */
    record ReadOnly(long gen) implements ReplicaState {
    }
}
