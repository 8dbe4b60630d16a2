package dev.herd.ha.sim;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herd.ha.Group;
import dev.herd.ha.HaTimeouts;
import dev.herd.ha.RequestedState;
import dev.herd.ha.Resource;
import dev.herd.ha.ShutdownPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seeded random faults on top of the golden scenarios: random clusters, groups, fence agents and two minutes of power
 * cuts, partitions, frozen daemons, shutdowns, crashes, failing starts and operator commands; then everything heals.
 * Every step must keep the invariants, and afterwards every service must run exactly once, where the master says.
 * A failure prints the seed and the transcript; replay one with {@code -Dha.seed=N}; soak with {@code -Dha.seeds=N}.
 */
class RandomFaultsTest {
    private static final long FAULTS_UNTIL_MS = 120_000;
    private static final long END_MS = 220_000;

    static LongStream seeds() {
        String one = System.getProperty("ha.seed");
        return one != null ? LongStream.of(Long.parseLong(one))
                : LongStream.rangeClosed(1, Long.getLong("ha.seeds", 300)); // soak: -Dha.seeds=20000
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void invariantsHoldAndServicesConverge(long seed) {
        Scenario sc = generate(seed);
        HaSimulator.Result r = HaSimulator.run(sc);
        assertThat(r.violations()).as("seed " + seed + " (replay with -Dha.seed=" + seed + ")\n" + r.transcript())
                .isEmpty();
        for (Map.Entry<String, String> e : r.finalPlacement().entrySet()) {
            assertThat(e.getValue()).as("seed " + seed + ": " + e.getKey() + " after healing\n" + r.transcript())
                    .matches("started on node(\\d+), running on node\\1");
        }
    }

    static Scenario generate(long seed) {
        Random rnd = new Random(seed);
        int n = 3 + rnd.nextInt(3);
        SortedSet<Integer> nodes = new TreeSet<>();
        for (int i = 1; i <= n; i++) {
            nodes.add(i);
        }
        SortedMap<String, Group> groups = new TreeMap<>();
        if (rnd.nextBoolean()) {
            SortedMap<Integer, Integer> pri = new TreeMap<>();
            pri.put(1 + rnd.nextInt(n), 2);
            pri.put(1 + rnd.nextInt(n), 1);
            groups.put("g1", new Group("g1", pri, rnd.nextInt(4) == 0, rnd.nextBoolean()));
        }
        SortedMap<String, Resource> resources = new TreeMap<>();
        int guests = 2 + rnd.nextInt(5);
        for (int g = 0; g < guests; g++) {
            String sid = (rnd.nextInt(4) == 0 ? "ct:" : "vm:") + (100 + g);
            String group = !groups.isEmpty() && rnd.nextBoolean() ? "g1" : null;
            resources.put(sid, new Resource(sid, RequestedState.STARTED, group, rnd.nextInt(3), rnd.nextInt(3),
                    1 + rnd.nextInt(n)));
        }
        SortedMap<Integer, String> agents = new TreeMap<>();
        for (int node : nodes) {
            int k = rnd.nextInt(4);
            if (k == 1) {
                agents.put(node, "ok");
            } else if (k == 2) {
                agents.put(node, "fail:" + rnd.nextInt(3));
            }
        }
        List<Scenario.Event> events = new ArrayList<>();
        for (int node : nodes) {
            events.add(new Scenario.Event(0, "power node" + node + " on"));
        }
        List<String> sids = new ArrayList<>(resources.keySet());
        long t = 5_000;
        while (true) {
            t += 500 + rnd.nextInt(8_000);
            if (t >= FAULTS_UNTIL_MS) {
                break;
            }
            String node = "node" + (1 + rnd.nextInt(n));
            String sid = sids.get(rnd.nextInt(sids.size()));
            String cmd = switch (rnd.nextInt(16)) {
                case 0, 1 -> "power " + node + " off";
                case 2, 3 -> "power " + node + " on";
                case 4 -> "network " + node + " off";
                case 5 -> "network " + node + " on";
                case 6 -> "pause " + node;
                case 7 -> "resume " + node;
                case 8 -> rnd.nextBoolean() ? "shutdown " + node : "reboot " + node;
                case 9 -> "service " + sid + " crash";
                case 10 -> "service " + sid + (rnd.nextBoolean() ? " migrate " : " relocate ") + node;
                case 11 -> "maintenance " + node + (rnd.nextBoolean() ? " enable" : " disable");
                case 12 -> "service " + sid + " fail-start " + (rnd.nextInt(3) == 0 ? "on" : "off");
                case 13 -> "service " + sid + " " + List.of("stopped", "disabled", "started").get(rnd.nextInt(3));
                case 14 -> partition(rnd, n);
                default -> "partition heal";
            };
            events.add(new Scenario.Event(t, cmd));
        }
        long heal = FAULTS_UNTIL_MS;
        events.add(new Scenario.Event(heal, "partition heal"));
        for (int node : nodes) {
            events.add(new Scenario.Event(heal, "network node" + node + " on"));
            events.add(new Scenario.Event(heal, "resume node" + node));
            events.add(new Scenario.Event(heal, "maintenance node" + node + " disable"));
        }
        for (String sid : sids) {
            events.add(new Scenario.Event(heal, "service " + sid + " fail-start off"));
        }
        // hosts that went down come back (a fenced or shut down host is powered on again by its operator)
        // (again: a host the master still had to fence when it came back is fenced by its agent once more)
        for (long at = heal + 10_000; at <= heal + 40_000; at += 15_000) {
            for (int node : nodes) {
                events.add(new Scenario.Event(at, "power node" + node + " on"));
            }
        }
        for (int node : nodes) { // once quorate again (at heal it may have been refused)
            events.add(new Scenario.Event(heal + 45_000, "maintenance node" + node + " disable"));
        }
        for (String sid : sids) {
            events.add(new Scenario.Event(heal + 50_000, "service " + sid + " disabled")); // clears error states
            events.add(new Scenario.Event(heal + 60_000, "service " + sid + " started"));
        }
        for (int node : nodes) { // a host whose pending shutdown finished only once its services were disabled
            events.add(new Scenario.Event(heal + 55_000, "power node" + node + " on"));
        }
        events.sort(java.util.Comparator.comparingLong(Scenario.Event::atMs)); // stable: same-time order kept
        ShutdownPolicy policy = ShutdownPolicy.values()[rnd.nextInt(ShutdownPolicy.values().length)];
        return new Scenario(nodes, HaTimeouts.DEFAULT, policy, 1000, 1000, 50 + rnd.nextInt(1000),
                50 + rnd.nextInt(1000), 200 + rnd.nextInt(2000), 3000 + rnd.nextInt(5000), END_MS, agents, groups,
                resources, new TreeSet<>(), events);
    }

    private static String partition(Random rnd, int n) {
        StringBuilder a = new StringBuilder();
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= n; i++) {
            StringBuilder side = rnd.nextBoolean() ? a : b;
            side.append(side.isEmpty() ? "" : ",").append(i);
        }
        if (a.isEmpty() || b.isEmpty()) {
            return "partition heal";
        }
        return "partition " + a + " " + b;
    }
}
