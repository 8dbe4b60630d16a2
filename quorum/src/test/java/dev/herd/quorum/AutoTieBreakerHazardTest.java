package dev.herd.quorum;

import org.junit.jupiter.api.Test;

import static dev.herd.quorum.TestCluster.ids;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A property of corosync's auto_tie_breaker that we mirror on purpose and document: each node remembers the lowest
 * node id of ITS last quorate membership (votequorum.c are_we_quorate → get_lowest_node_id, only while quorate by
 * votes). A node that was cut off keeps the old value, so after cascading partitions two halves can both win the tie.
 * XenServer-style self-fencing on quorum loss (the isolated node reboots with no memory) closes the hole, which the
 * seeded property test checks.
 */
class AutoTieBreakerHazardTest {

    @Test
    void staleLowestNodeIdCanMakeBothHalvesQuorateWithoutFencing() {
        TestCluster cluster = TestCluster.of(4, QuorumOptions.preset("clustered-pool", 4)).startAll()
                .partition(ids(1, 1), ids(2, 4)); // node 1 cut off; 2,3,4 stay quorate and now remember node 2
        assertThat(cluster.quorate(1)).isFalse();
        assertThat(cluster.quorate(2)).isTrue();

        cluster.partition(java.util.List.of(1, 4), ids(2, 3));
        assertThat(cluster.quorate(1)).as("node 1 still remembers itself as the lowest").isTrue();
        assertThat(cluster.quorate(4)).as("node 4 remembers node 2").isFalse();
        assertThat(cluster.quorate(2)).isTrue();
    }

    @Test
    void selfFencingTheNodeThatLostQuorumPreventsIt() {
        TestCluster cluster = TestCluster.of(4, QuorumOptions.preset("clustered-pool", 4)).startAll()
                .partition(ids(1, 1), ids(2, 4))
                .kill(1).start(ids(1, 1)); // node 1 lost quorum: it self-fences and reboots
        cluster.partition(java.util.List.of(1, 4), ids(2, 3));
        assertThat(cluster.quorate(1)).isFalse();
        assertThat(cluster.quorate(2)).isTrue();
    }
}
