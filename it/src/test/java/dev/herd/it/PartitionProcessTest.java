package dev.herd.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herd.api.HerdClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Links cut in the kernel (iptables DROP between the hosts' loopback addresses, like a pulled cable): the majority
 * keeps quorum, the minority loses it and refuses to change the cluster, and after healing everyone merges.
 * Each test runs twice with the same assertions: hosts on their own loopback addresses, and hosts in network
 * namespaces of their own on a private bridge (DROP rules inside each host's namespace).
 */
class PartitionProcessTest {
    private static final Duration DETECT = Duration.ofSeconds(25);

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"loopback", "netns"})
    void majorityKeepsQuorumMinorityRefusesChangesAndHealMerges(String network) throws Exception {
        boolean netns = Root.requireLinkCutting(network);
        try (LiveCluster c = LiveCluster.start("partition3-" + network, 3, netns ? 123 : 103, "majority", true, netns)) {
            c.sandbox.partition(List.of(List.of("node1"), List.of("node2", "node3")));
            try {
                c.awaitQuorum("node1", List.of(1), false, DETECT);
                c.awaitQuorum("node2", List.of(2, 3), true, DETECT);
                c.awaitQuorum("node3", List.of(2, 3), true, DETECT);
                // No quorum, no change: the minority refuses to alter the node list.
                HerdClient.ApiException refused = org.junit.jupiter.api.Assertions.assertThrows(
                        HerdClient.ApiException.class, () -> c.client("node1").post("/api/v1/cluster/nodes/node2/forget",
                                java.util.Map.of(), dev.herd.api.ApiTypes.Message.class));
                assertThat(refused.status()).isEqualTo(503);
                assertThat(refused.getMessage()).startsWith("not quorate");
            } finally {
                c.sandbox.heal();
            }
            for (String n : List.of("node1", "node2", "node3")) {
                c.awaitQuorum(n, List.of(1, 2, 3), true, LiveCluster.CONVERGE);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"loopback", "netns"})
    void evenSplitWithClusteredPoolPresetKeepsQuorumOnTheLowestIdHalfOnly(String network) throws Exception {
        boolean netns = Root.requireLinkCutting(network);
        try (LiveCluster c = LiveCluster.start("split22-" + network, 4, netns ? 124 : 104, "clustered-pool", true, netns)) {
            c.sandbox.partition(List.of(List.of("node1", "node2"), List.of("node3", "node4")));
            try {
                c.awaitQuorum("node1", List.of(1, 2), true, DETECT);
                c.awaitQuorum("node2", List.of(1, 2), true, DETECT);
                c.awaitQuorum("node3", List.of(3, 4), false, DETECT);
                c.awaitQuorum("node4", List.of(3, 4), false, DETECT);
                assertThat(c.quorum("node1").flags()).contains("AutoTieBreaker");
            } finally {
                c.sandbox.heal();
            }
            for (String n : List.of("node1", "node4")) {
                c.awaitQuorum(n, List.of(1, 2, 3, 4), true, LiveCluster.CONVERGE);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"loopback", "netns"})
    void evenSplitWithMajorityPresetLeavesNeitherHalfQuorate(String network) throws Exception {
        boolean netns = Root.requireLinkCutting(network);
        try (LiveCluster c = LiveCluster.start("split22maj-" + network, 4, netns ? 125 : 105, "majority", true, netns)) {
            c.sandbox.partition(List.of(List.of("node1", "node2"), List.of("node3", "node4")));
            try {
                c.awaitQuorum("node1", List.of(1, 2), false, DETECT);
                c.awaitQuorum("node4", List.of(3, 4), false, DETECT);
            } finally {
                c.sandbox.heal();
            }
            c.awaitQuorum("node2", List.of(1, 2, 3, 4), true, LiveCluster.CONVERGE);
        }
    }
}
