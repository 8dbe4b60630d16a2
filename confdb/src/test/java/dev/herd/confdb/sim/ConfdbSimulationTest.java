package dev.herd.confdb.sim;

import dev.herd.confdb.Change;
import dev.herd.confdb.ClientRequest;
import dev.herd.confdb.ClientResult;
import dev.herd.confdb.Limits;
import dev.herd.confdb.Op;
import dev.herd.confdb.Output;
import dev.herd.confdb.ReplicaState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.fail;

/**
 * Seeded simulation of 3–9 confdb replicas under partitions, crashes, restarts, message loss at view changes and late
 * quorum, with random writes, CAS, deletes and locks; {@link Invariants} checked after every event, then a final
 * heal must converge every host. A failure prints the seed and the last events; {@code -Dsim.seed=N} replays one,
 * {@code -Dsim.seeds=N} runs more.
 */
class ConfdbSimulationTest {

    private static final int SEEDS = 200;
    private static final int EVENTS_PER_RUN = 1200;
    private static final int LOG_TAIL = 80;
    private static final Limits LIMITS = new Limits(Limits.MIB, 128L * Limits.MIB, 255, 64, 500);

    static LongStream seeds() {
        String replay = System.getProperty("sim.seed", "");
        if (replay.matches("-?\\d+")) {
            return LongStream.of(Long.parseLong(replay));
        }
        return LongStream.range(0, Long.getLong("sim.seeds", SEEDS));
    }

    private final ArrayDeque<String> log = new ArrayDeque<>();
    private final Invariants invariants = new Invariants();
    private final Map<Long, Op> submitted = new HashMap<>();
    private SimCluster cluster;
    private String violation;
    private final Map<String, Integer> stats = new java.util.TreeMap<>();

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void invariantsHoldAfterEveryEvent(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int n = 3 + random.nextInt(7);
        cluster = new SimCluster(n, LIMITS, random, this::observe);
        Workload workload = new Workload();
        note("seed " + seed + ": " + n + " hosts");
        for (int id = 1; id <= n; id++) {
            if (random.nextInt(5) > 0) {
                cluster.start(id);
            }
        }
        for (int step = 0; step < EVENTS_PER_RUN && violation == null; step++) {
            cluster.nowMs += random.nextInt(40);
            randomEvent(random, cluster, workload);
            if (violation == null) {
                violation = invariants.check(cluster);
            }
            if (Boolean.getBoolean("sim.stats")) {
                cluster.live().forEach(h -> stats.merge("state " + h.replica.state().getClass().getSimpleName()
                        + (cluster.oracleQuorate(h) ? " in majority" : " in minority"), 1, Integer::sum));
            }
        }
        if (violation == null) {
            violation = convergeAfterHeal(cluster);
        }
        if (Boolean.getBoolean("sim.stats")) {
            System.out.println("seed " + seed + " n=" + n + " " + stats);
            if (Boolean.getBoolean("sim.dump")) {
                System.out.println(String.join("\n", log) + "\n" + String.join("\n",
                        cluster.live().stream().map(h -> h.replica + " told " + h.toldQuorate).toList()));
            }
        }
        if (violation != null) {
            fail(violation + "\nreplay with -Dsim.seed=" + seed + "\nlast events:\n" + String.join("\n", log)
                    + "\nhosts:\n" + String.join("\n", cluster.live().stream().map(h -> h.replica.toString()).toList()));
        }
    }

    private void randomEvent(SplittableRandom random, SimCluster cluster, Workload workload) {
        List<SimCluster.Host> live = cluster.live();
        List<SimCluster.Host> pending = cluster.withPending();
        List<Integer> down = cluster.hosts.values().stream().filter(h -> h.replica == null).map(h -> h.id).toList();
        int choice = random.nextInt(200); // faults 0.5% each: a sync needs ~2n² deliveries
        if (live.isEmpty() || (choice < 1 && !down.isEmpty())) {
            int id = down.get(random.nextInt(down.size()));
            note("t=" + cluster.nowMs + " restart node" + id);
            cluster.start(id);
        } else if (choice < 2) {
            SimCluster.Host h = live.get(random.nextInt(live.size()));
            note("t=" + cluster.nowMs + " crash node" + h.id);
            cluster.crash(h.id);
        } else if (choice < 3) {
            partition(random, cluster);
        } else if (choice < 4) {
            note("t=" + cluster.nowMs + " heal");
            cluster.heal();
        } else if (choice < 12) {
            List<SimCluster.Host> late = cluster.misinformed();
            if (!late.isEmpty()) {
                cluster.settleQuorum(late.get(random.nextInt(late.size())));
            }
        } else if (choice < 24) {
            SimCluster.Host h = live.get(random.nextInt(live.size()));
            cluster.process(h, h.replica.tick(cluster.clockOf(h)));
        } else if (choice < 70 || pending.isEmpty()) {
            SimCluster.Host h = live.get(random.nextInt(live.size()));
            ClientRequest request = workload.next(random, h);
            submitted.put(request.requestId(), request.op());
            note("t=" + cluster.nowMs + " node" + h.id + " submits #" + request.requestId() + " " + describe(request.op()));
            cluster.process(h, h.replica.submit(request, cluster.clockOf(h)));
        } else {
            SimCluster.Host h = pending.get(random.nextInt(pending.size()));
            for (int i = 1 + random.nextInt(cluster.n); i > 0 && cluster.deliverOne(h); i--) {
                // a burst: a host often delivers several messages before the next fault or client call
            }
        }
    }

