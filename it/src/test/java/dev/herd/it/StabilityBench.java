package dev.herd.it;

import dev.herd.api.ApiTypes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Benchmark (not run by `./mvnw verify`): 3 herdd processes, default profile, while other processes saturate every
 * core for {@code bench.stability.seconds} (default 300). Counts membership changes (false suspicions) and quorum
 * flaps seen by polling every host's API every 200 ms. Both must be zero.
 */
@Tag("bench")
class StabilityBench {

    @Test
    void noFalseSuspicionsUnderFullCpuLoad() throws Exception {
        long seconds = Long.getLong("bench.stability.seconds", 300);
        try (LiveCluster c = LiveCluster.start("bench-stability", 3, 160, "majority")) {
            int cores = Runtime.getRuntime().availableProcessors();
            List<Process> burners = new ArrayList<>();
            for (int i = 0; i < cores; i++) {
                burners.add(new ProcessBuilder("sh", "-c", "while :; do :; done").start());
            }
            Map<String, String> lastRing = new HashMap<>();
            Map<String, Boolean> lastQuorate = new HashMap<>();
            int viewChanges = 0;
            int quorumFlaps = 0;
            int polls = 0;
            long maxPollMs = 0;
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            try {
                while (System.nanoTime() < end) {
                    for (String n : c.names()) {
                        long t = System.nanoTime();
                        ApiTypes.QuorumInfo q = c.quorum(n);
                        maxPollMs = Math.max(maxPollMs, (System.nanoTime() - t) / 1_000_000);
                        polls++;
                        String before = lastRing.put(n, q.ringId());
                        if (before != null && !before.equals(q.ringId())) {
                            viewChanges++;
                            System.out.printf("BENCH stability: %s view changed %s -> %s members %s%n", n, before,
                                    q.ringId(), q.members());
                        }
                        Boolean wasQuorate = lastQuorate.put(n, q.quorate());
                        if (wasQuorate != null && wasQuorate != q.quorate()) {
                            quorumFlaps++;
                        }
                    }
                    Thread.sleep(200);
                }
            } finally {
                burners.forEach(Process::destroyForcibly);
            }
            System.out.printf("BENCH stability seconds=%d cores_saturated=%d polls=%d view_changes=%d quorum_flaps=%d "
                    + "max_api_ms=%d%n", seconds, cores, polls, viewChanges, quorumFlaps, maxPollMs);
            if (viewChanges != 0 || quorumFlaps != 0) {
                throw new AssertionError(viewChanges + " view changes and " + quorumFlaps + " quorum flaps under load");
            }
        }
    }
}
