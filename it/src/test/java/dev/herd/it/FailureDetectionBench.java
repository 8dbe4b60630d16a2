package dev.herd.it;

import dev.herd.api.ApiTypes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Benchmark (not run by `./mvnw verify`): SIGKILL one herdd and time until every survivor reports the new membership
 * and quorum through its API, default profile. Polls every 10 ms, so figures include up to ~10 ms of polling and one
 * API round trip. Run: ./mvnw -pl it -am verify -Dit.excludedGroups= -Dgroups=bench -Dtest='FailureDetectionBench'
 * -Dsurefire.failIfNoSpecifiedTests=false
 */
@Tag("bench")
class FailureDetectionBench {
    private static final int ROUNDS = 7;

    @ParameterizedTest(name = "{0} hosts")
    @ValueSource(ints = {3, 9})
    void sigkillToNewMembershipAndQuorum(int hosts) throws Exception {
        try (LiveCluster c = LiveCluster.start("bench-fd-" + hosts, hosts, 150 + hosts, "majority")) {
            List<Long> samplesMs = new ArrayList<>();
            for (int round = 0; round < ROUNDS; round++) {
                String victim = "node" + (2 + round % (hosts - 1));
                List<String> survivors = new ArrayList<>(c.names());
                survivors.remove(victim);
                List<Integer> expected = survivors.stream().map(n -> Integer.parseInt(n.substring(4))).sorted().toList();
                long t0 = System.nanoTime();
                c.sandbox.kill(victim);
                List<String> pending = new ArrayList<>(survivors);
                while (!pending.isEmpty()) {
                    pending.removeIf(n -> {
                        try {
                            ApiTypes.QuorumInfo q = c.quorum(n);
                            return q.quorate() && q.members().stream().map(ApiTypes.MemberVotes::nodeId).toList()
                                    .equals(expected);
                        } catch (Exception e) {
                            return false;
                        }
                    });
                    if ((System.nanoTime() - t0) / 1_000_000 > 30_000) {
                        throw new AssertionError("survivors " + pending + " did not settle within 30 s");
                    }
                    Thread.sleep(10);
                }
                long ms = (System.nanoTime() - t0) / 1_000_000;
                samplesMs.add(ms);
                System.out.printf("BENCH failure-detection hosts=%d round=%d victim=%s ms=%d%n", hosts, round, victim, ms);
                c.sandbox.start(victim, List.of(), Map.of());
                c.sandbox.awaitMembership(c.names(), LiveCluster.CONVERGE);
            }
            Collections.sort(samplesMs);
            System.out.printf("BENCH failure-detection hosts=%d rounds=%d median_ms=%d min_ms=%d max_ms=%d samples=%s%n",
                    hosts, ROUNDS, samplesMs.get(ROUNDS / 2), samplesMs.getFirst(), samplesMs.getLast(), samplesMs);
        }
    }
}
