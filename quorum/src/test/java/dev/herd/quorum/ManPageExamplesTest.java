package dev.herd.quorum;

import org.junit.jupiter.api.Test;

import static dev.herd.quorum.TestCluster.ids;
import static org.assertj.core.api.Assertions.assertThat;

/** The worked examples of votequorum(5), each step checked against what corosync-quorumtool would print. */
class ManPageExamplesTest {

    @Test
    void twoNodeKeepsQuorumWhenEitherNodeFails() {
        TestCluster cluster = TestCluster.of(2, QuorumOptions.defaults().withTwoNode(true)).startAll();
        assertThat(cluster.status(1).quorum()).isEqualTo(1);
        assertThat(cluster.status(1).flags()).containsExactly("2Node", "Quorate", "WaitForAll");

        cluster.kill(2);
        assertThat(cluster.status(1).quorate()).isTrue();
        assertThat(cluster.status(1).totalVotes()).isEqualTo(1);
        assertThat(cluster.status(1).expectedVotes()).isEqualTo(2);
    }

    @Test
    void twoNodeImpliesWaitForAllSoALoneNodeDoesNotStartQuorate() {
        TestCluster cluster = TestCluster.of(2, QuorumOptions.defaults().withTwoNode(true)).start(ids(1, 1));
        assertThat(cluster.status(1).quorate()).isFalse();
        assertThat(cluster.status(1).reason()).contains("wait_for_all");

        TestCluster explicit = TestCluster.of(2, QuorumOptions.defaults().withTwoNode(true).withWaitForAll(false))
                .start(ids(1, 1));
        assertThat(explicit.status(1).quorate()).isTrue();
        assertThat(explicit.status(1).flags()).containsExactly("2Node", "Quorate");
    }

    @Test
    void waitForAllHoldsQuorumBackUntilAllEightNodesHaveBeenSeen() {
        TestCluster cluster = TestCluster.of(8, QuorumOptions.defaults().withWaitForAll(true)).start(ids(1, 5));
        assertThat(cluster.status(1).quorate()).isFalse();
        assertThat(cluster.status(1).reason()).contains("waiting for all nodes");

        cluster.start(ids(6, 8));
        assertThat(cluster.status(1)).extracting(QuorumStatus::quorate, QuorumStatus::quorum).containsExactly(true, 5);

        cluster.kill(6, 7, 8);
        assertThat(cluster.status(1).quorate()).as("once seen, WFA no longer applies").isTrue();
    }

    @Test
    void withoutWaitForAllFiveOfEightAreQuorateAtOnce() {
        TestCluster cluster = TestCluster.of(8, QuorumOptions.defaults()).start(ids(1, 5));
        assertThat(cluster.status(1)).extracting(QuorumStatus::quorate, QuorumStatus::quorum).containsExactly(true, 5);
    }

    @Test
    void lastManStandingShrinksExpectedVotesStepByStep() {
        TestCluster cluster = TestCluster.of(8, QuorumOptions.defaults().withLastManStanding(true, 10_000))
                .at(0).startAll();
        assertVotes(cluster, 8, 5, true); // 1) fully operational

        cluster.at(1_000).kill(6, 7, 8); // 2) 3 nodes die
        assertVotes(cluster, 8, 5, true);
        cluster.at(10_999);
        assertVotes(cluster, 8, 5, true);
        cluster.at(11_000); // 3) the window expires
        assertVotes(cluster, 5, 3, true);

        cluster.at(12_000).kill(4, 5); // 4) 2 more die
        assertVotes(cluster, 5, 3, true);
        cluster.at(22_000); // 5)
        assertVotes(cluster, 3, 2, true);

        cluster.at(23_000).kill(3); // 6) 1 more dies
        assertVotes(cluster, 3, 2, true);
        cluster.at(33_000); // 7)
        assertVotes(cluster, 2, 2, true);

        cluster.at(34_000).kill(2); // without auto_tie_breaker the last node is not quorate
        assertVotes(cluster, 2, 2, false);
    }

