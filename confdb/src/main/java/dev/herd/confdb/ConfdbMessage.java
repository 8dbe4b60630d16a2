package dev.herd.confdb;

/**
 * Everything members broadcast to each other, in total order within one view (the driver serialises these). Each
 * carries the view it was sent in; {@code round} numbers the sync rounds inside a view, advanced only by a
 * {@link ResyncRequest} delivered in total order, so all members agree on it.
 */
public sealed interface ConfdbMessage {

    ViewId view();

    /** Phase 1 of a sync (dfsm's state message): what I hold, what I promised, whether I am quorate. */
    record SyncState(ViewId view, int round, long gen, long version, long promisedGen, long digest, boolean quorate)
            implements ConfdbMessage {
    }

    /** The winner's full state, sent only when some member differs from it (dfsm's update messages, in one piece). */
    record SyncData(ViewId view, int round, ConfdbState state) implements ConfdbMessage {
    }

    /** Phase 2: my state now equals the winner's and my promise of this round's generation is on disk. */
    record SyncReady(ViewId view, int round, long version, long digest) implements ConfdbMessage {
    }

    /** Start a new round in this view: quorum changed or digests diverged. Duplicates for a past round are ignored. */
    record ResyncRequest(ViewId view, int round, String reason) implements ConfdbMessage {
    }

    /** A client write, sequenced in {@code round}; applied only if delivered in that same round, once active. */
    record WriteRequest(ViewId view, int round, int originNodeId, long requestId, Op op) implements ConfdbMessage {
    }

    /** Every write up to {@code version} is applied and durable here; the origin acks when all members said so. */
    record Applied(ViewId view, long version) implements ConfdbMessage {
    }

    /** Periodic divergence check (dfsm's verify request): each member reports its digest at this point of the order. */
    record DigestProbe(ViewId view, int round) implements ConfdbMessage {
    }

    record DigestReport(ViewId view, int round, int probe, long version, long digest) implements ConfdbMessage {
    }
}
