package dev.herd.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herd.api.HaTypes;
import dev.herd.api.Json;
import dev.herd.cli.sandbox.SandboxNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Benchmark (not run by `./mvnw verify`): 3 hosts with one HA guest each, default profile, while other processes
 * saturate every core (one busy loop per core, same priority) for {@code -Dha.stability.seconds} (default 300).
 * Counts false fencing: fence decisions, fired watchdogs, lost agent locks, and guest instances (a restart shows as a
 * new pid in a witness). Run: ./mvnw -pl it test -Dit.excludedGroups= -Dgroups=bench -Dtest=HaStabilityBench
 */
@Tag("bench")
class HaStabilityBench {
    @Test
    void saturatedCoresCauseNoFalseFencing() throws Exception {
        long seconds = Long.getLong("ha.stability.seconds", 300);
        try (LiveCluster c = LiveCluster.start("bench-ha-stability", 3, 184, "majority")) {
            Path script = HaProcessTest.witnessScript(c.sandbox.dir());
            List<String> sids = List.of("ct:101", "ct:102", "ct:103");
            for (int i = 0; i < 3; i++) {
                HaTypes.GuestConfig g = new HaTypes.GuestConfig(sids.get(i), "process", i + 1,
                        List.of("/bin/sh", script.toString()), Map.of(), null, null, null, 2000,
                        new HaTypes.HaOptions("started", null, 1, 1));
                new ConfigClient(c.client("node1")).set(HaTypes.guestPath(sids.get(i)), Json.MAPPER.writeValueAsBytes(g), 0L);
            }
            c.awaitTrue("all three guests writing their witnesses", HaProcessTest.FAILOVER, () -> {
                for (SandboxNode n : c.sandbox.nodes()) {
                    if (!Files.exists(witness(n, "ct:10" + n.index()))) {
                        return "no witness yet on " + n.name();
                    }
                }
                return null;
            });
            int cores = Runtime.getRuntime().availableProcessors();
            List<Process> burners = new ArrayList<>();
            for (int i = 0; i < cores; i++) {
                burners.add(new ProcessBuilder("sh", "-c", "while :; do :; done").start());
            }
            try {
                Thread.sleep(seconds * 1000);
            } finally {
                burners.forEach(Process::destroyForcibly);
            }
            int fences = HaProcessTest.events(c, "FENCE: Try to fence").size();
            int lostLocks = HaProcessTest.events(c, "agent lock lease ran out").size();
            int quorumLost = HaProcessTest.events(c, "lost quorum with").size();
            int fired = 0;
            int instances = 0;
            for (SandboxNode n : c.sandbox.nodes()) {
                if (Files.exists(n.dataDir().resolve("run").resolve("fired"))) {
                    fired++;
                }
                Set<String> pids = new HashSet<>();
                for (String line : Files.readAllLines(witness(n, "ct:10" + n.index()))) {
                    String[] f = line.trim().split(" ");
                    if (f.length == 3) {
                        pids.add(f[1]);
                    }
                }
                instances += pids.size();
            }
            System.out.printf("BENCH ha-stability seconds=%d cores_saturated=%d fence_decisions=%d watchdogs_fired=%d "
                    + "agent_locks_lost=%d quorum_losses=%d guest_instances=%d (3 = none restarted)%n", seconds, cores,
                    fences, fired, lostLocks, quorumLost, instances);
            assertThat(fences + fired).as("false fencing under saturation").isZero();
        }
    }

    private static Path witness(SandboxNode n, String sid) {
        return n.dataDir().resolve("guests").resolve(sid.replace(':', '-')).resolve("witness.log");
    }
}
