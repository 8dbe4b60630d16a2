package dev.herd.quorum;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bad option combinations are rejected with a message naming the options (votequorum.c votequorum_readconfig). */
class QuorumOptionsTest {

    private static final List<NodeConfig> TWO = List.of(NodeConfig.of(1), NodeConfig.of(2));
    private static final List<NodeConfig> THREE = List.of(NodeConfig.of(1), NodeConfig.of(2), NodeConfig.of(3));

    @Test
    void presetsAreNamedAndUnknownOnesListTheValidNames() {
        assertThat(QuorumOptions.preset("majority", 3)).isEqualTo(QuorumOptions.defaults());
        assertThat(QuorumOptions.preset("clustered-pool", 4).autoTieBreaker()).isEqualTo(AutoTieBreaker.LOWEST);
        assertThatThrownBy(() -> QuorumOptions.preset("raft", 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("raft").hasMessageContaining("majority").hasMessageContaining("clustered-pool");
    }

    @Test
    void twoNodeSetsWaitForAllUnlessOverridden() {
        assertThat(QuorumOptions.defaults().withTwoNode(true).waitForAll()).isTrue();
        assertThat(QuorumOptions.defaults().withTwoNode(true).withWaitForAll(false).waitForAll()).isFalse();
    }

    @Test
    void twoNodeAndAutoTieBreakerAreIncompatible() {
        QuorumOptions options = QuorumOptions.defaults().withTwoNode(true).withAutoTieBreaker(AutoTieBreaker.LOWEST);
        assertThatThrownBy(() -> options.validate(TWO))
                .hasMessageContaining("two_node").hasMessageContaining("auto_tie_breaker");
    }

    @Test
    void twoNodeNeedsTwoNodes() {
        assertThatThrownBy(() -> QuorumOptions.defaults().withTwoNode(true).validate(THREE))
                .hasMessageContaining("two_node needs exactly 2 nodes");
    }

    @Test
    void autoTieBreakerWithLastManStandingOnAnOddClusterNeedsWaitForAll() {
        QuorumOptions options = QuorumOptions.defaults().withAutoTieBreaker(AutoTieBreaker.LOWEST)
                .withLastManStanding(true, 10_000);
        assertThatThrownBy(() -> options.validate(THREE))
                .hasMessageContaining("auto_tie_breaker").hasMessageContaining("last_man_standing")
                .hasMessageContaining("wait_for_all");
        options.withWaitForAll(true).validate(THREE);
    }

    @Test
    void autoTieBreakerOnAnOddClusterWithoutWaitForAllIsSwitchedOffWithAWarning() {
        QuorumOptions options = QuorumOptions.defaults().withAutoTieBreaker(AutoTieBreaker.LOWEST);
        options.validate(THREE);
        assertThat(options.warnings(THREE)).singleElement().asString().contains("auto_tie_breaker is off");
        assertThat(new Votequorum(1, new QuorumConfig(THREE, options)).status().flags())
                .doesNotContain("AutoTieBreaker");
    }

    @Test
    void lastManStandingWithUnequalVotesIsSwitchedOffAsCorosyncDoes() {
        List<NodeConfig> nodes = List.of(new NodeConfig(1, 2), NodeConfig.of(2), NodeConfig.of(3));
        QuorumOptions options = QuorumOptions.defaults().withLastManStanding(true, 10_000);
        options.validate(nodes);
        assertThat(options.warnings(nodes)).singleElement().asString()
                .contains("last_man_standing is off once a node with more than 1 vote is seen");
        TestCluster cluster = TestCluster.of(nodes, options).startAll();
        assertThat(cluster.status(2).flags()).containsExactly("Quorate");
    }

    @Test
    void nodesOrExpectedVotesMustBeConfigured() {
        assertThatThrownBy(() -> QuorumOptions.defaults().validate(List.of()))
                .hasMessageContaining("expected_votes");
        QuorumOptions.defaults().withExpectedVotes(3).validate(List.of());
    }

    @Test
    void badValuesAreNamed() {
        assertThatThrownBy(() -> QuorumOptions.defaults().withLastManStanding(true, 0).validate(THREE))
                .hasMessageContaining("last_man_standing_window");
        assertThatThrownBy(() -> QuorumOptions.defaults().withExpectedVotes(0).validate(THREE))
                .hasMessageContaining("expected_votes");
        assertThatThrownBy(() -> QuorumOptions.defaults().validate(List.of(NodeConfig.of(1), NodeConfig.of(1))))
                .hasMessageContaining("node 1 is listed twice");
        assertThatThrownBy(() -> QuorumOptions.defaults()
                .withAutoTieBreaker(new AutoTieBreaker.ListOf(List.of())).validate(TWO))
                .hasMessageContaining("auto_tie_breaker node list is empty");
    }

    @Test
    void runtimeChangesOfStartupOnlyOptionsAreRefused() {
        QuorumConfig config = new QuorumConfig(THREE, QuorumOptions.defaults());
        Votequorum engine = new Votequorum(1, config);
        QuorumConfig withLms = new QuorumConfig(THREE, QuorumOptions.defaults().withLastManStanding(true, 10_000));
        assertThatThrownBy(() -> engine.handleConfigChange(withLms, 0))
                .hasMessageContaining("last_man_standing cannot be changed at runtime");
    }
}
