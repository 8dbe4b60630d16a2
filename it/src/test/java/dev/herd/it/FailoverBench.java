package dev.herd.it;

import dev.herd.cli.sandbox.SandboxNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Benchmark (not run by `./mvnw verify`): end-to-end failover of one HA guest, 3 hosts, default profile. A power
 * cut (`herd sandbox kill`: herdd, watchdog supervisor and guest SIGKILLed) of the guest's host, then the time until
 * the guest writes its witness on another host; split from the master's event log into detection (the node leaves
 * the quorate membership), fencing (fence acknowledged) and start (first witness line). Modes: watchdog (lease
 * takeover + watchdog + margin) and fence-agent (the sandbox agent). Run: ./mvnw -pl it test -Dit.excludedGroups=
 * -Dgroups=bench -Dtest=FailoverBench
 */
@Tag("bench")
class FailoverBench {
    private static final int ROUNDS = 7;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"watchdog", "fence-agent"})
    void powerCutToGuestRunningElsewhere(String mode) throws Exception {
        try (LiveCluster c = LiveCluster.start("bench-failover-" + mode, 3, mode.equals("watchdog") ? 181 : 182,
                "majority")) {
            if (mode.equals("fence-agent")) {
                HaProcessTest.configureFenceAgents(c);
            }
            HaProcessTest.createGuest(c, HaProcessTest.witnessScript(c.sandbox.dir()));
            String where = HaProcessTest.awaitRunningElsewhere(c, "none", c.names(), HaProcessTest.FAILOVER);
            List<Long> total = new ArrayList<>();
            List<Long> detect = new ArrayList<>();
            List<Long> fence = new ArrayList<>();
            List<Long> start = new ArrayList<>();
            for (int round = 0; round < ROUNDS; round++) {
                Instant killedAt = Instant.now();
                long t0 = System.nanoTime();
                c.sandbox.kill(where);
                String next = HaProcessTest.awaitRunningElsewhere(c, where, HaProcessTest.others(c, where),
                        HaProcessTest.FAILOVER);
                long totalMs = (System.nanoTime() - t0) / 1_000_000;
                long firstWitnessMs = firstWitnessAfter(c.sandbox.node(next), killedAt);
                long detectMs = eventAfter(c, killedAt, "node '" + where + "': state changed from 'online' => 'unknown'");
                long fenceMs = eventAfter(c, killedAt, "fencing: acknowledged");
                total.add(firstWitnessMs >= 0 ? firstWitnessMs : totalMs);
                detect.add(detectMs);
                fence.add(fenceMs);
                start.add(firstWitnessMs - fenceMs);
                System.out.printf("[bench] %s round %d: %s -> %s: guest writing after %d ms (detected %d, fenced %d)%n",
                        mode, round + 1, where, next, firstWitnessMs, detectMs, fenceMs);
                c.sandbox.start(where, List.of(), Map.of());
                HaProcessTest.awaitAllMembers(c);
                where = next;
            }
            System.out.printf("[bench] %s failover, %d rounds: median %d ms (min %d, max %d); median detection %d ms, "
                    + "fenced %d ms, start %d ms after fencing%n", mode, ROUNDS, median(total),
                    Collections.min(total), Collections.max(total), median(detect), median(fence), median(start));
        }
    }

    private static long median(List<Long> v) {
        List<Long> s = new ArrayList<>(v);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }

    /** ms from {@code t0} to the first witness line written after it on that host, or -1. */
    private static long firstWitnessAfter(SandboxNode n, Instant t0) throws Exception {
        long t0Ns = t0.getEpochSecond() * 1_000_000_000L + t0.getNano();
        for (String line : Files.readAllLines(HaProcessTest.witness(n))) {
            String[] f = line.trim().split(" ");
            if (f.length == 3 && Long.parseLong(f[2]) > t0Ns) {
                return (Long.parseLong(f[2]) - t0Ns) / 1_000_000;
            }
        }
        return -1;
    }

    /** ms from {@code t0} to the first event-log line after it containing {@code text} (any host), or -1. */
    private static long eventAfter(LiveCluster c, Instant t0, String text) throws Exception {
        long best = -1;
        for (SandboxNode n : c.sandbox.nodes()) {
            Path f = n.dataDir().resolve("events.log");
            if (!Files.exists(f)) {
                continue;
            }
            for (String line : Files.readAllLines(f)) {
                if (!line.contains(text)) {
                    continue;
                }
                Instant at = Instant.parse(line.substring(0, line.indexOf(' ')));
                if (at.isAfter(t0)) {
                    long ms = java.time.Duration.between(t0, at).toMillis();
                    best = best < 0 ? ms : Math.min(best, ms);
                }
            }
        }
        return best;
    }
}
