package dev.herd.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herd.api.HaTypes;
import dev.herd.api.Json;
import dev.herd.cli.sandbox.SandboxNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The HA manager with real daemons, real watchdog supervisors and a real guest (docs/ha.md). The guest is a small
 * program that, while it runs, appends {@code node pid time} to a witness file on its host's disk; after every fault
 * the guest must come back on another host, and the witnesses of all hosts together must never show two instances
 * alive at the same time (DESIGN.md §3, invariant 1).
 */
class HaProcessTest {
    static final String SID = "ct:100";
    static final Duration FAILOVER = Duration.ofSeconds(45);

    /** A guest that writes its host, pid and wall-clock ns to its host's witness every 20 ms while it runs. */
    static Path witnessScript(Path dir) throws IOException {
        Path script = dir.resolve("witness.sh");
        Files.writeString(script, """
                #!/bin/sh
                while true; do
                  echo "$HERD_NODE $$ $(date +%s%N)" >> "$HERD_GUEST_DIR/witness.log"
                  sleep 0.02
                done
                """);
        script.toFile().setExecutable(true);
        return script;
    }

    static void createGuest(LiveCluster c, Path script) throws IOException {
        HaTypes.GuestConfig g = new HaTypes.GuestConfig(SID, "process", 1, List.of("/bin/sh", script.toString()),
                Map.of(), null, null, null, 2000, new HaTypes.HaOptions("started", null, 1, 1));
        new ConfigClient(c.client("node1")).set(HaTypes.guestPath(SID), Json.MAPPER.writeValueAsBytes(g), 0L);
    }

    /** Where the master placed the guest and whether it is started, as node1..N see it (first one that answers). */
    static HaTypes.ServiceDoc service(LiveCluster c, List<String> askable) {
        for (String n : askable) {
            try {
                String text = new ConfigClient(c.client(n)).get(HaTypes.MANAGER_STATUS);
                if (text == null) {
                    return null;
                }
                return Json.MAPPER.readValue(text, HaTypes.ManagerStatusDoc.class).services().get(SID);
            } catch (Exception e) {
                // that host is down or not answering: ask the next
            }
        }
        return null;
    }

    static Path witness(SandboxNode n) {
        return n.dataDir().resolve("guests").resolve(SID.replace(':', '-')).resolve("witness.log");
    }

    /** The newest witness line of a host, in ns of wall clock, or 0. */
    static long lastWitnessNs(SandboxNode n) throws IOException {
        Path w = witness(n);
        if (!Files.exists(w)) {
            return 0;
        }
        List<String> lines = Files.readAllLines(w);
        for (int i = lines.size() - 1; i >= 0; i--) {
            String[] f = lines.get(i).trim().split(" ");
            if (f.length == 3) {
                return Long.parseLong(f[2]);
            }
        }
        return 0;
    }

    /** Waits until the guest runs on a host other than {@code notOn}: started there and writing its witness. */
    static String awaitRunningElsewhere(LiveCluster c, String notOn, List<String> askable, Duration timeout)
            throws IOException {
        String[] where = new String[1];
        c.awaitTrue(SID + " running on a host other than " + notOn, timeout, () -> {
            HaTypes.ServiceDoc s = service(c, askable);
            if (s == null || !s.state().equals("started")) {
                return "manager status: " + s;
            }
            String node = "node" + s.node();
            if (node.equals(notOn)) {
                return "still placed on " + notOn + " (" + s.state() + ")";
            }
            long last = lastWitnessNs(c.sandbox.node(node));
            long ageMs = (System.currentTimeMillis() * 1_000_000 - last) / 1_000_000;
            if (ageMs > 500) {
                return "placed on " + node + " but its witness is " + (last == 0 ? "empty" : ageMs + " ms old");
            }
            where[0] = node;
            return null;
        });
        return where[0];
    }

    /** Every instance's lifetime from the witnesses of all hosts; no two may overlap. */
    static List<String> overlaps(LiveCluster c) throws IOException {
        record Life(String node, String pid, long firstNs, long lastNs) {
        }
        Map<String, long[]> lives = new HashMap<>();
        for (SandboxNode n : c.sandbox.nodes()) {
            Path w = witness(n);
            if (!Files.exists(w)) {
                continue;
            }
            for (String line : Files.readAllLines(w)) {
                String[] f = line.trim().split(" ");
                if (f.length != 3) {
                    continue; // a line cut by SIGKILL
                }
                long t = Long.parseLong(f[2]);
                lives.merge(f[0] + " " + f[1], new long[] {t, t}, (a, b) -> new long[] {Math.min(a[0], b[0]),
                        Math.max(a[1], b[1])});
            }
        }
        List<Life> all = new ArrayList<>();
        lives.forEach((k, v) -> all.add(new Life(k.split(" ")[0], k.split(" ")[1], v[0], v[1])));
        List<String> problems = new ArrayList<>();
        for (Life a : all) {
            for (Life b : all) {
                if (a != b && a.firstNs() <= b.firstNs() && b.firstNs() <= a.lastNs()) {
                    problems.add("node" + a.node() + " pid " + a.pid() + " alive until " + a.lastNs()
                            + " while node" + b.node() + " pid " + b.pid() + " started at " + b.firstNs());
                }
            }
        }
        System.out.println("[ha] instances seen: " + all.size() + " " + all);
        return problems;
    }

