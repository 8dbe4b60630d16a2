package dev.herd.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.herd.api.ConfigTypes;
import dev.herd.api.HerdClient;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * confdb with real herdd processes (issue 3): writes are applied on every member before they are acknowledged; a
 * minority refuses writes and keeps serving reads; after healing, restarts, a long absence or a corrupted database
 * every host converges to the same state, and nothing acknowledged is ever lost.
 */
class ConfdbProcessTest {
    private static final Duration CONVERGE = Duration.ofSeconds(60);

    @Test
    void fiveHostsReplicateRefuseBadInputAndTheMinorityRefusesWritesUntilHealed() throws Exception {
        Root.requireLinkCutting("loopback");
        try (LiveCluster c = LiveCluster.start("confdb5", 5, 110, "majority")) {
            List<String> all = c.names();
            awaitConverged(c, all);
            ConfigClient n1 = cfg(c, "node1");
            HerdClient watcher = c.client("node5").withTimeout(Duration.ofSeconds(20));
            long cursor = watcher.get("/api/v1/config/watch?prefix=guests", ConfigTypes.WatchBatch.class).nextCursor();
            ConfigTypes.WriteResult w = n1.set("guests/100.toml", "memory = 2048\n");
            // acknowledged means applied on every member of the view: every host reads it at once
            for (String n : all) {
                assertThat(cfg(c, n).get("guests/100.toml")).as("read on %s right after the ack", n)
                        .isEqualTo("memory = 2048\n");
            }
            // compare-and-set: a stale version loses, the current one wins
            HerdClient.ApiException stale = assertThrows(HerdClient.ApiException.class, () -> cfg(c, "node3")
                    .set("guests/100.toml", "memory = 1".getBytes(StandardCharsets.UTF_8), w.version() - 1));
            assertThat(stale.status()).isEqualTo(409);
            assertThat(stale.getMessage()).contains("compare-and-set failed").contains("current version is " + w.version());
            ConfigTypes.WriteResult w2 = cfg(c, "node3").set("guests/100.toml",
                    "memory = 4096\n".getBytes(StandardCharsets.UTF_8), w.version());
            n1.set("ha/groups.toml", "not under the watched prefix\n");

            // watch: a watcher on another host gets both changes of its subtree, in order, and nothing else
            List<ConfigTypes.ConfigChange> seen = new ArrayList<>();
            while (seen.size() < 2) {
                ConfigTypes.WatchBatch batch = watcher.get("/api/v1/config/watch?prefix=guests&cursor=" + cursor
                        + "&wait_ms=10000", ConfigTypes.WatchBatch.class);
                assertThat(batch.gap()).isFalse();
                assertThat(batch.changes()).as("a long poll answers with changes, not by timing out").isNotEmpty();
                seen.addAll(batch.changes());
                cursor = batch.nextCursor();
            }
            assertThat(seen).extracting(ConfigTypes.ConfigChange::path).containsExactly("guests/100.toml", "guests/100.toml");
            assertThat(seen).extracting(ConfigTypes.ConfigChange::version).containsExactly(w.version(), w2.version());

            // leased locks: one holder; released, another host gets it
            HerdClient h1 = c.client("node1");
            HerdClient h2 = c.client("node2");
            ConfigTypes.LockInfo held = h1.post("/api/v1/config/locks/test-demo", new ConfigTypes.LockRequest(10_000),
                    ConfigTypes.LockInfo.class);
            assertThat(held.heldHere()).isTrue();
            HerdClient.ApiException busy = assertThrows(HerdClient.ApiException.class, () -> h2.post(
                    "/api/v1/config/locks/test-demo", new ConfigTypes.LockRequest(10_000), ConfigTypes.LockInfo.class));
            assertThat(busy.status()).isEqualTo(409);
            assertThat(busy.getMessage()).contains("held by node1");
            h1.delete("/api/v1/config/locks/test-demo", ConfigTypes.LockInfo.class);
            assertThat(h2.post("/api/v1/config/locks/test-demo", new ConfigTypes.LockRequest(10_000),
                    ConfigTypes.LockInfo.class).heldHere()).isTrue();
            h2.delete("/api/v1/config/locks/test-demo", ConfigTypes.LockInfo.class);

            // the CLI against real daemons: edit writes back with compare-and-set; malformed TOML changes nothing
            dev.herd.cli.sandbox.SandboxNode node2 = c.sandbox.node("node2");
            String[] api = {"--api", node2.apiAddress(), "--token", dev.herd.cli.sandbox.Sandbox.apiToken(node2)};
            Path good = editor(c, "printf 'memory = 8192\\n' > \"$1\"");
            Path bad = editor(c, "printf 'memory = = 1\\n' > \"$1\"");
            Cli.Result edited = Cli.run(Cli.concat(api, "config", "edit", "guests/100.toml", "--editor", good.toString()));
            assertThat(edited.code()).as(edited.err()).isZero();
            assertThat(cfg(c, "node4").get("guests/100.toml")).isEqualTo("memory = 8192\n");
            Cli.Result refusedEdit = Cli.run(Cli.concat(api, "config", "edit", "guests/100.toml", "--editor", bad.toString()));
            assertThat(refusedEdit.code()).isEqualTo(1);
            assertThat(refusedEdit.err()).contains("invalid TOML").contains("nothing was written");
            assertThat(cfg(c, "node4").get("guests/100.toml")).isEqualTo("memory = 8192\n");

            long before = n1.status().version();
            refused(n1, "guests/big.bin", new byte[1024 * 1024 + 1], 400, "more than the limit");
            refused(n1, "../etc/passwd", new byte[1], 400, "no relative steps");
            refused(n1, "/etc/pve/x", new byte[1], 400, "is absolute");
            refused(n1, "guests/a\u0001b", new byte[1], 400, "control character");
            refused(n1, "locks/ha-manager", new byte[1], 400, "is a lock");
            assertThat(n1.status().version()).as("refused writes change nothing").isEqualTo(before);

            c.sandbox.partition(List.of(List.of("node1", "node2"), List.of("node3", "node4", "node5")));
            try {
                c.awaitQuorum("node1", List.of(1, 2), false, CONVERGE);
                c.awaitQuorum("node4", List.of(3, 4, 5), true, CONVERGE);
                HerdClient.ApiException minority = assertThrows(HerdClient.ApiException.class,
                        () -> n1.set("guests/101.toml", "memory = 512\n"));
                assertThat(minority.status()).isEqualTo(503);
                assertThat(minority.getMessage()).startsWith("not quorate: configuration is read-only");
                assertThat(n1.get("guests/100.toml")).as("reads work without quorum").isEqualTo("memory = 8192\n");
                awaitTrue(c, "majority accepts writes", () -> tryWrite(cfg(c, "node4"), "ha/resources.toml", "vm:100\n"));
                assertThat(n1.get("ha/resources.toml")).as("the minority does not see the majority's write").isNull();
                assertThat(cfg(c, "node2").get("guests/101.toml")).isNull();
            } finally {
                c.sandbox.heal();
            }
            for (String n : all) {
                c.awaitQuorum(n, List.of(1, 2, 3, 4, 5), true, CONVERGE);
            }
            awaitConverged(c, all);
            assertThat(n1.get("ha/resources.toml")).isEqualTo("vm:100\n");
            assertThat(n1.get("guests/101.toml")).isNull();
            assertThat(n1.history("guests/100.toml").items()).extracting(ConfigTypes.HistoryItem::version)
                    .contains(w.version());
        }
    }

