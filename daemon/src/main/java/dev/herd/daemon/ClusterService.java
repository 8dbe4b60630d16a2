package dev.herd.daemon;

import dev.herd.api.ApiTypes;
import dev.herd.api.HerdVersion;
import dev.herd.cluster.ClusterKey;
import dev.herd.cluster.GroupMembership;
import dev.herd.cluster.MembershipListener;
import dev.herd.cluster.MembershipView;
import dev.herd.cluster.Peer;
import dev.herd.daemon.config.HostPort;
import dev.herd.daemon.config.NodeSettings;
import dev.herd.daemon.confdb.ChangeFeed;
import dev.herd.daemon.confdb.ConfdbDriver;
import dev.herd.daemon.state.ClusterConfig;
import dev.herd.daemon.state.ClusterNodeEntry;
import dev.herd.daemon.state.StateStore;
import dev.herd.quorum.NodeInfo;
import dev.herd.quorum.QuorumStatus;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One host's cluster membership: lifecycle (create, join, leave, remove, forget), the transport, and quorum.
 * Everything that changes state runs on one event-loop thread, in arrival order (views, messages, timer ticks, API
 * requests), so the quorum engine and the cluster config never see concurrent updates.
 *
 * <p>States: standalone (no cluster.json) → member (transport running) → standalone again after leave/removal.
 */
public final class ClusterService implements AutoCloseable, dev.herd.daemon.ha.HaCluster {
    static final String LOOP_THREAD = "herd-cluster-loop";
    private static final Logger log = LoggerFactory.getLogger(ClusterService.class);
    private static final long TICK_MS = 100;
    private static final long REQUEST_TIMEOUT_MS = 10_000;
    private static final long JOIN_SETTLE_MS = 30_000;
    private static final long LEAVE_DELIVERY_MS = 5_000;
    /** Changes kept for watchers (ChangeFeed): a watcher further behind is told to re-read. */
    private static final int CHANGES_KEPT = 10_000;

    private final NodeSettings settings;
    private final StateStore store;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(
            r -> new Thread(r, LOOP_THREAD));

    /** Owned by the loop thread: null while standalone (no cluster.json). */
    private MemberSession session;
    /** confdb's changes for watchers; outlives sessions so a watcher's cursor stays meaningful. */
    private final ChangeFeed changeFeed = new ChangeFeed(CHANGES_KEPT);
    private final ConfdbDriver.FatalHandler fatal;

    /**
     * @param fatal called (on the loop) when confdb's disk refuses a write: the daemon must stop, because its
     *              in-memory configuration is then ahead of its disk (crash-only: the restart loads what is on disk)
     */
    public ClusterService(NodeSettings settings, StateStore store, ConfdbDriver.FatalHandler fatal) {
        this.settings = settings;
        this.store = store;
        this.fatal = fatal;
    }

    /** Something that reads or submits to confdb on the loop thread. */
    interface ConfdbCall<T> {
        T apply(ConfdbDriver confdb) throws Exception;
    }

    /** Runs {@code call} on the loop with this host's confdb; 409 when the host is in no cluster. */
    <T> T withConfdb(ConfdbCall<T> call) throws ApiFailure {
        return call(() -> {
            requireMember();
            return call.apply(session.confdb());
        });
    }

    /** Fire and forget on the loop (a client that gave up). */
    void withConfdbQuietly(java.util.function.Consumer<ConfdbDriver> action) {
        loop.execute(() -> {
            if (session != null) {
                action.accept(session.confdb());
            }
        });
    }

    @Override
    public Facts haFacts(java.util.Set<String> lockNames) throws Exception {
        return call(() -> {
            if (session == null || session.view() == null) {
                return null;
            }
            ConfdbDriver c = session.confdb();
            java.util.SortedSet<Integer> clusterNodes = new java.util.TreeSet<>();
            session.membership().config().nodes().forEach(n -> clusterNodes.add(n.id()));
            java.util.SortedSet<Integer> members = new java.util.TreeSet<>(session.view().nodeIds());
            members.retainAll(clusterNodes);
            // Quorate for HA is votequorum's word. A config store resync after every view change (a host joining)
            // is not a quorum loss: counting it as one made every LRM kill its guests whenever a host came back.
            // Reads during a resync may be a step behind; writes queue until it ends; locks keep HA safe meanwhile.
            dev.herd.confdb.ReplicaState st = c.state();
            boolean quorate = session.quorumStatus().quorate() && !(st instanceof dev.herd.confdb.ReplicaState.NoView)
                    && !(st instanceof dev.herd.confdb.ReplicaState.ReadOnly);
            java.util.NavigableMap<String, dev.herd.confdb.Entry> entries = new java.util.TreeMap<>();
            entries.putAll(c.list("ha"));
            entries.putAll(c.list("guests"));
            entries.putAll(c.list("locks"));
            java.util.Set<String> held = new java.util.HashSet<>();
            for (String name : lockNames) {
                if (c.holdsLock(name)) {
                    held.add(name);
                }
            }
            return new Facts(session.membership().localNodeId(), clusterNodes, members, quorate, entries, held);
        });
    }

