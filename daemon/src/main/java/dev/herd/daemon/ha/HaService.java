package dev.herd.daemon.ha;

import dev.herd.api.HaTypes;
import dev.herd.confdb.ClientResult;
import dev.herd.confdb.Entry;
import dev.herd.confdb.Op;
import dev.herd.ha.Group;
import dev.herd.ha.HaCommand;
import dev.herd.ha.HaTimeouts;
import dev.herd.ha.LrmStatus;
import dev.herd.ha.ManagerStatus;
import dev.herd.ha.RequestedState;
import dev.herd.ha.Resource;
import dev.herd.ha.ShutdownPolicy;
import dev.herd.ha.crm.AgentLockHold;
import dev.herd.ha.crm.Crm;
import dev.herd.ha.crm.CrmInput;
import dev.herd.ha.crm.CrmOutput;
import dev.herd.ha.crm.FenceAgentRun;
import dev.herd.ha.lrm.GuestAction;
import dev.herd.ha.lrm.GuestRun;
import dev.herd.ha.lrm.Lrm;
import dev.herd.ha.lrm.LrmInput;
import dev.herd.ha.lrm.LrmOutput;
import dev.herd.ha.lrm.ShutdownRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs this host's CRM and LRM (the pure cores in module ha) against the real world: the config store for state and
 * locks, the guest drivers, the watchdog supervisor and the fence agents. One thread, one round every
 * {@link #ROUND_MS}; each round reads one consistent snapshot of {@code ha/}, {@code guests/} and {@code locks/}.
 * Writes are compare-and-set where two hosts could race (the manager status), and never block the round.
 */
public final class HaService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HaService.class);
    static final long ROUND_MS = 200;
    static final String MANAGER_LOCK = "ha-manager";

    private record CommandEntry(HaCommand command, String path, long version) {
    }

    private final HaCluster cluster;
    private final HaTimeouts timeouts;
    private final Watchdog watchdog;
    private final EventLog events;
    private final Path dataDir;
    private LocalGuests guests;
    private final LockKeeper locks;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "herd-ha");
        t.setDaemon(true);
        return t;
    });
    private final Set<String> reportedBad = new HashSet<>();
    private final java.util.Queue<Op> afterAck = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final CompletableFuture<Void> shutdownDone = new CompletableFuture<>();
    private FenceAgents fenceAgents;
    private Crm crm;
    private Lrm lrm;
    private int localNode;
    private SortedSet<Integer> knownNodes = new TreeSet<>();
    private boolean watchdogArmed;
    private CompletableFuture<ClientResult> statusWrite;
    private CompletableFuture<ClientResult> lrmWrite;
    private volatile ShutdownRequest shutdown = ShutdownRequest.NONE;

    private final Path registryDir;

    public HaService(HaCluster cluster, Path dataDir, Path registryDir, HaTimeouts timeouts, Watchdog watchdog) {
        this.registryDir = registryDir;
        this.cluster = cluster;
        this.timeouts = timeouts;
        this.watchdog = watchdog;
        this.events = new EventLog(dataDir.resolve("events.log"));
        this.dataDir = dataDir;
        this.locks = new LockKeeper(cluster, timeouts.leaseMs(), Math.max(100, timeouts.leaseMs() / 4));
    }

    public void start() {
        thread.scheduleWithFixedDelay(this::safeRound, ROUND_MS, ROUND_MS, TimeUnit.MILLISECONDS);
    }

    /** The host goes down: the shutdown policy applies; completes when the LRM is done (or at once without HA). */
    public CompletableFuture<Void> requestShutdown(boolean reboot) {
        shutdown = reboot ? ShutdownRequest.REBOOT : ShutdownRequest.SHUTDOWN;
        if (lrm == null) {
            shutdownDone.complete(null);
        }
        return shutdownDone;
    }

    private void safeRound() {
        try {
            round();
        } catch (Throwable t) {
            log.error("HA round failed", t);
        }
    }

    private static long nowMs() {
        return System.nanoTime() / 1_000_000;
    }

    private static String agentLock(int node) {
        return "ha-agent-node" + node;
    }

    private void round() throws Exception {
        Set<String> lockNames = new HashSet<>();
        lockNames.add(MANAGER_LOCK);
        knownNodes.forEach(n -> lockNames.add(agentLock(n)));
        HaCluster.Facts f = cluster.haFacts(lockNames);
        if (f == null) {
            return;
        }
        if (!f.clusterNodes().equals(knownNodes)) { // a node list change: ask for the new agent locks from now on
            knownNodes = f.clusterNodes();
            return;
        }
        if (crm == null) {
            localNode = f.localNode();
            crm = new Crm(localNode, timeouts);
            lrm = new Lrm(localNode);
            fenceAgents = new FenceAgents(events, "node" + localNode + "/crm");
            guests = new LocalGuests(dataDir.resolve("guests"), registryDir, localNode);
        }
        long now = nowMs();
        locks.drain();
        for (Op op; (op = afterAck.poll()) != null; ) {
            submit(op);
        }
        NavigableMap<String, Entry> e = f.entries();

        SortedMap<String, HaTypes.GuestConfig> configs = new TreeMap<>();
        SortedMap<String, Resource> resources = new TreeMap<>();
        for (Entry g : e.subMap(HaTypes.GUESTS, HaTypes.GUESTS + "\uffff").values()) {
            if (!g.path().endsWith(".json")) {
                continue; // other files an operator keeps there are not guest configs
            }
            HaTypes.GuestConfig c = parse(g, HaTypes.GuestConfig.class);
            if (c != null) {
                try {
                    resources.put(c.id(), HaCodec.resource(c));
                    configs.put(c.id(), c);
                } catch (IllegalArgumentException bad) {
                    reportOnce(g, bad.getMessage());
                }
            }
        }
        SortedMap<String, Group> groups = new TreeMap<>();
        for (Entry g : e.subMap(HaTypes.GROUPS, HaTypes.GROUPS + "\uffff").values()) {
            HaTypes.Group doc = parse(g, HaTypes.Group.class);
            if (doc != null) {
                try {
                    groups.put(doc.name(), HaCodec.group(doc));
                } catch (IllegalArgumentException bad) {
                    reportOnce(g, bad.getMessage());
                }
            }
        }
        Entry statusEntry = e.get(HaTypes.MANAGER_STATUS);
        ManagerStatus status = ManagerStatus.EMPTY;
        if (statusEntry != null) {
            HaTypes.ManagerStatusDoc doc = parse(statusEntry, HaTypes.ManagerStatusDoc.class);
            if (doc != null) {
                status = HaCodec.status(doc);
            }
        }
        SortedMap<Integer, LrmStatus> lrms = new TreeMap<>();
        for (Entry l : e.subMap(HaTypes.LRM_PREFIX, HaTypes.LRM_PREFIX + "\uffff").values()) {
            HaTypes.LrmStatusDoc doc = parse(l, HaTypes.LrmStatusDoc.class);
            if (doc != null) {
                lrms.put(doc.node(), HaCodec.lrm(doc));
            }
        }
        List<CommandEntry> commands = new ArrayList<>();
        for (Entry c : e.subMap(HaTypes.COMMANDS, HaTypes.COMMANDS + "\uffff").values()) {
            HaTypes.Command doc = parse(c, HaTypes.Command.class);
            if (doc != null) {
                try {
                    commands.add(new CommandEntry(HaCodec.command(doc), c.path(), c.version()));
                } catch (IllegalArgumentException bad) {
                    reportOnce(c, bad.getMessage());
                }
            }
        }
        Map<Integer, HaTypes.FenceAgent> agents = new HashMap<>();
        for (Entry a : e.subMap(HaTypes.FENCE_AGENTS, HaTypes.FENCE_AGENTS + "\uffff").values()) {
            HaTypes.FenceAgent doc = parse(a, HaTypes.FenceAgent.class);
            if (doc != null && doc.command() != null && !doc.command().isEmpty()) {
                agents.put(doc.node(), doc);
            }
        }
        ShutdownPolicy policy = ShutdownPolicy.CONDITIONAL;
        Entry settings = e.get(HaTypes.SETTINGS);
        if (settings != null) {
            HaTypes.Settings s = parse(settings, HaTypes.Settings.class);
            if (s != null && s.shutdownPolicy() != null) {
                try {
                    policy = ShutdownPolicy.parse(s.shutdownPolicy());
                } catch (IllegalArgumentException bad) {
                    reportOnce(settings, bad.getMessage());
                }
            }
        }

        crmRound(f, now, status, statusEntry, lrms, resources, groups, commands, agents);
        lrmRound(f, now, status, resources, configs, policy);
    }

    private void crmRound(HaCluster.Facts f, long now, ManagerStatus status, Entry statusEntry,
                          SortedMap<Integer, LrmStatus> lrms, SortedMap<String, Resource> resources,
                          SortedMap<String, Group> groups, List<CommandEntry> commands,
                          Map<Integer, HaTypes.FenceAgent> agents) {
        SortedMap<Integer, AgentLockHold> holds = new TreeMap<>();
        for (int n : f.clusterNodes()) {
            String name = agentLock(n);
            LockKeeper.Hold h = locks.hold(name);
            if (n != localNode && h != null && f.heldLocks().contains(name)) {
                holds.put(n, new AgentLockHold(h.sinceMs(), h.wasFree()));
            }
        }
        List<HaCommand> cmds = new ArrayList<>();
        commands.forEach(c -> cmds.add(c.command()));
        CrmInput in = new CrmInput(now, f.quorate(), f.heldLocks().contains(MANAGER_LOCK), f.clusterNodes(), f.members(),
                status, lrms, resources, groups, cmds, new TreeSet<>(agents.keySet()), holds, fenceAgents.drain());
        CrmOutput out = crm.step(in);
        out.log().forEach(line -> events.add("node" + localNode + "/crm", line));
        if (out.statusToWrite() != null && (statusWrite == null || statusWrite.isDone())) {
            long expect = statusEntry == null ? 0 : statusEntry.version();
            List<CommandEntry> consumed = new ArrayList<>();
            for (CommandEntry c : commands) {
                if (out.consumedCommands().contains(c.command())) {
                    consumed.add(c);
                }
            }
            statusWrite = submit(new Op.Set(HaTypes.MANAGER_STATUS, HaCodec.encode(HaCodec.doc(out.statusToWrite())),
                    expect));
            if (statusWrite != null) {
                statusWrite.thenAccept(r -> { // runs on the cluster loop: never submit from here (it would wait on itself)
                    if (r instanceof ClientResult.Acked) {
                        consumed.forEach(c -> afterAck.add(new Op.Delete(c.path(), c.version())));
                    } else {
                        log.debug("manager status write not applied: {}", r);
                    }
                });
            }
        }
        for (FenceAgentRun run : out.fenceAgentRuns()) {
            HaTypes.FenceAgent agent = agents.get(run.node());
            if (agent != null) {
                fenceAgents.run(run, agent, "node" + run.node());
            }
        }
        Map<String, Entry> lockEntries = f.entries().subMap("locks/", "locks/\uffff");
        if (out.wantsManagerLock()) {
            locks.keep(MANAGER_LOCK, now, !lockEntries.containsKey("locks/" + MANAGER_LOCK),
                    f.heldLocks().contains(MANAGER_LOCK));
        } else if (locks.tracks(MANAGER_LOCK)) {
            locks.forget(MANAGER_LOCK);
        }
        for (int n : f.clusterNodes()) {
            if (n == localNode) {
                continue;
            }
            String name = agentLock(n);
            if (out.agentLocksWanted().contains(n)) {
                locks.keep(name, now, !lockEntries.containsKey("locks/" + name), f.heldLocks().contains(name));
            } else if (locks.tracks(name)) {
                events.add("node" + localNode + "/crm", "releasing agent lock '" + name + "'");
                locks.release(name);
            }
        }
    }

    private void lrmRound(HaCluster.Facts f, long now, ManagerStatus status, SortedMap<String, Resource> resources,
                          SortedMap<String, HaTypes.GuestConfig> configs, ShutdownPolicy policy) {
        SortedMap<String, GuestRun> running = new TreeMap<>();
        guests.states().forEach((sid, run) -> {
            Resource r = resources.get(sid);
            if (r == null || r.requested() != RequestedState.IGNORED) {
                running.put(sid, run);
            }
        });
        boolean watchdogOk = watchdog.ready();
        // a watchdog that went away while armed cannot protect the guests: treat it like a lost quorum
        boolean quorate = f.quorate() && (watchdogOk || !watchdogArmed);
        String own = agentLock(localNode);
        LrmInput in = new LrmInput(now, quorate, f.heldLocks().contains(own), watchdogOk, status, resources, running,
                guests.drainEvents(), shutdown, policy);
        LrmOutput out = lrm.step(in);
        out.log().forEach(line -> events.add("node" + localNode + "/lrm", line));
        try {
            if (out.watchdogArmed() && !watchdogArmed) {
                watchdog.arm();
                watchdogArmed = true;
            }
            if (out.feedWatchdog()) {
                watchdog.feed();
            }
            if (!out.watchdogArmed() && watchdogArmed) {
                watchdog.disarm();
                watchdogArmed = false;
            }
        } catch (Exception wd) {
            log.error("watchdog supervisor: {}", wd.toString());
        }
        for (GuestAction a : out.actions()) {
            switch (a) {
                case GuestAction.Start s -> {
                    HaTypes.GuestConfig c = configs.get(s.sid());
                    if (c != null && watchdogArmed) {
                        guests.start(c);
                    } else {
                        guests.reportStartRefused(s.sid(), c == null ? "no guest config" : "the watchdog is not armed");
                    }
                }
                case GuestAction.Stop s -> guests.stop(s.sid());
                case GuestAction.Kill k -> guests.kill(k.sid());
            }
        }
        if (out.statusToWrite() != null && (lrmWrite == null || lrmWrite.isDone())) {
            lrmWrite = submit(new Op.Set(HaTypes.LRM_PREFIX + "node" + localNode + ".json",
                    HaCodec.encode(HaCodec.doc(out.statusToWrite())), Op.ANY_VERSION));
        }
        if (out.releaseAgentLock()) {
            locks.release(own);
        } else if (out.wantsAgentLock()) {
            locks.keep(own, now, false, f.heldLocks().contains(own));
        } else if (locks.tracks(own)) {
            locks.forget(own);
        }
        if (out.done()) {
            shutdownDone.complete(null);
        }
    }

    private CompletableFuture<ClientResult> submit(Op op) {
        try {
            return cluster.haSubmit(op);
        } catch (Exception ex) {
            log.debug("not submitted: {}: {}", op, ex.toString());
            return null;
        }
    }

    private <T> T parse(Entry entry, Class<T> type) {
        try {
            return HaCodec.decode(entry.value(), type, entry.path());
        } catch (IllegalArgumentException bad) {
            reportOnce(entry, bad.getMessage());
            return null;
        }
    }

    private void reportOnce(Entry entry, String problem) {
        if (reportedBad.add(entry.path() + "@" + entry.version())) {
            events.add("node" + localNode + "/ha", "ignoring " + entry.path() + " (version " + entry.version() + "): "
                    + problem + "; fix it with 'herd config edit " + entry.path() + "'");
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
        if (guests != null) {
            guests.close();
        }
        if (fenceAgents != null) {
            fenceAgents.close();
        }
    }
}