    static List<String> others(LiveCluster c, String down) {
        List<String> l = new ArrayList<>(c.names());
        l.remove(down);
        return l;
    }

    /** A restarted host is back in everyone's membership (the next fault must not hit a cluster of two). */
    static void awaitAllMembers(LiveCluster c) throws IOException {
        List<Integer> all = new ArrayList<>();
        for (int i = 1; i <= c.names().size(); i++) {
            all.add(i);
        }
        for (String n : c.names()) {
            c.awaitQuorum(n, all, true, LiveCluster.CONVERGE);
        }
    }

    /** Every host gets the sandbox's fence agent: `herd sandbox fence --dir DIR {name}` kills all its processes. */
    static void configureFenceAgents(LiveCluster c) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        for (SandboxNode n : c.sandbox.nodes()) {
            HaTypes.FenceAgent agent = new HaTypes.FenceAgent(n.index(), List.of(java, "-XX:TieredStopAtLevel=1",
                    "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), "dev.herd.cli.Main", "sandbox",
                    "fence", "--dir", c.sandbox.dir().toString(), "{name}"), 20_000);
            new ConfigClient(c.client("node1")).set(HaTypes.FENCE_AGENTS + n.name() + ".json",
                    Json.MAPPER.writeValueAsBytes(agent), null);
        }
    }

    /** The event log lines of every host that contain {@code text}. */
    static List<String> events(LiveCluster c, String text) throws IOException {
        List<String> out = new ArrayList<>();
        for (SandboxNode n : c.sandbox.nodes()) {
            Path f = n.dataDir().resolve("events.log");
            if (Files.exists(f)) {
                Files.readAllLines(f).stream().filter(l -> l.contains(text)).forEach(out::add);
            }
        }
        return out;
    }

    @Test
    void fenceAgentConfirmsThePowerOffAndRecoveryNeedsNoLeaseWait() throws Exception {
        try (LiveCluster c = LiveCluster.start("ha3-agent", 3, 132, "majority")) {
            configureFenceAgents(c);
            createGuest(c, witnessScript(c.sandbox.dir()));
            String first = awaitRunningElsewhere(c, "none", c.names(), FAILOVER);
            long t0 = System.nanoTime();
            c.sandbox.kill(first);
            String second = awaitRunningElsewhere(c, first, others(c, first), FAILOVER);
            System.out.printf("[ha] fence agent: back on %s after %d ms%n", second, (System.nanoTime() - t0) / 1_000_000);
            assertThat(events(c, "fence agent attempt 1 for " + first + " succeeded")).isNotEmpty();
            assertThat(events(c, "fencing: acknowledged - fence agent confirmed " + first + " is powered off"))
                    .isNotEmpty();
            assertThat(overlaps(c)).isEmpty();
        }
    }

    @Test
    void maintenanceMovesTheGuestAwayAndBackACleanShutdownHandsItOverAndARebootFreezesIt() throws Exception {
        try (LiveCluster c = LiveCluster.start("ha3-clean", 3, 133, "majority")) {
            createGuest(c, witnessScript(c.sandbox.dir()));
            String home = awaitRunningElsewhere(c, "none", c.names(), FAILOVER);
            // maintenance (like ha-manager crm-command node-maintenance enable): it leaves, then comes back
            HaTypes.Command enable = new HaTypes.Command("maintenance", null, c.sandbox.node(home).index(), true);
            new ConfigClient(c.client("node1")).set(HaTypes.COMMANDS + "t-enable.json",
                    Json.MAPPER.writeValueAsBytes(enable), 0L);
            String away = awaitRunningElsewhere(c, home, c.names(), FAILOVER);
            HaTypes.Command disable = new HaTypes.Command("maintenance", null, c.sandbox.node(home).index(), false);
            new ConfigClient(c.client("node1")).set(HaTypes.COMMANDS + "t-disable.json",
                    Json.MAPPER.writeValueAsBytes(disable), 0L);
            String back = awaitRunningElsewhere(c, away, c.names(), FAILOVER);
            assertThat(back).as("back from maintenance on its node").isEqualTo(home);
            assertThat(overlaps(c)).isEmpty();

            // a clean shutdown (SIGTERM, policy conditional): the guest stops, the lock is released, recovery at once
            ProcessHandle.of(c.sandbox.node(home).pid()).orElseThrow().destroy();
            String after = awaitRunningElsewhere(c, home, others(c, home), FAILOVER);
            assertThat(events(c, "got agent lock of " + home + ", which was free")).isNotEmpty();
            assertThat(events(c, "all services stopped - releasing agent lock and watchdog")).isNotEmpty();
            System.out.println("[ha] clean shutdown of " + home + ": taken over by " + after);
            assertThat(overlaps(c)).isEmpty();

            // a reboot (policy conditional): frozen on its host, not recovered elsewhere, started there once it is back
            c.sandbox.kill(home);
            c.sandbox.start(home, List.of(), Map.of());
            awaitAllMembers(c);
            SandboxNode host = c.sandbox.node(after);
            Files.createDirectories(host.dataDir().resolve("run"));
            Files.writeString(host.dataDir().resolve("run").resolve("rebooting"), "test\n");
            ProcessHandle.of(host.pid()).orElseThrow().destroy();
            c.awaitTrue(SID + " frozen on " + after, FAILOVER, () -> {
                HaTypes.ServiceDoc sd = service(c, others(c, after));
                return sd != null && sd.state().equals("freeze") && ("node" + sd.node()).equals(after) ? null
                        : "manager status: " + sd;
            });
            c.awaitTrue(after + "'s herdd has stopped", FAILOVER, () -> c.sandbox.alive(host) ? "still running" : null);
            Files.delete(host.dataDir().resolve("run").resolve("rebooting"));
            c.sandbox.start(after, List.of(), Map.of());
            String again = awaitRunningElsewhere(c, "none", c.names(), FAILOVER);
            assertThat(again).as("started again on its host after the reboot").isEqualTo(after);
            assertThat(overlaps(c)).isEmpty();
        }
    }

    @Test
    void guestComesBackElsewhereAfterPowerCutDaemonFreezeAndPartitionNeverTwice() throws Exception {
        try (LiveCluster c = LiveCluster.start("ha3", 3, 131, "majority")) {
            createGuest(c, witnessScript(c.sandbox.dir()));
            String first = awaitRunningElsewhere(c, "none", c.names(), FAILOVER);

            // 1. power cut: herdd, watchdog supervisor and guest of the host die at once
            long t0 = System.nanoTime();
            System.out.println("[ha] power cut of " + first + ": " + c.sandbox.kill(first));
            String second = awaitRunningElsewhere(c, first, others(c, first), FAILOVER);
            System.out.printf("[ha] power cut: back on %s after %d ms%n", second, (System.nanoTime() - t0) / 1_000_000);
            assertThat(overlaps(c)).isEmpty();
            c.sandbox.start(first, List.of(), Map.of());
            awaitAllMembers(c);

            // 2. the daemon of the guest's host freezes (SIGSTOP): its watchdog fires, kills guest and daemon
            t0 = System.nanoTime();
            c.sandbox.pause(second);
            String third = awaitRunningElsewhere(c, second, others(c, second), FAILOVER);
            System.out.printf("[ha] frozen daemon: back on %s after %d ms%n", third, (System.nanoTime() - t0) / 1_000_000);
            assertThat(overlaps(c)).isEmpty();
            c.awaitTrue(second + " fenced by its own watchdog (supervisor killed the frozen herdd)", FAILOVER,
                    () -> c.sandbox.alive(c.sandbox.node(second)) ? "herdd still alive" : null);
            assertThat(c.sandbox.node(second).dataDir().resolve("run").resolve("fired")).exists();
            c.sandbox.kill(second);
            c.sandbox.start(second, List.of(), Map.of());
            awaitAllMembers(c);

            // 3. the guest's host is cut off: it kills the guest at once, its watchdog fires, the majority recovers
            String why = Root.linkCuttingUnavailable();
            if (why != null) {
                System.out.println("[ha] SKIPPED the partition part: " + why);
                return;
            }
            t0 = System.nanoTime();
            c.sandbox.partition(List.of(List.of(third), others(c, third)));
            String fourth;
            try {
                fourth = awaitRunningElsewhere(c, third, others(c, third), FAILOVER);
            } finally {
                c.sandbox.heal();
            }
            System.out.printf("[ha] partition: back on %s after %d ms%n", fourth, (System.nanoTime() - t0) / 1_000_000);
            assertThat(overlaps(c)).isEmpty();
        }
    }
}
