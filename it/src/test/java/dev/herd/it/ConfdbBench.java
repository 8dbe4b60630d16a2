package dev.herd.it;

import dev.herd.api.ConfigTypes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Benchmark (not run by `./mvnw verify`): confdb writes through the REST API of real herdd processes, each write
 * acknowledged only when every host has applied it and fsync'd it (SQLite WAL, synchronous=FULL). Compare with
 * {@link SqliteCommitBench} (one local commit: the physical floor). Run:
 * ./mvnw -B -pl it test -Dit.excludedGroups= -Dgroups=bench -Dtest='ConfdbBench'
 */
@Tag("bench")
class ConfdbBench {
    private static final byte[] VALUE = "name = \"vm100\"\nmemory = 2048\ncores = 2\n".getBytes(StandardCharsets.UTF_8);

    @ParameterizedTest(name = "{0} hosts")
    @ValueSource(ints = {3, 5})
    void smallWriteLatencyAndThroughput(int hosts) throws Exception {
        int writes = Integer.getInteger("bench.writes", 2000);
        int clients = Integer.getInteger("bench.clients", 16);
        try (LiveCluster c = LiveCluster.start("bench-confdb-" + hosts, hosts, 170 + hosts, "majority")) {
            ConfdbProcessTest.awaitConverged(c, c.names());
            ConfigClient n1 = ConfdbProcessTest.cfg(c, "node1");
            for (int i = 0; i < 200; i++) { // warm-up: JIT, connections, SQLite pages
                n1.set("warm/" + i, VALUE, null);
            }
            long[] ns = new long[writes];
            long start = System.nanoTime();
            for (int i = 0; i < writes; i++) {
                long t = System.nanoTime();
                n1.set("guests/" + (i % 500) + ".toml", VALUE, null);
                ns[i] = System.nanoTime() - t;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Arrays.sort(ns);
            System.out.printf("BENCH confdb-write hosts=%d writes=%d median_us=%d p99_us=%d max_us=%d sequential_per_s=%.0f%n",
                    hosts, writes, ns[writes / 2] / 1000, ns[(int) (writes * 0.99)] / 1000, ns[writes - 1] / 1000,
                    writes / seconds);

            // throughput: concurrent clients spread over every host, 10 s
            AtomicInteger done = new AtomicInteger();
            long until = System.nanoTime() + 10_000_000_000L;
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            List<Future<?>> futures = new ArrayList<>();
            for (int k = 0; k < clients; k++) {
                ConfigClient client = ConfdbProcessTest.cfg(c, "node" + (1 + k % hosts));
                int id = k;
                futures.add(pool.submit(() -> {
                    for (int i = 0; System.nanoTime() < until; i++) {
                        client.set("load/" + id + "/" + (i % 100), VALUE, null);
                        done.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            pool.shutdown();
            System.out.printf("BENCH confdb-throughput hosts=%d clients=%d writes_per_s=%d%n", hosts, clients,
                    done.get() / 10);
        }
    }

    @Test
    void resyncOf10000EntriesAfterAPartitionHeals() throws Exception {
        Root.requireLinkCutting("loopback");
        int entries = Integer.getInteger("bench.entries", 10_000);
        try (LiveCluster c = LiveCluster.start("bench-confdb-resync", 3, 179, "majority")) {
            ConfdbProcessTest.awaitConverged(c, c.names());
            c.sandbox.partition(List.of(List.of("node1", "node2"), List.of("node3")));
            c.awaitQuorum("node1", List.of(1, 2), true, LiveCluster.CONVERGE);
            ConfigClient n1 = ConfdbProcessTest.cfg(c, "node1");
            ConfigClient n2 = ConfdbProcessTest.cfg(c, "node2");
            c.awaitTrue("writes accepted", LiveCluster.CONVERGE, () -> ConfdbProcessTest.tryWrite(n1, "probe", "x"));
            ExecutorService pool = Executors.newFixedThreadPool(16);
            List<Future<?>> futures = new ArrayList<>();
            for (int k = 0; k < 16; k++) {
                ConfigClient client = k % 2 == 0 ? n1 : n2;
                int id = k;
                futures.add(pool.submit(() -> {
                    for (int i = id; i < entries; i += 16) {
                        client.set("bulk/" + i, VALUE, null);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            pool.shutdown();
            ConfigTypes.ConfdbStatus target = n1.status();
            long t0 = System.nanoTime();
            c.sandbox.heal();
            ConfigClient n3 = ConfdbProcessTest.cfg(c, "node3");
            while (true) {
                ConfigTypes.ConfdbStatus s = n3.status();
                if (s.version() >= target.version() && s.state().equals("Active")) {
                    break;
                }
                if ((System.nanoTime() - t0) / 1_000_000_000 > 120) {
                    throw new AssertionError("node3 did not resync within 120 s: " + s);
                }
                Thread.sleep(10);
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("BENCH confdb-resync entries=%d bytes=%d heal_to_synced_ms=%d%n", target.entries(),
                    target.totalBytes(), ms);
        }
    }
}
