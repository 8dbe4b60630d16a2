package dev.herd.it;

import dev.herd.daemon.confdb.SqliteConfigStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import dev.herd.confdb.Change;
import dev.herd.confdb.Entry;
import dev.herd.confdb.PersistOp;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Benchmark (not run by `./mvnw verify`): latency of one durable confdb commit on this disk — a single small entry in
 * SQLite WAL with synchronous=FULL (fsync per commit). The physical floor for confdb's replicated write latency.
 */
@Tag("bench")
class SqliteCommitBench {

    @Test
    void singleSmallCommitLatency() throws Exception {
        int commits = Integer.getInteger("bench.commits", 2000);
        Path dir = Files.createDirectories(Path.of("target", "bench-sqlite"));
        Path file = dir.resolve("config.db");
        Files.deleteIfExists(file);
        long[] ns = new long[commits];
        try (SqliteConfigStore store = SqliteConfigStore.open(file).store()) {
            byte[] value = "name = \"vm100\"\nmemory = 2048\n".getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < 200; i++) { // warm-up
                persist(store, "warm/" + i, value, i + 1);
            }
            long start = System.nanoTime();
            for (int i = 0; i < commits; i++) {
                long t = System.nanoTime();
                persist(store, "guests/" + (i % 500) + ".toml", value, 1000 + i);
                ns[i] = System.nanoTime() - t;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Arrays.sort(ns);
            System.out.printf("BENCH sqlite-commit commits=%d median_us=%d p99_us=%d max_us=%d commits_per_s=%.0f%n",
                    commits, ns[commits / 2] / 1000, ns[(int) (commits * 0.99)] / 1000, ns[commits - 1] / 1000,
                    commits / seconds);
        }
    }

    /** Exactly what confdb's driver commits for one applied write: the entry, the meta, one history row. */
    private static void persist(SqliteConfigStore store, String path, byte[] value, long version) throws Exception {
        Entry e = new Entry(path, value, version, 1);
        store.persist(List.of(new PersistOp.PutEntry(e), new PersistOp.SetMeta(0, version, 0)),
                List.of(new Change(path, e, version, true)), System.currentTimeMillis());
    }
}
