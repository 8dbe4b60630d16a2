package dev.herd.confdb.sim;

import dev.herd.confdb.ClientResult;
import dev.herd.confdb.ConfdbMessage;
import dev.herd.confdb.ConfdbReplica;
import dev.herd.confdb.Limits;
import dev.herd.confdb.Output;
import dev.herd.confdb.ViewId;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * A cluster of {@link ConfdbReplica}s on a simulated transport, in one thread. The transport model (what JGroups with
 * SEQUENCER, or corosync CPG, gives us — and no more):
 * <ul>
 * <li>views: every connected component of live hosts gets one view, with a fresh {@link ViewId};</li>
 * <li>total order: each view has one sequence of messages; each member delivers a prefix of it, in order;</li>
 * <li>loss: when a view ends, each of its members has delivered an arbitrary prefix (possibly different per member,
 * which is weaker than virtual synchrony), the rest is lost;</li>
 * <li>quorum: the oracle says a view is quorate iff it holds a strict majority of the n hosts; a host may first be
 * told "not quorate" and learn it is quorate later (votequorum waits for nodeinfo), never the reverse.</li>
 * </ul>
 */
final class SimCluster {

    static final class Host {
        final int id;
        final Disk disk = new Disk();
        final long clockOffsetMs; // monotonic clocks: arbitrary zero, same rate
        ConfdbReplica replica; // null while down
        View view;
        int cursor;
        boolean toldQuorate;

        Host(int id, long clockOffsetMs) {
            this.id = id;
            this.clockOffsetMs = clockOffsetMs;
        }
    }

    record Sent(int from, ConfdbMessage message) {
    }

    static final class View {
        final ViewId id;
        final Set<Integer> members;
        final List<Sent> order = new ArrayList<>();

        View(ViewId id, Set<Integer> members) {
            this.id = id;
            this.members = members;
        }
    }

    final int n;
    final Limits limits;
    final Map<Integer, Host> hosts = new TreeMap<>();
    private final SplittableRandom random;
    private final BiConsumer<Host, Output> onOutput;
    private List<Set<Integer>> groups; // null: fully connected
    private long viewSeq;
    long nowMs;

    SimCluster(int n, Limits limits, SplittableRandom random, BiConsumer<Host, Output> onOutput) {
        this.n = n;
        this.limits = limits;
        this.random = random;
        this.onOutput = onOutput;
        for (int id = 1; id <= n; id++) {
            hosts.put(id, new Host(id, random.nextLong(1_000_000)));
        }
    }

    long clockOf(Host h) {
        return nowMs + h.clockOffsetMs;
    }

    List<Host> live() {
        return hosts.values().stream().filter(h -> h.replica != null).toList();
    }

    void start(int id) {
        Host h = hosts.get(id);
        h.replica = new ConfdbReplica(id, h.disk.load(), limits);
        reconfigure();
    }

    /** Crash: volatile state and undelivered messages are gone; the disk stays. */
    void crash(int id) {
        Host h = hosts.get(id);
        h.replica = null;
        h.view = null;
        reconfigure();
    }

    void partition(List<Set<Integer>> newGroups) {
        groups = newGroups;
        reconfigure();
    }

    void heal() {
        groups = null;
        reconfigure();
    }

    boolean oracleQuorate(Host h) {
        return h.view != null && h.view.members.size() * 2 > n;
    }

    /** @return whether some live host has undelivered messages */
    boolean deliverOne(Host h) {
        if (h.replica == null || h.view == null || h.cursor >= h.view.order.size()) {
            return false;
        }
        Sent sent = h.view.order.get(h.cursor++);
        process(h, h.replica.handleMessage(sent.from(), sent.message(), clockOf(h)));
        return true;
    }

    List<Host> withPending() {
        return live().stream().filter(h -> h.view != null && h.cursor < h.view.order.size()).toList();
    }

    void process(Host h, Output out) {
        out.persist().forEach(h.disk::apply); // (1) durable first
        if (h.view != null) {
            out.broadcast().forEach(m -> h.view.order.add(new Sent(h.id, m))); // (2) then sent
        }
        onOutput.accept(h, out); // (3) results and changes, checked by the test
    }

    void submitResultOnly(Host h, ClientResult result) {
        onOutput.accept(h, new Output(List.of(), List.of(), List.of(result), List.of()));
    }

    /** Installs new views where the components changed; members of an ending view first deliver a random prefix. */
    private void reconfigure() {
        Map<Integer, Set<Integer>> componentOf = components();
        List<Host> changed = live().stream()
                .filter(h -> h.view == null || !h.view.members.equals(componentOf.get(h.id))).toList();
        for (Host h : changed) { // virtual-synchrony cut: an arbitrary prefix of the old view's order, then loss
            if (h.view != null) {
                int extra = random.nextInt(h.view.order.size() - h.cursor + 1);
                for (int i = 0; i < extra && deliverOne(h); i++) {
                    // deliveries may append more messages; the prefix is still drawn from one order
                }
            }
        }
        Map<Set<Integer>, View> fresh = new java.util.HashMap<>();
        for (Host h : changed) {
            Set<Integer> members = componentOf.get(h.id);
            View v = fresh.computeIfAbsent(members, m -> new View(new ViewId(++viewSeq, m.iterator().next()), m));
            h.view = v;
            h.cursor = 0;
        }
        Set<Integer> late = new TreeSet<>(); // votequorum sometimes needs a moment longer on one member of a view
        for (View v : fresh.values()) {
            if (random.nextInt(3) == 0) {
                List<Integer> ids = new ArrayList<>(v.members);
                late.add(ids.get(random.nextInt(ids.size())));
            }
        }
        for (Host h : changed) {
            h.toldQuorate = oracleQuorate(h) && !late.contains(h.id);
            process(h, h.replica.handleView(h.view.id, h.view.members, h.toldQuorate, clockOf(h)));
        }
    }

    List<Host> misinformed() {
        return live().stream().filter(h -> h.toldQuorate != oracleQuorate(h)).toList();
    }

    /** votequorum catches up: the host learns its real quorum flag. */
    void settleQuorum(Host h) {
        if (h.replica != null && h.toldQuorate != oracleQuorate(h)) {
            h.toldQuorate = oracleQuorate(h);
            process(h, h.replica.handleQuorumChange(h.toldQuorate, clockOf(h)));
        }
    }

    private Map<Integer, Set<Integer>> components() {
        Map<Integer, Set<Integer>> componentOf = new TreeMap<>();
        Set<Integer> up = new TreeSet<>();
        live().forEach(h -> up.add(h.id));
        for (int id : up) {
            Set<Integer> component = new TreeSet<>();
            for (int other : up) {
                if (groups == null || groupIndex(id) == groupIndex(other) && groupIndex(id) >= 0 || other == id) {
                    component.add(other);
                }
            }
            componentOf.put(id, component);
        }
        return componentOf;
    }

    private int groupIndex(int id) {
        for (int g = 0; g < groups.size(); g++) {
            if (groups.get(g).contains(id)) {
                return g;
            }
        }
        return -1; // listed nowhere: isolated
    }
}
