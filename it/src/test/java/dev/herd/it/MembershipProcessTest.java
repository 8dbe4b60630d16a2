package dev.herd.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herd.api.ApiTypes;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Real herdd processes (separate JVMs) on loopback: crashes, freezes and restarts, with the quorum each survivor
 * reports checked through the API. Default timeout profile.
 */
class MembershipProcessTest {
    private static final Duration DETECT = Duration.ofSeconds(20);

    @Test
    void killedHostIsDroppedSurvivorsKeepQuorumAndItRejoinsAfterRestart() throws Exception {
        try (LiveCluster c = LiveCluster.start("kill3", 3, 101, "majority")) {
            c.sandbox.kill("node2");
            c.awaitQuorum("node1", List.of(1, 3), true, DETECT);
            c.awaitQuorum("node3", List.of(1, 3), true, DETECT);
            ApiTypes.QuorumInfo q = c.quorum("node1");
            assertThat(q.expectedVotes()).isEqualTo(3);
            assertThat(q.totalVotes()).isEqualTo(2);
            assertThat(q.quorum()).isEqualTo(2);

            c.sandbox.kill("node3"); // now only node1: 1 vote of 3 expected, below quorum 2
            c.awaitQuorum("node1", List.of(1), false, DETECT);

            // The operator declares the others gone for now (pvecm expected 1): node1 regains quorum alone.
            dev.herd.api.HerdClient.ApiException tooLow = org.junit.jupiter.api.Assertions.assertThrows(
                    dev.herd.api.HerdClient.ApiException.class, () -> c.client("node1").post("/api/v1/quorum/expected",
                            new ApiTypes.ExpectedVotesRequest(0), ApiTypes.Message.class));
            assertThat(tooLow.status()).isEqualTo(409);
            c.client("node1").post("/api/v1/quorum/expected", new ApiTypes.ExpectedVotesRequest(1), ApiTypes.Message.class);
            c.awaitQuorum("node1", List.of(1), true, Duration.ofSeconds(5));

            c.sandbox.start("node2", List.of(), java.util.Map.of());
            c.sandbox.start("node3", List.of(), java.util.Map.of());
            for (String n : List.of("node1", "node2", "node3")) {
                c.awaitQuorum(n, List.of(1, 2, 3), true, LiveCluster.CONVERGE);
            }
        }
    }

    @Test
    void frozenHostIsSuspectedAndComesBackWhenResumed() throws Exception {
        try (LiveCluster c = LiveCluster.start("pause4", 4, 102, "majority")) {
            c.sandbox.pause("node4"); // SIGSTOP: its sockets stay open, only heartbeats stop (FD_ALL3)
            try {
                c.awaitQuorum("node1", List.of(1, 2, 3), true, DETECT);
                c.awaitQuorum("node3", List.of(1, 2, 3), true, DETECT);
                assertThat(c.quorum("node2").quorum()).isEqualTo(3); // 4 expected: (4+2)/2 = 3
            } finally {
                c.sandbox.resume("node4");
            }
            for (String n : List.of("node1", "node4")) {
                c.awaitQuorum(n, List.of(1, 2, 3, 4), true, LiveCluster.CONVERGE);
            }
        }
    }
}
