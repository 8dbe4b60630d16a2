package dev.herd.quorum;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.herd.quorum.TestCluster.ids;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * XenServer clustered pools: odd n achieves and keeps quorum with (n+1)/2; even n achieves with n/2+1 and keeps it
 * with n/2 only on the half holding the lowest node id known active. The "clustered-pool" preset must give exactly
 * that table.
 */
class ClusteredPoolTableTest {

    @ParameterizedTest(name = "n={0}: achieve with {1}, keep with {2}")
    @CsvSource({
            "2, 2, 1",
            "3, 2, 2",
            "4, 3, 2",
            "5, 3, 3",
            "6, 4, 3",
            "7, 4, 4",
            "8, 5, 4",
            "9, 5, 5",
    })
    void achievesAndKeepsQuorumAsXenServerDoes(int n, int toAchieve, int toKeep) {
        assertThat(toAchieve).isEqualTo(n % 2 == 1 ? (n + 1) / 2 : n / 2 + 1);

        assertThat(pool(n).start(ids(1, toAchieve - 1)).quorate(1)).as("cold start of %d", toAchieve - 1).isFalse();
        assertThat(pool(n).start(ids(1, toAchieve)).quorate(1)).as("cold start of %d", toAchieve).isTrue();

        TestCluster keeps = pool(n).startAll().kill(ids(toKeep + 1, n));
        assertThat(keeps.quorate(1)).as("%d survivors holding node 1: %s", toKeep, keeps.status(1).reason()).isTrue();
        if (toKeep > 1) {
            TestCluster loses = pool(n).startAll().kill(ids(toKeep, n));
            assertThat(loses.quorate(1)).as("%d survivors", toKeep - 1).isFalse();
        }
    }

    @ParameterizedTest(name = "n={0}")
    @CsvSource({"2", "4", "6", "8"})
    void onAnEvenSplitOnlyTheHalfWithTheLowestNodeIdKeepsQuorum(int n) {
        TestCluster cluster = pool(n).startAll().partition(ids(1, n / 2), ids(n / 2 + 1, n));
        assertThat(cluster.quorate(1)).isTrue();
        assertThat(cluster.quorate(n)).isFalse();

        TestCluster lowHalfDies = pool(n).startAll().kill(ids(1, n / 2));
        assertThat(lowHalfDies.quorate(n)).as("the lowest node id known active is gone").isFalse();
        assertThat(cluster.status(1).flags()).contains("AutoTieBreaker");
    }

    @ParameterizedTest(name = "n={0}")
    @CsvSource({"3", "5", "7", "9"})
    void onAnOddSplitTheLargerSideKeepsQuorumEvenWithoutTheLowestNode(int n) {
        TestCluster cluster = pool(n).startAll().partition(ids(1, n / 2), ids(n / 2 + 1, n));
        assertThat(cluster.quorate(1)).isFalse();
        assertThat(cluster.quorate(n)).isTrue();
        assertThat(cluster.status(n).flags()).as("corosync switches ATB off for odd n without wait_for_all")
                .doesNotContain("AutoTieBreaker");
    }

    @org.junit.jupiter.api.Test
    void forgettingAHostOfAnOddPoolSwitchesTheTieBreakerOn() {
        TestCluster cluster = pool(5).startAll().kill(5).forget(5);
        QuorumStatus status = cluster.status(1);
        assertThat(status.flags()).containsExactly("Quorate", "AutoTieBreaker");
        assertThat(status.expectedVotes()).isEqualTo(4);
        cluster.partition(ids(1, 2), ids(3, 4));
        assertThat(cluster.quorate(1)).isTrue();
        assertThat(cluster.quorate(3)).isFalse();
    }

    private static TestCluster pool(int n) {
        return TestCluster.of(n, QuorumOptions.preset("clustered-pool", n));
    }
}
