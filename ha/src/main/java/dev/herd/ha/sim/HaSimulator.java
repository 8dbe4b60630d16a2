package dev.herd.ha.sim;

import dev.herd.ha.HaCommand;
import dev.herd.ha.ManagerStatus;
import dev.herd.ha.RequestedState;
import dev.herd.ha.Resource;
import dev.herd.ha.ServiceState;
import dev.herd.ha.ServiceStatus;
import dev.herd.ha.crm.AgentLockHold;
import dev.herd.ha.crm.Crm;
import dev.herd.ha.crm.CrmInput;
import dev.herd.ha.crm.CrmOutput;
import dev.herd.ha.crm.FenceAgentOutcome;
import dev.herd.ha.crm.FenceAgentRun;
import dev.herd.ha.lrm.GuestAction;
import dev.herd.ha.lrm.GuestEvent;
import dev.herd.ha.lrm.GuestRun;
import dev.herd.ha.lrm.Lrm;
import dev.herd.ha.lrm.LrmInput;
import dev.herd.ha.lrm.LrmOutput;
import dev.herd.ha.lrm.ShutdownRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Runs the real CRM and LRM cores of every host against a simulated world — power, network, a quorum-gated config
 * store with leased locks, watchdogs, fence agents and guests that take time to start and stop — in steps of
 * {@link #TICK_MS}, deterministically. After every step it checks the safety invariants (DESIGN.md §3):
 * <ol>
 *   <li>one instance: no guest is alive on two hosts;</li>
 *   <li>fence before recovery: when the master moves a service from fence to recovery, its node is powered off, or
 *       runs no HA guest and no longer believes it holds its agent lock;</li>
 *   <li>no quorum, no start: a guest starts only on a quorate host that holds its agent lock;</li>
 *   <li>at most one host believes it holds the manager lock.</li>
 * </ol>
 */
public final class HaSimulator {
    public static final long TICK_MS = 50;

    /** The transcript and any invariant violations (empty when the run was safe). */
    public record Result(String transcript, List<String> violations, SortedMap<String, String> finalPlacement) {
    }

    private record Instance(int node, GuestRun run, long untilMs) {
    }

    private record PendingFence(int byNode, int target, int attempt, long atMs, boolean ok) {
    }

    private final Scenario sc;
    private final Transcript out = new Transcript();
    private final List<String> violations = new ArrayList<>();
    private final SortedMap<Integer, SimHost> hosts = new TreeMap<>();
    private final SimStore store = new SimStore();
    private final SimLocks locks;
    private final Map<String, Map<Integer, Instance>> instances = new TreeMap<>();
    private final Set<String> failingStarts;
    private final SortedMap<Integer, String> fenceAgents;
    private final Map<Integer, Integer> fenceAttempts = new HashMap<>();
    private final List<PendingFence> pendingFences = new ArrayList<>();
    private long now;

    private HaSimulator(Scenario sc) {
        this.sc = sc;
        this.locks = new SimLocks(sc.timeouts().leaseMs());
        this.failingStarts = new TreeSet<>(sc.failingStarts());
        this.fenceAgents = new TreeMap<>(sc.fenceAgents());
        for (int id : sc.nodes()) {
            hosts.put(id, new SimHost(id));
        }
        store.resources.putAll(sc.resources());
    }

    public static Result run(Scenario scenario) {
        HaSimulator sim = new HaSimulator(scenario);
        sim.runToEnd();
        return new Result(sim.out.toString(), List.copyOf(sim.violations), sim.placement());
    }

    private void runToEnd() {
        int next = 0;
        List<Scenario.Event> events = sc.events();
        for (now = 0; now <= sc.endMs(); now += TICK_MS) {
            while (next < events.size() && events.get(next).atMs() <= now) {
                execute(events.get(next++).command());
            }
            powerOnScheduled();
            completeGuestOps();
            completeFences();
            membership();
            watchdogs();
            for (SimHost h : hosts.values()) {
                if (h.running() && h.crm != null) {
                    long phase = (now - h.id * 100L) % sc.crmLoopMs();
                    if (phase == 0) {
                        crmRound(h);
                    }
                }
            }
            for (SimHost h : hosts.values()) {
                if (h.running() && h.lrm != null) {
                    long phase = (now - h.id * 100L - 50) % sc.lrmLoopMs();
                    if (phase == 0) {
                        lrmRound(h);
                    }
                }
            }
            for (SimHost h : hosts.values()) {
                if (h.running() && h.quorate) {
                    h.view = store.view();
                }
            }
            checkInstances();
            if (locks.believers("ha-manager", now) > 1) {
                violation("two hosts believe they hold the manager lock");
            }
        }
        now = sc.endMs();
        store.status.nodes().forEach((n, st) -> out.add(now, "sim", "final: node" + n + " " + st.label()
                + (hosts.get(n).powered ? "" : " (powered off)")));
        for (Map.Entry<String, String> e : placement().entrySet()) {
            out.add(now, "sim", "final: " + e.getKey() + " " + e.getValue());
        }
    }

    // ---- commands ----

    private void execute(String text) {
        out.add(now, "cmdlist", "execute " + text);
        SimCommands.Cmd cmd = SimCommands.parse(text, sc.nodes(), sc.resources().keySet());
        switch (cmd) {
            case SimCommands.Power p -> {
                if (p.on()) {
                    powerOn(hosts.get(p.node()));
                } else {
                    powerOff(hosts.get(p.node()), "power cut");
                }
            }
            case SimCommands.Network n -> hosts.get(n.node()).networkOn = n.on();
            case SimCommands.Partition p -> {
                int g = 0;
                for (List<Integer> group : p.groups()) {
                    for (int id : group) {
                        hosts.get(id).partitionGroup = g;
                    }
                    g++;
                }
            }
            case SimCommands.Pause p -> hosts.get(p.node()).paused = p.paused();
            case SimCommands.Shutdown s -> {
                SimHost h = hosts.get(s.node());
                if (h.powered) {
                    h.shutdown = s.reboot() ? ShutdownRequest.REBOOT : ShutdownRequest.SHUTDOWN;
                }
            }
            case SimCommands.SetState s -> operator(() -> store.resources.compute(s.sid(),
                    (k, r) -> r.withRequested(RequestedState.parse(s.state()))), text);
            case SimCommands.Move m -> operator(() -> store.commands.add(m.migrate()
                    ? new HaCommand.Migrate(m.sid(), m.target()) : new HaCommand.Relocate(m.sid(), m.target())), text);
            case SimCommands.Maintenance m -> operator(() -> store.commands.add(
                    new HaCommand.Maintenance(m.node(), m.enable())), text);
            case SimCommands.Crash c -> crash(c.sid());
            case SimCommands.FailStart f -> {
                if (f.failing()) {
                    failingStarts.add(f.sid());
                } else {
                    failingStarts.remove(f.sid());
                }
            }
            case SimCommands.FenceAgent f -> {
                if (f.spec() == null) {
                    fenceAgents.remove(f.node());
                } else {
                    fenceAgents.put(f.node(), f.spec());
                }
                fenceAttempts.remove(f.node());
            }
            case SimCommands.Delay d -> {
                // a mark in the transcript
            }
        }
    }

    /** Operator changes go through the config store, which only a quorate partition may write. */
    private void operator(Runnable change, String text) {
        membership();
        boolean anyQuorate = hosts.values().stream().anyMatch(h -> h.running() && h.quorate);
        if (!anyQuorate) {
            out.add(now, "cmdlist", "refused (no quorate partition to write the config store): " + text);
            return;
        }
        change.run();
    }

    private void crash(String sid) {
        Map<Integer, Instance> alive = instances.getOrDefault(sid, Map.of());
        for (Map.Entry<Integer, Instance> e : new TreeMap<>(alive).entrySet()) {
            if (e.getValue().run() == GuestRun.RUNNING) {
                alive.remove(e.getKey());
                out.add(now, "node" + e.getKey() + "/guest", sid + " crashed");
                hosts.get(e.getKey()).guestEvents.add(new GuestEvent.Exited(sid, "simulated crash"));
            }
        }
    }

    // ---- hardware ----

    private void powerOn(SimHost h) {
        if (h.powered) {
            return;
        }
        h.powered = true;
        h.paused = false;
        h.crm = new Crm(h.id, sc.timeouts());
        h.lrm = new Lrm(h.id);
        h.quorate = false;
        h.view = SimStore.View.EMPTY;
        h.shutdown = ShutdownRequest.NONE;
        out.add(now, "hardware", h.name() + " powered on");
    }

    private void powerOff(SimHost h, String why) {
        if (!h.powered) {
            return;
        }
        List<String> killed = new ArrayList<>();
        for (Map.Entry<String, Map<Integer, Instance>> e : instances.entrySet()) {
            if (e.getValue().remove(h.id) != null) {
                killed.add(e.getKey());
            }
        }
        h.powered = false;
        h.paused = false;
        h.crm = null;
        h.lrm = null;
        h.quorate = false;
        h.watchdogArmed = false;
        h.agentHolds.clear();
        h.guestEvents.clear();
        h.fenceOutcomes.clear();
        h.shutdown = ShutdownRequest.NONE;
        locks.forgetAll(h.id);
        out.add(now, "hardware", h.name() + " powered off (" + why + ")"
                + (killed.isEmpty() ? "" : ", killed " + String.join(", ", killed)));
    }

    private void powerOnScheduled() {
        for (SimHost h : hosts.values()) {
            if (h.powerOnAtMs >= 0 && now >= h.powerOnAtMs) {
                h.powerOnAtMs = -1;
                powerOn(h);
            }
        }
    }

    private void membership() {
        Map<Integer, Set<Integer>> components = new HashMap<>();
        for (SimHost h : hosts.values()) {
            if (h.running()) {
                int key = h.networkOn ? h.partitionGroup : -h.id - 1;
                components.computeIfAbsent(key, k -> new TreeSet<>()).add(h.id);
            }
        }
        for (SimHost h : hosts.values()) {
            boolean was = h.quorate;
            h.quorate = false;
            if (h.running()) {
                Set<Integer> c = components.get(h.networkOn ? h.partitionGroup : -h.id - 1);
                h.quorate = c.size() * 2 > hosts.size();
            }
            if (h.quorate && !was) {
                h.watchingSinceMs = now; // a (re)joining replica has watched no lock yet
                h.view = store.view();
            }
        }
    }

    private SortedSet<Integer> members(SimHost h) {
        SortedSet<Integer> m = new TreeSet<>();
        if (!h.quorate) {
            return m;
        }
        for (SimHost o : hosts.values()) {
            if (o.quorate) {
                m.add(o.id); // at most one quorate partition exists
            }
        }
        return m;
    }

    private void watchdogs() {
        for (SimHost h : hosts.values()) {
            if (h.powered && h.watchdogArmed && now >= h.lastFeedMs + sc.timeouts().watchdogTimeoutMs()) {
                out.add(now, "watchdog", h.name() + " not fed for " + (now - h.lastFeedMs) + " ms: fires");
                powerOff(h, "watchdog");
            }
        }
    }

    private void completeFences() {
        for (PendingFence f : new ArrayList<>(pendingFences)) {
            if (f.atMs() > now) {
                continue;
            }
            pendingFences.remove(f);
            if (f.ok()) {
                powerOff(hosts.get(f.target()), "fence agent");
            }
            out.add(now, "fence", "node" + f.target() + " attempt " + f.attempt() + (f.ok() ? " powered it off" : " failed"));
            SimHost by = hosts.get(f.byNode());
            if (by.powered) {
                by.fenceOutcomes.add(new FenceAgentOutcome(f.target(), f.attempt(), f.ok(),
                        f.ok() ? "power is off" : "simulated agent failure"));
            }
        }
    }

    private void completeGuestOps() {
        for (Map.Entry<String, Map<Integer, Instance>> e : instances.entrySet()) {
            String sid = e.getKey();
            for (Map.Entry<Integer, Instance> i : new TreeMap<>(e.getValue()).entrySet()) {
                Instance inst = i.getValue();
                if (inst.untilMs() > now || inst.run() == GuestRun.RUNNING) {
                    continue;
                }
                SimHost h = hosts.get(i.getKey());
                if (inst.run() == GuestRun.STARTING) {
                    if (failingStarts.contains(sid)) {
                        e.getValue().remove(i.getKey());
                        h.guestEvents.add(new GuestEvent.StartFailed(sid, "simulated start failure"));
                    } else {
                        e.getValue().put(i.getKey(), new Instance(inst.node(), GuestRun.RUNNING, 0));
                        h.guestEvents.add(new GuestEvent.Started(sid));
                    }
                } else {
                    e.getValue().remove(i.getKey());
                    h.guestEvents.add(new GuestEvent.Stopped(sid));
                }
            }
        }
    }

    // ---- daemon rounds ----

    private void crmRound(SimHost h) {
        SimStore.View v = h.view;
        h.agentHolds.entrySet().removeIf(e -> !locks.holds(agentLock(e.getKey()), h.id, now));
        SortedSet<Integer> agentNodes = new TreeSet<>(fenceAgents.keySet());
        CrmInput in = new CrmInput(now, h.quorate, locks.holds("ha-manager", h.id, now), sc.nodes(), members(h),
                v.status(), v.lrms(), v.resources(), sc.groups(), v.commands(), agentNodes,
                new TreeMap<>(h.agentHolds), List.copyOf(h.fenceOutcomes));
        h.fenceOutcomes.clear();
        CrmOutput o = h.crm.step(in);
        o.log().forEach(line -> out.add(now, h.name() + "/crm", line));
        if (o.statusToWrite() != null) {
            writeStatus(h, v, o);
        }
        for (FenceAgentRun run : o.fenceAgentRuns()) {
            int attempt = fenceAttempts.merge(run.node(), 1, Integer::sum);
            String spec = fenceAgents.get(run.node());
            boolean ok = spec != null && SimFenceAgent.succeeds(spec, attempt);
            pendingFences.add(new PendingFence(h.id, run.node(), run.attempt(), now + sc.fenceAgentMs(), ok));
        }
        if (o.wantsManagerLock() && h.quorate) {
            locks.acquire("ha-manager", h.id, now, h.watchingSinceMs);
        }
        for (int node : new ArrayList<>(h.agentHolds.keySet())) {
            if (!o.agentLocksWanted().contains(node)) {
                locks.release(agentLock(node), h.id, now);
                h.agentHolds.remove(node);
                out.add(now, h.name() + "/crm", "released lock '" + agentLock(node) + "'");
            }
        }
        if (h.quorate) {
            for (int node : o.agentLocksWanted()) {
                SimLocks.Grant g = locks.acquire(agentLock(node), h.id, now, h.watchingSinceMs);
                if (g.granted() && !h.agentHolds.containsKey(node)) {
                    h.agentHolds.put(node, new AgentLockHold(now, g.wasFree()));
                    out.add(now, h.name() + "/crm", "got lock '" + agentLock(node) + "'" + (g.wasFree() ? " (it was free)" : ""));
                }
            }
        }
    }

    private void writeStatus(SimHost h, SimStore.View read, CrmOutput o) {
        if (!h.quorate || !locks.holds("ha-manager", h.id, now)) {
            out.add(now, h.name() + "/crm", "status write refused: not quorate or manager lock lost");
            return;
        }
        if (store.statusVersion != read.statusVersion()) {
            out.add(now, h.name() + "/crm", "status write refused: changed since read (compare-and-set)");
            return;
        }
        checkRecoveries(store.status, o.statusToWrite());
        store.status = o.statusToWrite();
        store.statusVersion++;
        store.commands.removeAll(o.consumedCommands());
    }

    private void lrmRound(SimHost h) {
        SimStore.View v = h.view;
        SortedMap<String, GuestRun> guests = new TreeMap<>();
        instances.forEach((sid, byNode) -> {
            Instance i = byNode.get(h.id);
            Resource r = v.resources().get(sid);
            if (i != null && r != null && r.requested() != RequestedState.IGNORED) { // the LRM sees HA guests only
                guests.put(sid, i.run());
            }
        });
        String lock = agentLock(h.id);
        LrmInput in = new LrmInput(now, h.quorate, locks.holds(lock, h.id, now), true, v.status(), v.resources(),
                guests, List.copyOf(h.guestEvents), h.shutdown, sc.shutdownPolicy());
        h.guestEvents.clear();
        LrmOutput o = h.lrm.step(in);
        o.log().forEach(line -> out.add(now, h.name() + "/lrm", line));
        for (GuestAction a : o.actions()) {
            act(h, a, in);
        }
        if (o.watchdogArmed() && !h.watchdogArmed) {
            h.watchdogArmed = true;
            h.lastFeedMs = now;
            out.add(now, h.name() + "/lrm", "watchdog armed");
        } else if (!o.watchdogArmed() && h.watchdogArmed) {
            h.watchdogArmed = false;
            out.add(now, h.name() + "/lrm", "watchdog disarmed (magic close)");
        }
        if (o.feedWatchdog()) {
            h.lastFeedMs = now;
        }
        if (o.statusToWrite() != null && h.quorate) {
            store.lrms.put(h.id, o.statusToWrite());
        }
        if (o.releaseAgentLock()) {
            locks.release(lock, h.id, now);
        } else if (o.wantsAgentLock() && h.quorate) {
            locks.acquire(lock, h.id, now, h.watchingSinceMs);
        }
        if (o.done() && h.shutdown != ShutdownRequest.NONE) {
            boolean reboot = h.shutdown == ShutdownRequest.REBOOT;
            powerOff(h, reboot ? "reboot" : "shutdown");
            if (reboot) {
                h.powerOnAtMs = now + sc.rebootMs();
            }
        }
    }

    private void act(SimHost h, GuestAction a, LrmInput in) {
        Map<Integer, Instance> byNode = instances.computeIfAbsent(a.sid(), k -> new TreeMap<>());
        switch (a) {
            case GuestAction.Start s -> {
                if (!in.quorate() || !in.holdsAgentLock()) {
                    violation(h.name() + " starts " + s.sid() + " without " + (in.quorate() ? "its agent lock" : "quorum"));
                }
                byNode.put(h.id, new Instance(h.id, GuestRun.STARTING, now + sc.guestStartMs()));
            }
            case GuestAction.Stop s -> {
                if (byNode.containsKey(h.id)) {
                    byNode.put(h.id, new Instance(h.id, GuestRun.STOPPING, now + sc.guestStopMs()));
                }
            }
            case GuestAction.Kill k -> {
                if (byNode.remove(h.id) != null) {
                    out.add(now, h.name() + "/guest", k.sid() + " killed");
                }
                h.guestEvents.add(new GuestEvent.Stopped(k.sid()));
            }
        }
    }

    // ---- invariants ----

    private void checkInstances() {
        instances.forEach((sid, byNode) -> {
            if (byNode.size() > 1) {
                violation(sid + " is alive on " + byNode.keySet().stream().map(n -> "node" + n).toList());
            }
        });
    }

    private void checkRecoveries(ManagerStatus before, ManagerStatus after) {
        for (Map.Entry<String, ServiceStatus> e : after.services().entrySet()) {
            ServiceStatus old = before.services().get(e.getKey());
            if (old == null || old.state() != ServiceState.FENCE || e.getValue().state() == ServiceState.FENCE) {
                continue;
            }
            SimHost failed = hosts.get(old.node());
            if (!failed.powered) {
                continue;
            }
            boolean guests = instances.values().stream().anyMatch(m -> m.containsKey(failed.id));
            boolean believes = locks.holds(agentLock(failed.id), failed.id, now);
            if (guests || believes) {
                violation("recovering " + e.getKey() + " from " + failed.name() + ", which is not fenced ("
                        + (guests ? "it runs HA guests" : "it still believes it holds its agent lock") + ")");
            }
        }
    }

    private void violation(String what) {
        String line = "INVARIANT VIOLATED at " + now + " ms: " + what;
        if (violations.isEmpty() || !violations.get(violations.size() - 1).endsWith(what)) {
            violations.add(line);
            out.add(now, "sim", line);
        }
    }

    private SortedMap<String, String> placement() {
        SortedMap<String, String> p = new TreeMap<>();
        for (Resource r : store.resources.values()) {
            ServiceStatus s = store.status.services().get(r.sid());
            Map<Integer, Instance> alive = instances.getOrDefault(r.sid(), Map.of());
            String where = alive.isEmpty() ? "not running" : "running on node" + alive.keySet().iterator().next();
            p.put(r.sid(), (s == null ? "unmanaged" : s.state().label() + " on node" + s.node()) + ", " + where);
        }
        return p;
    }

    private static String agentLock(int node) {
        return "ha-agent-node" + node;
    }
}
