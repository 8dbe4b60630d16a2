package dev.herd.confdb;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.TreeMap;

import static dev.herd.confdb.Harness.bytes;
import static org.assertj.core.api.Assertions.assertThat;

class SyncTest {

    private static ConfdbState state(long gen, long version, long promised, String... pathValues) {
        TreeMap<String, Entry> entries = new TreeMap<>();
        for (int i = 0; i < pathValues.length; i += 2) {
            entries.put(pathValues[i], new Entry(pathValues[i], bytes(pathValues[i + 1]), version, 1));
        }
        return new ConfdbState(gen, version, promised, entries);
    }

    private static ConfdbMessage.SyncState s(long gen, long version) {
        return new ConfdbMessage.SyncState(new ViewId(1, 1), 0, gen, version, gen, 0, true);
    }

    @Test
    void theHigherGenerationWinsOverAHigherVersion() {
        // node2's long tail was written in an older quorate epoch and never acked; node1 holds the newer lineage
        assertThat(SyncWinner.choose(Map.of(1, s(5, 3), 2, s(4, 90)))).isEqualTo(1);
        assertThat(SyncWinner.choose(Map.of(1, s(5, 3), 2, s(5, 4)))).isEqualTo(2);
        assertThat(SyncWinner.choose(Map.of(3, s(5, 4), 2, s(5, 4)))).isEqualTo(2); // tie: lowest id
    }

    @Test
    void amongTiesTheDigestOfTheMostMembersWinsSoOneDamagedCopyCannotSpread() {
        var damaged = new ConfdbMessage.SyncState(new ViewId(1, 1), 0, 5, 4, 5, 666, true);
        assertThat(SyncWinner.choose(Map.of(1, damaged, 2, s(5, 4), 3, s(5, 4)))).isEqualTo(2);
    }

    @Test
    void aHostThatWasDownCatchesUpByFullTransferAndAllRelabel() {
        Harness h = new Harness(0);
        h.add(1, state(3, 7, 3, "guests/100.toml", "new"));
        h.add(2, state(3, 7, 3, "guests/100.toml", "new"));
        h.add(3, state(2, 9, 2, "guests/100.toml", "old tail", "guests/999.toml", "unacked"));
        h.view();
        h.settle();
        h.replicas.values().forEach(r -> {
            assertThat(r.state()).isEqualTo(new ReplicaState.Active(4)); // gen = max promise + 1
            assertThat(r.snapshot().gen()).isEqualTo(4);
            assertThat(new String(r.get("guests/100.toml").value())).isEqualTo("new");
            assertThat(r.get("guests/999.toml")).isNull();
        });
        assertThat(h.changes.get(3)).extracting(Change::path).containsExactly("guests/100.toml", "guests/999.toml");
        assertThat(h.persisted.get(3)).anyMatch(op -> op instanceof PersistOp.ReplaceAll);
        assertThat(h.persisted.get(1)).noneMatch(op -> op instanceof PersistOp.ReplaceAll);
    }

    @Test
    void aMinoritySyncsButNeitherAppliesNorRelabels() {
        Harness h = new Harness(0);
        h.add(1, state(3, 7, 3, "a", "x"));
        h.add(2, state(2, 5, 2, "a", "y"));
        h.view(Map.of(1, false, 2, false));
        h.settle();
        h.replicas.values().forEach(r -> {
            assertThat(r.state()).isInstanceOf(ReplicaState.ReadOnly.class);
            assertThat(r.snapshot().gen()).isEqualTo(3); // adopted lineage keeps its label
            assertThat(r.snapshot().promisedGen()).isEqualTo(4);
        });
    }

    @Test
    void theSyncReadyPromiseIsPersistedBeforeItIsSent() {
        ConfdbReplica r = new ConfdbReplica(1, ConfdbState.EMPTY, Limits.DEFAULTS);
        ViewId view = new ViewId(1, 1);
        r.handleView(view, java.util.Set.of(1), true, 0);
        Output out = r.handleMessage(1, new ConfdbMessage.SyncState(view, 0, 0, 0, 6, 0, true), 0);
        assertThat(out.persist()).containsExactly(new PersistOp.SetMeta(0, 0, 7));
        assertThat(out.broadcast()).containsExactly(new ConfdbMessage.SyncReady(view, 0, 0, 0));
    }

    @Test
    void aDigestMismatchAtAProbeStartsANewRound() {
        Harness h = new Harness(2);
        h.view();
        h.settle();
        h.nowMs += Limits.DEFAULTS.digestPeriodMs();
        h.record(2, h.r(2).tick(h.nowMs));
        assertThat(h.order).isEmpty(); // only the lowest member probes
        h.record(1, h.r(1).tick(h.nowMs));
        h.step(); // the probe: each member reports its digest at this point of the order
        Harness.Sent report = h.order.pollFirst();
        var own = (ConfdbMessage.DigestReport) report.message();
        h.order.clear();
        var forged = new ConfdbMessage.DigestReport(own.view(), own.round(), own.probe(), own.version(), 42);
        Output out = h.r(1).handleMessage(2, forged, h.nowMs);
        assertThat(out.broadcast()).singleElement().isInstanceOfSatisfying(ConfdbMessage.ResyncRequest.class,
                q -> assertThat(q.reason()).startsWith("digest of node2 (v0) differs from node1"));
    }

    @Test
    void probesAreNumberedPerRoundSoAHostThatJoinsLaterComparesTheSameProbe() {
        Harness h = new Harness(2);
        h.view();
        h.settle();
        h.nowMs += Limits.DEFAULTS.digestPeriodMs();
        h.record(1, h.r(1).tick(h.nowMs));
        h.settle(); // probe 1 in the first view
        h.add(3, ConfdbState.EMPTY);
        h.view();
        h.settle();
        h.nowMs += Limits.DEFAULTS.digestPeriodMs();
        h.record(1, h.r(1).tick(h.nowMs));
        h.step();
        assertThat(h.order).extracting(sent -> ((ConfdbMessage.DigestReport) sent.message()).probe())
                .containsExactly(1, 1, 1);
    }

    @Test
    void aRoundThatLostAMessageIsRetriedAfterTwoDigestPeriodsWithoutProgress() {
        Harness h = new Harness(3);
        h.view();
        h.order.removeIf(m -> m.from() == 2); // node2's SyncState lost by the transport, for everyone
        h.settle();
        assertThat(h.r(1).state()).isInstanceOf(ReplicaState.Collecting.class);
        long period = Limits.DEFAULTS.digestPeriodMs();
        h.nowMs += 2 * period - 1;
        h.replicas.forEach((id, r) -> h.record(id, r.tick(h.nowMs)));
        assertThat(h.order).as("no retry before two periods without progress").isEmpty();
        h.nowMs += 1;
        h.replicas.forEach((id, r) -> h.record(id, r.tick(h.nowMs)));
        assertThat(h.order).hasSize(3).allMatch(m -> m.message() instanceof ConfdbMessage.ResyncRequest);
        h.settle(); // the first request starts round 1; the duplicates carry round 0 and are ignored
        h.replicas.values().forEach(r -> assertThat(r.state()).isInstanceOf(ReplicaState.Active.class));
        h.submit(1, new Op.Set("guests/100.toml", Harness.bytes("x"), Op.ANY_VERSION), 7);
        h.settle();
        assertThat(h.last(1)).isInstanceOf(ClientResult.Acked.class);
    }
}
