package dev.herd.confdb;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.herd.confdb.Harness.bytes;
import static org.assertj.core.api.Assertions.assertThat;

class WritePathTest {

    @Test
    void aWriteIsAckedOnlyOnceEveryMemberSaysItIsDurable() {
        Harness h = new Harness(3);
        h.view();
        h.settle();
        assertThat(h.r(1).state()).isInstanceOf(ReplicaState.Active.class);
        h.submit(1, new Op.Set("guests/100.toml", bytes("cores = 2"), Op.ANY_VERSION), 7);
        h.step(); // the write itself: applied and handed to persist everywhere, not yet acked
        assertThat(h.results.get(1)).isEmpty();
        h.replicas.keySet().forEach(id -> assertThat(h.persisted.get(id))
                .anyMatch(op -> op instanceof PersistOp.PutEntry put && put.entry().path().equals("guests/100.toml")));
        h.step(); // Applied from node1
        h.step(); // Applied from node2
        assertThat(h.results.get(1)).isEmpty();
        h.step(); // Applied from node3: now every member holds it
        assertThat(h.last(1)).isInstanceOf(ClientResult.Acked.class);
        assertThat(((ClientResult.Acked) h.last(1)).version()).isEqualTo(1);
        h.replicas.values().forEach(r -> assertThat(r.get("guests/100.toml").writerNodeId()).isEqualTo(1));
    }

    @Test
    void concurrentCompareAndSetHasOneWinnerEverywhere() {
        Harness h = new Harness(3);
        h.view();
        h.settle();
        h.submit(2, new Op.Set("ha/resources.toml", bytes("from 2"), 0), 1);
        h.submit(3, new Op.Set("ha/resources.toml", bytes("from 3"), 0), 1);
        h.settle();
        assertThat(h.last(2)).isInstanceOf(ClientResult.Acked.class);
        assertThat(h.last(3)).isInstanceOfSatisfying(ClientResult.Refused.class, r -> assertThat(r.reason())
                .isEqualTo("compare-and-set failed on ha/resources.toml: expected version 0 (absent), current"
                        + " version is 1"));
        h.replicas.values().forEach(r -> assertThat(r.get("ha/resources.toml").writerNodeId()).isEqualTo(2));
        assertThat(h.r(1).digest()).isEqualTo(h.r(2).digest()).isEqualTo(h.r(3).digest());
    }

    @Test
    void withoutQuorumWritesAreRefusedAtOnceAndReadsStillWork() {
        Harness h = new Harness(3);
        h.view();
        h.settle();
        h.submit(1, new Op.Set("storage.cfg", bytes("a"), Op.ANY_VERSION), 1);
        h.settle();
        h.view(Map.of(1, false, 2, false, 3, false));
        h.settle();
        Output out = h.submit(1, new Op.Set("storage.cfg", bytes("b"), Op.ANY_VERSION), 2);
        assertThat(out.broadcast()).isEmpty();
        assertThat(h.last(1)).isEqualTo(new ClientResult.Refused(2, "not quorate: configuration is read-only"));
        assertThat(new String(h.r(1).get("storage.cfg").value())).isEqualTo("a");
    }

    @Test
    void oneMemberWithoutQuorumMakesTheWholeViewReadOnlyAlike() {
        Harness h = new Harness(3);
        h.view(Map.of(3, false)); // votequorum has not told node3 yet
        h.settle();
        h.replicas.values().forEach(r -> assertThat(r.state()).isInstanceOf(ReplicaState.ReadOnly.class));
        h.submit(1, new Op.Set("storage.cfg", bytes("x"), Op.ANY_VERSION), 1);
        assertThat(((ClientResult.Refused) h.last(1)).reason()).startsWith("not quorate");
        h.record(3, h.r(3).handleQuorumChange(true, h.nowMs)); // node3 learns it: a new round, now quorate
        h.settle();
        h.replicas.values().forEach(r -> assertThat(r.state()).isInstanceOf(ReplicaState.Active.class));
    }

    @Test
    void aWriteSequencedInAnEarlierRoundIsAppliedNowhereAndResent() {
        Harness h = new Harness(2);
        h.view();
        h.settle();
        h.submit(1, new Op.Set("storage.cfg", bytes("x"), Op.ANY_VERSION), 1);
        h.record(2, h.r(2).handleQuorumChange(false, h.nowMs)); // ResyncRequest sequenced after the write
        h.record(2, h.r(2).handleQuorumChange(true, h.nowMs));
        h.settle();
        assertThat(h.last(1)).isInstanceOf(ClientResult.Acked.class); // applied in round 0 before the resync
        h.submit(1, new Op.Set("storage.cfg", bytes("y"), Op.ANY_VERSION), 2);
        Harness.Sent write = h.order.pollLast();
        h.record(2, h.r(2).handleQuorumChange(false, h.nowMs)); // sequenced before the write:
        h.order.addLast(write); // order is now [ResyncRequest, WriteRequest(round 1)]
        h.record(2, h.r(2).handleQuorumChange(true, h.nowMs)); // node2 quorate again before its SyncState
        h.settle();
        assertThat(h.last(1)).isInstanceOf(ClientResult.Acked.class); // refused by all in round 0, resent in round 2
        assertThat(new String(h.r(2).get("storage.cfg").value())).isEqualTo("y");
    }

    @Test
    void writesSubmittedDuringSyncAreQueuedThenSent() {
        Harness h = new Harness(3);
        h.view();
        Output out = h.submit(2, new Op.Set("nodes/node2/x", bytes("1"), Op.ANY_VERSION), 5);
        assertThat(out.broadcast()).isEmpty();
        assertThat(out.results()).isEmpty();
        h.settle();
        assertThat(h.last(2)).isInstanceOf(ClientResult.Acked.class);
    }

    @Test
    void aViewChangeLeavesInFlightWritesUnknownNotLost() {
        Harness h = new Harness(3);
        h.view();
        h.settle();
        h.submit(1, new Op.Set("storage.cfg", bytes("x"), Op.ANY_VERSION), 9);
        h.view();
        assertThat(h.last(1)).isInstanceOf(ClientResult.Unknown.class);
    }

    @Test
    void changesAreEmittedInOrderForWatchers() {
        Harness h = new Harness(2);
        h.view();
        h.settle();
        h.submit(1, new Op.Set("ha/groups.toml", bytes("a"), Op.ANY_VERSION), 1);
        h.submit(2, new Op.Set("guests/100.toml", bytes("b"), Op.ANY_VERSION), 1);
        h.submit(1, new Op.Delete("ha/groups.toml", Op.ANY_VERSION), 2);
        h.settle();
        assertThat(h.changes.get(2).stream().filter(c -> PathRules.isUnder(c.path(), "ha"))
                .map(c -> c.stateVersion() + ":" + (c.entry() == null ? "deleted" : "set")))
                .containsExactly("1:set", "3:deleted");
    }
}