    /** Two or three sides; a host listed on no side is isolated. */
    private void partition(SplittableRandom random, SimCluster cluster) {
        List<Set<Integer>> groups = List.of(new TreeSet<>(), new TreeSet<>(), new TreeSet<>());
        int groupCount = random.nextInt(4) == 0 ? 3 : 2;
        for (int id = 1; id <= cluster.n; id++) {
            if (random.nextInt(10) > 0) {
                groups.get(random.nextInt(groupCount)).add(id);
            }
        }
        note("t=" + cluster.nowMs + " partition " + groups);
        cluster.partition(groups);
    }

    /** Liveness after faults: heal, start everyone, let votequorum settle, deliver everything: all must agree. */
    private String convergeAfterHeal(SimCluster cluster) {
        note("final heal");
        cluster.heal();
        cluster.hosts.values().stream().filter(h -> h.replica == null).map(h -> h.id).toList().forEach(cluster::start);
        cluster.live().forEach(cluster::settleQuorum);
        for (int i = 0; i < 1_000_000 && violation == null; i++) {
            List<SimCluster.Host> pending = cluster.withPending();
            if (pending.isEmpty()) {
                break;
            }
            cluster.deliverOne(pending.get(i % pending.size()));
        }
        if (violation != null) {
            return violation;
        }
        long digest = cluster.live().get(0).replica.digest();
        for (SimCluster.Host h : cluster.live()) {
            if (!(h.replica.state() instanceof ReplicaState.Active) || h.replica.digest() != digest) {
                return "not converged after heal: " + h.replica;
            }
        }
        return invariants.check(cluster);
    }

    private void observe(SimCluster.Host h, Output out) {
        for (ClientResult r : out.results()) {
            Op op = submitted.get(r.requestId());
            note("  node" + h.id + " -> #" + r.requestId() + " " + r);
            stats.merge(r.getClass().getSimpleName() + " " + op.getClass().getSimpleName()
                    + (r instanceof ClientResult.Acked a && a.detail().contains("taken over") ? " takeover" : "")
                    + (r instanceof ClientResult.Refused f ? " " + f.reason().replaceAll("[0-9]+", "N")
                            .replaceAll(" (on|is|of) .*", "") : ""),
                    1, Integer::sum);
            if (r instanceof ClientResult.Acked ack) {
                for (int member : h.view.members) { // acked ⇒ durable on every member of the view, crashed or not
                    long onDisk = cluster.hosts.get(member).disk.load().version();
                    if (onDisk < ack.version() && violation == null) {
                        violation = "#" + r.requestId() + " acked at v" + ack.version() + " but node" + member
                                + "'s disk holds only v" + onDisk;
                    }
                }
                byte[] value = op instanceof Op.Set set ? set.value() : null; // a renew may keep a longer lease
                boolean deleted = op instanceof Op.Delete || op instanceof Op.Unlock;
                invariants.acked(new Invariants.Acked(op.path(), ack.version(), value, deleted));
            }
        }
        for (Change c : out.changes()) {
            stats.merge(c.byWrite() ? "change by write" : "change by sync", 1, Integer::sum);
            String bad = invariants.changed(cluster, h, c);
            if (bad != null && violation == null) {
                violation = bad;
            }
        }
    }

    private void note(String line) {
        log.addLast(line);
        if (log.size() > LOG_TAIL) {
            log.removeFirst();
        }
    }

    private static String describe(Op op) {
        return switch (op) {
            case Op.Set s -> "set " + s.path() + " expect " + s.expectVersion();
            case Op.Delete d -> "delete " + d.path() + " expect " + d.expectVersion();
            case Op.Lock l -> "lock " + l.name() + " " + l.leaseMs() + "ms";
            case Op.Unlock u -> "unlock " + u.name();
        };
    }
}