    @Override
    public java.util.concurrent.CompletableFuture<dev.herd.confdb.ClientResult> haSubmit(dev.herd.confdb.Op op)
            throws Exception {
        return call(() -> {
            requireMember();
            return session.confdb().submit(op);
        });
    }

    ChangeFeed changeFeed() {
        return changeFeed;
    }

    /** Starts the transport if this host is already a cluster member. */
    public void start() throws Exception {
        call(() -> {
            Optional<StateStore.Membership> saved = store.loadMembership();
            if (saved.isPresent()) {
                checkSettingsMatch(saved.get());
                startMember(saved.get(), store.loadKey());
            } else {
                log.info("{} is not in a cluster yet: run 'herd cluster create NAME' or 'herd cluster join ADDRESS'",
                        settings.name());
            }
            return null;
        });
        loop.scheduleAtFixedRate(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
    }

    private void checkSettingsMatch(StateStore.Membership m) {
        if (settings.expectedNodeId() != null && settings.expectedNodeId() != m.localNodeId()) {
            throw new IllegalStateException(settings.file() + " says node.id = " + settings.expectedNodeId()
                    + " but " + store.dataDir() + "/cluster.json says this host is node " + m.localNodeId());
        }
        if (settings.expectedClusterName() != null && !settings.expectedClusterName().equals(m.config().clusterName())) {
            throw new IllegalStateException(settings.file() + " says cluster.name = " + settings.expectedClusterName()
                    + " but this host is a member of '" + m.config().clusterName() + "'");
        }
    }

    // ---- lifecycle requests (API) ----

    public ApiTypes.Message create(String clusterName, String preset, Integer expectedVotes) throws ApiFailure {
        ApiTypes.Message created = createOnLoop(clusterName, preset, expectedVotes);
        // Return once the transport has formed its first view. A host that joins earlier races this one's
        // discovery: each waits for the other to become coordinator, both give up after GMS' join attempts, and
        // MERGE3 has to bring them together seconds later.
        if (!awaitOnLoop(() -> session != null && session.view() != null, JOIN_SETTLE_MS, 20)) {
            throw new ApiFailure(504, created.message() + ", but its cluster transport has not formed a view after "
                    + JOIN_SETTLE_MS / 1000 + " s", "check the herdd log; is the cluster address "
                    + settings.clusterAddress() + " free?");
        }
        return created;
    }

    private ApiTypes.Message createOnLoop(String clusterName, String preset, Integer expectedVotes) throws ApiFailure {
        return call(() -> {
            requireStandalone();
            if (clusterName == null || !clusterName.matches("[A-Za-z0-9][A-Za-z0-9_-]{0,31}")) {
                throw new ApiFailure(400, "cluster name '" + clusterName + "' is not valid",
                        "use 1-32 letters, digits, '-' or '_', starting with a letter or digit");
            }
            String presetName = preset == null ? "majority" : preset;
            try {
                dev.herd.quorum.QuorumOptions.preset(presetName, 1).withExpectedVotes(expectedVotes)
                        .validate(List.of(dev.herd.quorum.NodeConfig.of(1)));
            } catch (IllegalArgumentException e) {
                throw new ApiFailure(400, e.getMessage(), "presets and options are described in docs/quorum.md");
            }
            byte[] joinSecret = new byte[24];
            SecureRandom random = new SecureRandom();
            random.nextBytes(joinSecret);
            ClusterNodeEntry self = selfEntry(1);
            ClusterConfig config = new ClusterConfig(clusterName, 1, presetName, HexFormat.of().formatHex(joinSecret),
                    List.of(self), List.of(), expectedVotes);
            ClusterKey key = ClusterKey.generate(random);
            store.saveKey(key);
            StateStore.Membership m = new StateStore.Membership(1, config);
            store.saveMembership(m);
            startMember(m, key);
            log.info("created cluster '{}' (quorum preset {}); this host is node 1", clusterName, presetName);
            return new ApiTypes.Message("cluster '" + clusterName + "' created; this host is node 1 (" + settings.name()
                    + "). Join other hosts with: herd cluster join " + settings.apiAddress() + " --join-token "
                    + config.joinToken());
        });
    }

    /** This host joins the cluster that the host at {@code address} belongs to. */
    public ApiTypes.Message join(String address, String joinToken) throws ApiFailure {
        call(() -> {
            requireStandalone();
            return null;
        });
        // The remote call runs outside the loop: the remote host may take a while.
        JoinProtocol.Accepted accepted = JoinProtocol.requestJoin(address, joinToken, settings.name(),
                settings.clusterAddress().toString(), settings.apiAddress().toString(), HerdVersion.current());
        String joined = call(() -> {
            requireStandalone();
            ClusterKey key = ClusterKey.fromHex(accepted.clusterKeyHex());
            store.saveKey(key);
            StateStore.Membership m = new StateStore.Membership(accepted.nodeId(), accepted.config());
            store.saveMembership(m);
            startMember(m, key);
            log.info("joined cluster '{}' as node {}", accepted.config().clusterName(), accepted.nodeId());
            return "joined cluster '" + accepted.config().clusterName() + "' as node " + accepted.nodeId() + " ("
                    + settings.name() + ")";
        });
        // Return only once this host counts: until then the cluster's expected votes include a vote that is not
        // present, and the next join (or any change) would be refused for want of quorum.
        if (awaitOnLoop(() -> session != null && session.quorumStatus().quorate()
                && session.quorumStatus().memberIds().size() > 1, JOIN_SETTLE_MS, 100)) {
            return new ApiTypes.Message(joined + "; in the membership and quorate");
        }
        throw new ApiFailure(504, joined + ", but after " + JOIN_SETTLE_MS / 1000 + " s it is not yet in a quorate "
                + "membership", "check that the cluster address " + settings.clusterAddress() + " is reachable from "
                + "the other hosts (firewall: TCP ports " + settings.clusterAddress().port() + " and "
                + (settings.clusterAddress().port() + 100) + "); 'herd status' shows progress");
    }

    /** Another host asks to join (it presented the join token). Runs on a quorate member. */
    public JoinProtocol.Sealed acceptJoin(JoinProtocol.Request request) throws ApiFailure {
        return call(() -> {
            StateStore.Membership m = requireMember();
            if (!JoinCrypto.verify(m.config().joinToken(), request)) {
                throw new ApiFailure(403, "wrong join token", "get it with 'herd cluster join-token' on a member");
            }
            if (!HerdVersion.current().equals(request.version())) {
                throw new ApiFailure(409, "version mismatch: this cluster runs herd " + HerdVersion.current()
                        + ", the joining host runs herd " + request.version(),
                        "install herd " + HerdVersion.current() + " on the joining host (or upgrade the cluster first)");
            }
            requireQuorate("add a host");
            HostPort.parse(request.clusterAddress(), "cluster address");
            HostPort.parse(request.apiAddress(), "API address");
            for (ClusterNodeEntry n : m.config().nodes()) {
                if (n.name().equals(request.name())) {
                    throw new ApiFailure(409, "a host named '" + request.name() + "' is already node " + n.id(),
                            "give the new host another node.name, or 'herd node remove " + n.name() + "' first");
                }
                if (n.clusterAddress().equals(request.clusterAddress())) {
                    throw new ApiFailure(409, "cluster address " + request.clusterAddress() + " is already used by "
                            + n.name(), "give the new host its own network.cluster_address");
                }
            }
            int id = m.config().nextNodeId();
            ClusterConfig next = m.config().withNode(new ClusterNodeEntry(id, request.name(), request.clusterAddress(),
                    request.apiAddress(), 1));
            session.applyAndBroadcast(next);
            log.info("accepted {} into the cluster as node {}", request.name(), id);
            return JoinProtocol.seal(m.config().joinToken(), request,
                    new JoinProtocol.Accepted(id, next, store.loadKey().toHex()));
        });
    }

    public ApiTypes.Message leave() throws ApiFailure {
        StateStore.Membership m = call(() -> {
            StateStore.Membership current = requireMember();
            if (current.config().nodes().size() > 1) {
                requireQuorate("leave the cluster");
                session.leave(); // the session ends when its own config update comes back in total order
            } else {
                stopMember("left single-host cluster '" + current.config().clusterName() + "'");
            }
            return current;
        });
        awaitOnLoop(() -> session == null, LEAVE_DELIVERY_MS, 20);
        boolean delivered = call(() -> {
            if (session == null) {
                return true;
            }
            stopMember("left the cluster with 'herd cluster leave' (own config update not seen back within "
                    + LEAVE_DELIVERY_MS + " ms)");
            return false;
        });
        return new ApiTypes.Message(settings.name() + " left cluster '" + m.config().clusterName() + "'"
                + (delivered ? "" : "; the others may still list it: check 'herd status' there"));
    }

    public ApiTypes.Message remove(String node, boolean forget) throws ApiFailure {
        return call(() -> {
            StateStore.Membership m = requireMember();
            ClusterNodeEntry target = m.config().find(node).orElseThrow(() -> new ApiFailure(404,
                    "no node '" + node + "' in cluster '" + m.config().clusterName() + "'", "see 'herd status'"));
            if (target.id() == m.localNodeId()) {
                throw new ApiFailure(409, "cannot remove the host that answers this request (" + target.name() + ")",
                        "run 'herd cluster leave' on it, or ask another host with --api");
            }
            MembershipView view = session.view();
            if (view != null && view.nodeIds().contains(target.id())) {
                throw new ApiFailure(409, target.name() + " (node " + target.id() + ") is online: it is in the "
                        + "current membership", "stop herdd on " + target.name() + " or run 'herd cluster leave' "
                        + "there first; only a host that is down can be " + (forget ? "forgotten" : "removed"));
            }
            requireQuorate(forget ? "forget a host" : "remove a host");
            session.applyAndBroadcast(m.config().withoutNode(target.id(), forget));
            String verb = forget ? "forgotten: it no longer counts for quorum and may never rejoin with id "
                    + target.id() : "removed from the cluster";
            return new ApiTypes.Message(target.name() + " (node " + target.id() + ") " + verb);
        });
    }

    /**
     * `herd quorum expected N` (pvecm expected, corosync-quorumtool -e): the operator's tool to regain quorum after
     * losing hosts for good, or to raise expected votes. Allowed without quorum (that is its purpose) but never below
     * the votes present, and never so that a quorate cluster becomes inquorate. Runtime only: not in the cluster
     * config, gone at the next restart, and expected votes rise again as hosts return.
     */
    public ApiTypes.Message setExpectedVotes(int expectedVotes) throws ApiFailure {
        return call(() -> {
            requireMember();
            Optional<String> refused = session.quorum().checkSetExpectedVotes(expectedVotes);
            if (refused.isPresent()) {
                throw new ApiFailure(409, refused.get(), "see 'herd quorum status' for the votes present");
            }
            log.warn("operator sets expected votes to {} (was {})", expectedVotes,
                    session.quorumStatus().expectedVotes());
            session.send(new ClusterMessage.SetExpectedVotes(expectedVotes));
            return new ApiTypes.Message("expected votes set to " + expectedVotes + " on the members of this partition");
        });
    }

    public String joinToken() throws ApiFailure {
        return call(() -> requireMember().config().joinToken());
    }

    // ---- read side ----

    /** `herd config show`: what this host runs with (no loop needed: settings never change at run time). */
    public ApiTypes.Settings settings() {
        dev.herd.confdb.Limits l = dev.herd.confdb.Limits.DEFAULTS;
        java.util.Map<String, Long> limits = new java.util.LinkedHashMap<>();
        limits.put("max_value_bytes", (long) l.maxValueBytes());
        limits.put("max_total_bytes", l.maxTotalBytes());
        limits.put("max_path_chars", (long) l.maxPathChars());
        limits.put("max_queued_writes", (long) l.maxQueuedWrites());
        limits.put("digest_period_ms", l.digestPeriodMs());
        return new ApiTypes.Settings(settings.name(), String.valueOf(settings.file()), settings.dataDir().toString(),
                settings.clusterAddress().toString(), settings.apiAddress().toString(), settings.profile().name(),
                settings.profile().asMap(), limits);
    }

    public Object status() throws ApiFailure {
        return call(() -> session == null
                ? new ApiTypes.StandaloneStatus(settings.name(), HerdVersion.current(), "standalone",
                "not in a cluster: run 'herd cluster create NAME' or 'herd cluster join ADDRESS --join-token TOKEN'")
                : StatusView.cluster(settings, session.membership(), session.view(), session.quorumStatus(),
                session.hellos()));
    }

    public ApiTypes.QuorumInfo quorumInfo() throws ApiFailure {
        return call(() -> {
            StateStore.Membership m = requireMember();
            return StatusView.quorum(m, session.view(), session.quorumStatus());
        });
    }

    public ApiTypes.WhatIfResult whatIf(List<String> down) throws ApiFailure {
        return call(() -> {
            StateStore.Membership m = requireMember();
            return WhatIfView.evaluate(m, session.quorum(), down);
        });
    }

    // ---- member / standalone (loop thread) ----

    private void startMember(StateStore.Membership m, ClusterKey key) throws Exception {
        session = new MemberSession(settings, store, m, key, loop, changeFeed, fatal, why -> {
            try {
                stopMember(why);
            } catch (IOException e) {
                log.error("cannot set the old membership aside: {}", e.getMessage());
            }
        });
    }

    private void stopMember(String why) throws IOException {
        if (session != null) {
            session.close();
            session = null;
        }
        java.nio.file.Path kept = store.retireMembership(why);
        log.warn("{}: cluster membership set aside in {}", why, kept);
    }

    private void tick() {
        if (session == null) {
            return;
        }
        try {
            session.tick();
        } catch (RuntimeException e) {
            log.error("cluster tick failed", e);
        }
    }

    // ---- helpers ----

    private ClusterNodeEntry selfEntry(int id) {
        return new ClusterNodeEntry(id, settings.name(), settings.clusterAddress().toString(),
                settings.apiAddress().toString(), 1);
    }

    private StateStore.Membership requireMember() throws ApiFailure {
        if (session == null) {
            throw new ApiFailure(409, settings.name() + " is not in a cluster",
                    "run 'herd cluster create NAME' or 'herd cluster join ADDRESS --join-token TOKEN'");
        }
        return session.membership();
    }

    private void requireStandalone() throws ApiFailure {
        if (session != null) {
            StateStore.Membership m = session.membership();
            throw new ApiFailure(409, settings.name() + " is already node " + m.localNodeId()
                    + " of cluster '" + m.config().clusterName() + "'", "run 'herd cluster leave' first");
        }
    }

    private void requireQuorate(String action) throws ApiFailure {
        QuorumStatus s = session.quorumStatus();
        if (!s.quorate()) {
            throw new ApiFailure(503, "not quorate: cannot " + action + " (" + s.reason() + ")",
                    "bring enough hosts back online; see 'herd quorum status'");
        }
    }

    /** Polls {@code condition} on the loop (never blocking it) until true or {@code timeoutMs}; returns the last answer. */
    private boolean awaitOnLoop(Callable<Boolean> condition, long timeoutMs, long pollMs) throws ApiFailure {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (true) {
            if (call(condition)) {
                return true;
            }
            if (System.nanoTime() >= deadline) {
                return false;
            }
            try {
                Thread.sleep(pollMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    private <T> T call(Callable<T> task) throws ApiFailure {
        if (Thread.currentThread().getName().equals(LOOP_THREAD)) {
            // a callback on the loop that calls back into the loop would wait for itself until the timeout
            throw new IllegalStateException("ClusterService.call from the cluster loop itself would deadlock");
        }
        try {
            return loop.submit(task).get(REQUEST_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof ApiFailure f) {
                throw f;
            }
            log.error("request failed", cause);
            throw new ApiFailure(500, cause.toString(), "see the herdd log on " + settings.name());
        } catch (TimeoutException e) {
            throw new ApiFailure(503, "herdd's cluster loop did not answer within " + REQUEST_TIMEOUT_MS + " ms",
                    "the host may be overloaded; try again");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiFailure(503, "interrupted", null);
        }
    }

    @Override
    public void close() {
        loop.submit(() -> {
            if (session != null) {
                session.close();
            }
        });
        loop.shutdown();
        try {
            loop.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
