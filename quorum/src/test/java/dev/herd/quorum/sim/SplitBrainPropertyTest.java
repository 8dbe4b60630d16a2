package dev.herd.quorum.sim;

import dev.herd.quorum.NodeConfig;
import dev.herd.quorum.QuorumConfig;
import dev.herd.quorum.QuorumOptions;
import dev.herd.quorum.QuorumStatus;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.fail;

/**
 * Seeded simulation: random starts, kills, partitions and heals under the majority and clustered-pool presets,
 * invariants checked after every event. A failure prints the seed and the event log; {@code -Dsim.seed=N} replays
 * just that seed.
 *
 * <p>Clustered-pool runs model XenServer's self-fencing: a host that loses quorum reboots (fresh votequorum state)
 * before the next event. Without it corosync's auto_tie_breaker can end in split brain, because the "lowest node id
 * of the last quorate membership" is remembered by each node on its own; see
 * {@code AutoTieBreakerHazardTest} for the minimal counterexample.
 */
class SplitBrainPropertyTest {

    private static final int SEEDS = 200;
    private static final int EVENTS_PER_RUN = 40;

    static LongStream seeds() {
        String replay = System.getProperty("sim.seed", "");
        if (replay.matches("-?\\d+")) {
            return LongStream.of(Long.parseLong(replay));
        }
        return LongStream.range(0, Long.getLong("sim.seeds", SEEDS)); // -Dsim.seeds=N for a longer soak
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void invariantsHoldAfterEveryEvent(long seed) {
        SplittableRandom random = new SplittableRandom(seed); // java.util.Random: first draws of nearby seeds are alike
        int n = 2 + random.nextInt(8);
        String preset = random.nextBoolean() ? "majority" : "clustered-pool";
        List<NodeConfig> nodes = IntStream.rangeClosed(1, n).mapToObj(NodeConfig::of).toList();
        ClusterSimulator sim = new ClusterSimulator(new QuorumConfig(nodes, QuorumOptions.preset(preset, n)));
        boolean selfFence = preset.equals("clustered-pool");
        List<String> log = new ArrayList<>();
        log.add("seed " + seed + ": " + n + " nodes, preset " + preset + (selfFence ? ", self-fencing" : ""));
        Map<Integer, Integer> quorumBefore = new HashMap<>();
        long tMs = 0;
        for (int step = 0; step < EVENTS_PER_RUN; step++) {
            tMs += random.nextInt(3) * 5_000L;
            Scenario.Action action = randomAction(random, n, sim.liveNodes());
            log.add("t=" + tMs + " " + action);
            sim.advanceTo(tMs);
            if (action instanceof Scenario.Start start) {
                start.nodeIds().forEach(quorumBefore::remove); // a restarted corosync starts from scratch
            }
            Set<Integer> quorateBefore = quorateNodes(sim);
            sim.apply(List.of(action));
            String violation = checkInvariants(sim, quorumBefore);
            if (violation == null && selfFence) {
                List<Integer> fenced = quorateBefore.stream()
                        .filter(id -> sim.liveNodes().contains(id) && !sim.engine(id).status().quorate()).toList();
                if (!fenced.isEmpty()) {
                    log.add("t=" + tMs + " self-fence " + fenced);
                    fenced.forEach(quorumBefore::remove);
                    sim.apply(List.of(new Scenario.Kill(fenced)));
                    sim.apply(List.of(new Scenario.Start(fenced)));
                    violation = checkInvariants(sim, quorumBefore);
                }
            }
            if (violation != null) {
                fail(violation + "\nreplay with -Dsim.seed=" + seed + "\n" + String.join("\n", log)
                        + "\nstatus:\n" + String.join("\n", sim.statuses().stream().map(Object::toString).toList()));
            }
        }
    }

    private static Set<Integer> quorateNodes(ClusterSimulator sim) {
        Set<Integer> quorate = new TreeSet<>();
        sim.liveNodes().stream().filter(id -> sim.engine(id).status().quorate()).forEach(quorate::add);
        return quorate;
    }

    /** Biased towards what matters for split brain: few nodes down, two-sided splits, frequent heals. */
    private static Scenario.Action randomAction(SplittableRandom random, int n, Set<Integer> live) {
        List<Integer> dead = IntStream.rangeClosed(1, n).filter(id -> !live.contains(id)).boxed().toList();
        int choice = random.nextInt(20);
        if (live.isEmpty() || (choice < 6 && !dead.isEmpty())) {
            return new Scenario.Start(pick(random, dead));
        }
        if (choice < 9) {
            List<Integer> candidates = new ArrayList<>(live);
            return new Scenario.Kill(List.of(candidates.get(random.nextInt(candidates.size()))));
        }
        if (choice < 16) {
            int groupCount = random.nextInt(4) == 0 ? 3 : 2;
            List<List<Integer>> groups = new ArrayList<>();
            IntStream.range(0, groupCount).forEach(g -> groups.add(new ArrayList<>()));
            for (int id = 1; id <= n; id++) {
                if (random.nextInt(10) > 0) { // else listed nowhere: isolated
                    groups.get(random.nextInt(groupCount)).add(id);
                }
            }
            return new Scenario.Partition(groups);
        }
        return new Scenario.Heal();
    }

    private static List<Integer> pick(SplittableRandom random, List<Integer> from) {
        List<Integer> chosen = new ArrayList<>();
        for (int id : from) {
            if (random.nextBoolean()) {
                chosen.add(id);
            }
        }
        if (chosen.isEmpty()) {
            chosen.add(from.get(random.nextInt(from.size())));
        }
        return chosen;
    }

    /** @return a description of the first violated invariant, or null */
    private static String checkInvariants(ClusterSimulator sim, Map<Integer, Integer> quorumBefore) {
        List<Set<Integer>> quorateComponents = new ArrayList<>();
        for (Set<Integer> component : sim.components()) {
            if (component.stream().anyMatch(id -> sim.engine(id).status().quorate())) {
                quorateComponents.add(component);
            }
        }
        if (quorateComponents.size() > 1) {
            return "split brain: disjoint partitions " + quorateComponents + " are both quorate";
        }
        for (int id : sim.liveNodes()) {
            QuorumStatus status = sim.engine(id).status();
            Integer before = quorumBefore.put(id, status.quorum());
            if (before != null && status.quorum() < before) {
                return "node " + id + ": quorum decreased from " + before + " to " + status.quorum()
                        + " without last_man_standing or a config change";
            }
            if (status.expectedVotes() < status.totalVotes()) {
                return "node " + id + ": expected votes " + status.expectedVotes() + " below total votes "
                        + status.totalVotes();
            }
            boolean byTieBreaker = status.flags().contains("AutoTieBreaker")
                    && status.totalVotes() == status.expectedVotes() / 2;
            if (status.quorate() && status.totalVotes() < status.quorum() && !byTieBreaker) {
                return "node " + id + ": quorate with " + status.totalVotes() + " votes below quorum "
                        + status.quorum() + ": " + status.reason();
            }
            Set<Integer> members = new TreeSet<>(status.memberIds());
            if (!members.equals(componentOf(sim, id))) {
                return "node " + id + ": members " + members + " differ from its partition " + componentOf(sim, id);
            }
        }
        return null;
    }

    private static Set<Integer> componentOf(ClusterSimulator sim, int id) {
        return sim.components().stream().filter(c -> c.contains(id)).findFirst().orElseThrow();
    }
}
