package dev.herd.confdb;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LockTest {

    private static final long LEASE_MS = 10_000;

    private static Harness synced(int n) {
        Harness h = new Harness(n);
        h.view();
        h.settle();
        return h;
    }

    @Test
    void aFreeLockIsGrantedAndTheHolderBelievesFromItsSubmitTime() {
        Harness h = synced(3);
        long submitMs = h.nowMs;
        h.submit(1, new Op.Lock("ha-manager", LEASE_MS, 0), 1);
        h.nowMs += 50;
        h.settle();
        assertThat(h.last(1)).isInstanceOf(ClientResult.Acked.class);
        assertThat(h.r(1).holdsLock("ha-manager", submitMs + LEASE_MS - 1)).isTrue();
        assertThat(h.r(1).holdsLock("ha-manager", submitMs + LEASE_MS)).isFalse();
        assertThat(h.r(2).holdsLock("ha-manager", submitMs)).isFalse();
    }

    @Test
    void anotherHostWaitsAWholeLeaseOfItsOwnClockSinceItSawTheLastRenew() {
        Harness h = synced(3);
        h.submit(1, new Op.Lock("ha-manager", LEASE_MS, 0), 1);
        h.settle(); // node2 saw version 1 at nowMs
        long sawMs = h.nowMs;
        h.nowMs = sawMs + LEASE_MS - 1;
        h.submit(2, new Op.Lock("ha-manager", LEASE_MS, 0), 1);
        assertThat(((ClientResult.Refused) h.last(2)).reason())
                .isEqualTo("lock ha-manager is held by node1: its lease expires in 1 ms as seen by this host");
        h.nowMs = sawMs + LEASE_MS;
        h.submit(2, new Op.Lock("ha-manager", LEASE_MS, 0), 2);
        h.settle();
        assertThat(((ClientResult.Acked) h.last(2)).detail()).startsWith("lock taken over from expired holder node1");
    }

    @Test
    void aRenewDeliveredBeforeTheTakeoverDefeatsIt() {
        Harness h = synced(2);
        h.submit(1, new Op.Lock("ha-manager", LEASE_MS, 0), 1);
        h.settle();
        h.nowMs += LEASE_MS;
        h.submit(1, new Op.Lock("ha-manager", LEASE_MS, 0), 2); // the renew is sequenced first
        h.submit(2, new Op.Lock("ha-manager", LEASE_MS, 0), 1); // claims version 1 expired
        h.settle();
        assertThat(h.last(1)).isInstanceOf(ClientResult.Acked.class);
        assertThat(((ClientResult.Refused) h.last(2)).reason()).contains("was renewed since this host saw it expire");
    }

    @Test
    void onlyTheHolderReleasesAndItStopsBelievingAtOnce() {
        Harness h = synced(2);
        h.submit(1, new Op.Lock("agent-node1", LEASE_MS, 0), 1);
        h.settle();
        h.submit(2, new Op.Unlock("agent-node1"), 1);
        h.settle();
        assertThat(((ClientResult.Refused) h.last(2)).reason())
                .isEqualTo("lock agent-node1 is held by node1, not by node2");
        h.submit(1, new Op.Unlock("agent-node1"), 2);
        assertThat(h.r(1).holdsLock("agent-node1", h.nowMs)).isFalse();
        h.settle();
        h.submit(2, new Op.Lock("agent-node1", LEASE_MS, 0), 2); // released: free at once
        h.settle();
        assertThat(h.last(2)).isInstanceOf(ClientResult.Acked.class);
    }

    @Test
    void aRestartedHostHasSeenNothingAndWaitsAFullLease() {
        Harness h = synced(2);
        h.submit(1, new Op.Lock("ha-manager", LEASE_MS, 0), 1);
        h.settle();
        h.add(2, h.r(2).snapshot()); // node2 restarts from its disk, long after the lock was taken
        h.nowMs += 10 * LEASE_MS;
        h.view();
        h.settle();
        h.submit(2, new Op.Lock("ha-manager", LEASE_MS, 0), 5);
        assertThat(((ClientResult.Refused) h.last(2)).reason()).contains("expires in " + LEASE_MS + " ms");
    }

    @Test
    void locksAreNotWritableAsPlainEntries() {
        Harness h = synced(1);
        h.submit(1, new Op.Set("locks/ha-manager", Harness.bytes("mine"), Op.ANY_VERSION), 1);
        assertThat(((ClientResult.Refused) h.last(1)).reason())
                .isEqualTo("locks/ha-manager is a lock: change it with lock/unlock, not set/delete");
    }

    @Test
    void aRenewNeverShortensTheLeaseTheHolderMayStillBelieveIn() {
        Harness h = synced(2);
        long longSubmitMs = h.nowMs;
        h.submit(1, new Op.Lock("ha-manager", LEASE_MS, 0), 1);
        h.settle();
        h.nowMs += 100;
        h.submit(1, new Op.Lock("ha-manager", 300, 0), 2); // asks for a shorter lease
        h.settle();
        assertThat(((ClientResult.Acked) h.last(1)).detail()).contains("(lease kept at 10000 ms)");
        assertThat(h.r(1).holdsLock("ha-manager", longSubmitMs + LEASE_MS - 1)).isTrue();
        h.nowMs += 300; // node2 saw the renew 300 ms ago: not long enough, the entry still says 10 s
        h.submit(2, new Op.Lock("ha-manager", 300, 0), 1);
        assertThat(((ClientResult.Refused) h.last(2)).reason()).contains("expires in 9700 ms");
    }

    @Test
    void aTakeoverIsNotClaimedWhileSyncing() {
        Harness h = synced(2);
        h.submit(1, new Op.Lock("ha-manager", LEASE_MS, 0), 1);
        h.settle();
        h.nowMs += LEASE_MS;
        h.view(); // a new view: syncing until its messages are delivered
        h.submit(2, new Op.Lock("ha-manager", LEASE_MS, 0), 1);
        assertThat(((ClientResult.Refused) h.last(2)).reason())
                .isEqualTo("lock ha-manager: sync in progress, retry the takeover once synced");
    }
}