    @Test
    void lastManStandingWithAutoTieBreakerGoesDownToOneNode() {
        QuorumOptions options = QuorumOptions.defaults().withLastManStanding(true, 10_000)
                .withAutoTieBreaker(AutoTieBreaker.LOWEST);
        TestCluster cluster = TestCluster.of(8, options).at(0).startAll()
                .at(1_000).kill(6, 7, 8).at(11_000)
                .at(12_000).kill(4, 5).at(22_000)
                .at(23_000).kill(3).at(33_000);
        assertVotes(cluster, 2, 2, true);

        cluster.at(34_000).kill(2);
        assertVotes(cluster, 2, 2, true);
        assertThat(cluster.status(1).reason()).contains("auto_tie_breaker");
        cluster.at(44_000);
        assertVotes(cluster, 1, 1, true);
    }

    @Test
    void autoTieBreakerLowestKeepsTheHalfWithNodeOne() {
        TestCluster cluster = TestCluster.of(4, QuorumOptions.defaults().withAutoTieBreaker(AutoTieBreaker.LOWEST))
                .startAll().partition(ids(1, 2), ids(3, 4));
        assertThat(cluster.quorate(1)).isTrue();
        assertThat(cluster.quorate(2)).isTrue();
        assertThat(cluster.quorate(3)).isFalse();
        assertThat(cluster.status(3).reason()).contains("node 1 is not here");
    }

    @Test
    void autoTieBreakerHighestKeepsTheHalfWithTheHighestNode() {
        TestCluster cluster = TestCluster.of(4, QuorumOptions.defaults().withAutoTieBreaker(AutoTieBreaker.HIGHEST))
                .startAll().partition(ids(1, 2), ids(3, 4));
        assertThat(cluster.quorate(1)).isFalse();
        assertThat(cluster.quorate(4)).isTrue();
    }

    @Test
    void autoTieBreakerListIsEvaluatedInOrder() {
        QuorumOptions options = QuorumOptions.defaults()
                .withAutoTieBreaker(new AutoTieBreaker.ListOf(java.util.List.of(3, 1)));
        TestCluster cluster = TestCluster.of(4, options).startAll().partition(ids(1, 2), ids(3, 4));
        assertThat(cluster.quorate(3)).as("node 3 is first in the list").isTrue();
        assertThat(cluster.quorate(1)).as("node 3 was in the previous membership and may be in the other half")
                .isFalse();
        assertThat(cluster.status(1).reason()).contains("listed node 3 was in the previous membership");
    }

    @Test
    void autoTieBreakerUsesTheLowestNodeOfTheLastQuorateMembership() {
        TestCluster cluster = TestCluster.of(4, QuorumOptions.defaults().withAutoTieBreaker(AutoTieBreaker.LOWEST))
                .startAll().kill(1);
        assertThat(cluster.quorate(2)).isTrue();
        cluster.partition(ids(2, 2), ids(3, 4));
        assertThat(cluster.quorate(3)).as("node 2 was the lowest of the last quorate membership").isFalse();
        assertThat(cluster.quorate(2)).as("one vote is not half of 4").isFalse();
    }

    @Test
    void autoTieBreakerNeverAppliesToAColdStartOfHalfTheNodes() {
        TestCluster cluster = TestCluster.of(4, QuorumOptions.defaults().withAutoTieBreaker(AutoTieBreaker.LOWEST))
                .start(ids(1, 2));
        assertThat(cluster.quorate(1)).as("no quorate membership yet, so no lowest node id").isFalse();
    }

    private static void assertVotes(TestCluster cluster, int expected, int quorum, boolean quorate) {
        for (int id : cluster.sim.liveNodes()) {
            QuorumStatus status = cluster.status(id);
            assertThat(status.expectedVotes()).as("expected votes on node %d", id).isEqualTo(expected);
            assertThat(status.quorum()).as("quorum on node %d", id).isEqualTo(quorum);
            assertThat(status.quorate()).as("quorate on node %d: %s", id, status.reason()).isEqualTo(quorate);
        }
    }
}