    @Test
    void catchUpAfter1000WritesKill9MidBurstCorruptedDatabaseAndFullRestartLoseNothing() throws Exception {
        try (LiveCluster c = LiveCluster.start("confdb3", 3, 111, "majority")) {
            List<String> all = c.names();
            awaitConverged(c, all);
            ConfigClient n1 = cfg(c, "node1");
            n1.set("guests/100.toml", "memory = 2048\n");

            // a host down for 1,000 writes catches up when it returns
            c.sandbox.kill("node3");
            c.awaitQuorum("node1", List.of(1, 2), true, CONVERGE);
            awaitTrue(c, "writes accepted by the two remaining hosts", () -> tryWrite(n1, "bulk/0", "0"));
            for (int i = 1; i <= 1000; i++) {
                n1.set("bulk/" + i, "value " + i);
            }
            c.sandbox.start("node3", List.of(), Map.of());
            awaitConverged(c, all);
            ConfigClient n3 = cfg(c, "node3");
            assertThat(n3.list("bulk").entries()).hasSize(1001);
            assertThat(n3.get("bulk/1000")).isEqualTo("value 1000");

            // kill -9 of the host the writer talks to, mid-burst: every acknowledged write survives everywhere
            AtomicInteger lastAcked = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            ConfigClient n2 = cfg(c, "node2");
            Thread writer = Thread.ofPlatform().start(() -> {
                for (int i = 1; !stop.get(); i++) {
                    try {
                        n2.set("burst/" + i, "value " + i);
                        lastAcked.set(i);
                    } catch (HerdClient.ApiException e) {
                        return; // the host is gone: what was acknowledged so far is what must survive
                    }
                }
            });
            awaitTrue(c, "200 writes acknowledged in the burst", () -> lastAcked.get() >= 200 ? null
                    : lastAcked.get() + " acknowledged");
            c.sandbox.kill("node2");
            stop.set(true);
            writer.join(30_000);
            int acked = lastAcked.get();
            c.sandbox.start("node2", List.of(), Map.of());
            awaitConverged(c, all);
            for (String n : all) {
                ConfigTypes.ConfigList burst = cfg(c, n).list("burst");
                List<String> paths = burst.entries().stream().map(ConfigTypes.ConfigEntry::path).toList();
                for (int i = 1; i <= acked; i++) {
                    assertThat(paths).as("acknowledged write burst/%d on %s", i, n).contains("burst/" + i);
                }
            }

            // a corrupted database is detected at start, set aside, and rebuilt from the peers
            c.sandbox.kill("node3");
            Path db = c.sandbox.node("node3").dataDir().resolve("confdb").resolve("config.db");
            // random bytes over the database file and the header of its write-ahead log (WAL frames hold the newest
            // copies of pages, so damaging the main file alone may be masked by the WAL)
            java.util.Random random = new java.util.Random(42);
            for (Path f : List.of(db, db.resolveSibling("config.db-wal"))) {
                if (Files.exists(f)) {
                    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
                        byte[] junk = new byte[(int) Math.min(raf.length(), f.equals(db) ? Integer.MAX_VALUE : 4096)];
                        random.nextBytes(junk);
                        raf.seek(0);
                        raf.write(junk);
                    }
                }
            }
            c.sandbox.start("node3", List.of(), Map.of());
            awaitConverged(c, all);
            assertThat(n3.get("guests/100.toml")).isEqualTo("memory = 2048\n");
            assertThat(n3.list("bulk").entries()).hasSize(1001);
            try (var files = Files.list(db.getParent())) {
                assertThat(files.map(p -> p.getFileName().toString()).toList())
                        .as("the damaged database is kept for inspection").anyMatch(f -> f.startsWith("config.db.damaged-"));
            }
            assertThat(Files.readString(c.sandbox.node("node3").logFile())).contains("is damaged");

            // the whole cluster goes down at once (power cut) and comes back: the configuration is on every disk
            for (String n : all) {
                c.sandbox.kill(n);
            }
            for (String n : all) {
                c.sandbox.start(n, List.of(), Map.of());
            }
            awaitConverged(c, all);
            assertThat(cfg(c, "node2").get("guests/100.toml")).isEqualTo("memory = 2048\n");
            assertThat(cfg(c, "node1").list("burst").entries()).hasSizeGreaterThanOrEqualTo(acked);
            awaitTrue(c, "writes accepted after the full restart", () -> tryWrite(n3, "after/restart", "1"));
        }
    }

    // ---- helpers ----

    static ConfigClient cfg(LiveCluster c, String node) throws IOException {
        return new ConfigClient(c.client(node));
    }

    /** A scripted $EDITOR: a shell script that rewrites the file it is given. */
    private static Path editor(LiveCluster c, String body) throws IOException {
        Path script = Files.createTempFile(c.sandbox.dir(), "editor-", ".sh");
        Files.writeString(script, "#!/bin/sh\n" + body + "\n");
        script.toFile().setExecutable(true);
        return script;
    }

    private static void refused(ConfigClient client, String path, byte[] value, int status, String why) {
        HerdClient.ApiException e = assertThrows(HerdClient.ApiException.class, () -> client.set(path, value, null));
        assertThat(e.status()).as("status for %s", path).isEqualTo(status);
        assertThat(e.getMessage()).contains(why);
        assertThat(e.hint()).isNotBlank();
    }

    /** One write attempt for a bounded wait: null when acknowledged, else the status and why not. */
    static String tryWrite(ConfigClient client, String path, String value) {
        try {
            client.set(path, value);
            return null;
        } catch (HerdClient.ApiException e) {
            return e.status() + " " + e.getMessage();
        }
    }

    private static void awaitTrue(LiveCluster c, String what, LiveCluster.Probe probe) throws IOException {
        c.awaitTrue(what, CONVERGE, probe);
    }

    /** Every host Active with the same (gen, version, digest). */
    static void awaitConverged(LiveCluster c, List<String> nodes) throws IOException {
        c.awaitTrue("confdb converged on " + nodes, CONVERGE, () -> {
            List<String> seen = new ArrayList<>();
            for (String n : nodes) {
                ConfigTypes.ConfdbStatus s = cfg(c, n).status();
                seen.add(n + " " + s.state() + " gen " + s.gen() + " v" + s.version() + " " + s.digest());
            }
            boolean same = seen.stream().map(l -> l.substring(l.indexOf(' ') + 1)).distinct().count() == 1;
            return same && seen.get(0).contains(" Active ") ? null : String.join("; ", seen);
        });
    }
}
