package dev.herd.quorum;

import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** herd quorum what-if: would the survivors keep quorum? */
class WhatIfTest {

    private static QuorumConfig pool(int n, String preset) {
        return new QuorumConfig(IntStream.rangeClosed(1, n).mapToObj(NodeConfig::of).toList(),
                QuorumOptions.preset(preset, n));
    }

    @Test
    void clusteredPoolOfFourSurvivesLosingTheHalfWithoutNodeOne() {
        WhatIfResult result = WhatIf.evaluate(pool(4, "clustered-pool"), Set.of(1, 2, 3, 4), Set.of(3, 4));
        assertThat(result.keepsQuorum()).isTrue();
        assertThat(result.survivorStatus().memberIds()).containsExactly(1, 2);
        assertThat(result.reason()).contains("keeps quorum").contains("auto_tie_breaker");

        assertThat(WhatIf.evaluate(pool(4, "clustered-pool"), Set.of(1, 2, 3, 4), Set.of(1, 2)).keepsQuorum())
                .isFalse();
    }

    @Test
    void majorityOfFourDoesNotSurviveLosingHalf() {
        WhatIfResult result = WhatIf.evaluate(pool(4, "majority"), Set.of(1, 2, 3, 4), Set.of(3, 4));
        assertThat(result.keepsQuorum()).isFalse();
        assertThat(result.survivorStatus().quorum()).isEqualTo(3);
        assertThat(result.reason()).contains("loses quorum");
    }

    @Test
    void alreadyDegradedClusterIsEvaluatedFromItsCurrentMembers() {
        WhatIfResult result = WhatIf.evaluate(pool(5, "majority"), Set.of(1, 2, 3, 4), Set.of(4));
        assertThat(result.keepsQuorum()).isTrue();
        assertThat(WhatIf.evaluate(pool(5, "majority"), Set.of(1, 2, 3), Set.of(3)).keepsQuorum()).isFalse();
    }

    @Test
    void lastManStandingHasShrunkExpectedVotesBeforeTheQuestion() {
        QuorumConfig config = new QuorumConfig(IntStream.rangeClosed(1, 8).mapToObj(NodeConfig::of).toList(),
                QuorumOptions.defaults().withLastManStanding(true, 10_000));
        WhatIfResult result = WhatIf.evaluate(config, Set.of(1, 2, 3, 4, 5), Set.of(4, 5));
        assertThat(result.keepsQuorum()).isTrue();
        assertThat(result.survivorStatus().expectedVotes()).isEqualTo(5);
    }

    @Test
    void rejectsNodesOutsideTheCluster() {
        assertThatThrownBy(() -> WhatIf.evaluate(pool(3, "majority"), Set.of(1, 2, 3), Set.of(9)))
                .hasMessageContaining("not all current members");
        assertThatThrownBy(() -> WhatIf.evaluate(pool(3, "majority"), Set.of(1, 7), Set.of()))
                .hasMessageContaining("outside the node list");
    }
}
