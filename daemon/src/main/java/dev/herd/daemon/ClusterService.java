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
public final class ClusterService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterService.class);
    private static final long TICK_MS = 100;
    private static final long REQUEST_TIMEOUT_MS = 10_000;
    private static final long JOIN_SETTLE_MS = 30_000;
    /**
     * corosync's totem never loses a message sent across a configuration change; JGroups may drop one sent just as
     * partitions merge ("message from non-member"), and a member whose nodeinfo was lost would not count. So a member
     * still missing a view member's nodeinfo this long after the view asks for it ({@link ClusterMessage.NodeInfoRequest});
     * only the missing members answer. Nodeinfo is never re-sent blindly: a late copy of old expected votes would
     * undo last_man_standing on a member whose window already fired (votequorum sends nodeinfo only at sync).
     */
    private static final long NODEINFO_GRACE_MS = 500;
    /** Hello (name, version, config version) is re-sent this often; it carries nothing quorum uses. */
    private static final long STATE_REFRESH_MS = 1000;

    private final NodeSettings settings;
    private final StateStore store;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(
            r -> new Thread(r, "herd-cluster-loop"));

    // Owned by the loop thread.
    private StateStore.Membership membership;
    private GroupMembership transport;
    private QuorumDriver quorum;
    private MembershipView view;
    private final Map<Integer, ClusterMessage.Hello> hellos = new HashMap<>();
    private Boolean lastQuorate;
    private long lastRefreshMs;
    private long viewChangedMs;
    private long lastNodeInfoRequestMs;

    public ClusterService(NodeSettings settings, StateStore store) {
        this.settings = settings;
        this.store = store;
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

    public ApiTypes.Message create(String clusterName, String preset) throws ApiFailure {
        return call(() -> {
            requireStandalone();
            if (clusterName == null || !clusterName.matches("[A-Za-z0-9][A-Za-z0-9_-]{0,31}")) {
                throw new ApiFailure(400, "cluster name '" + clusterName + "' is not valid",
                        "use 1-32 letters, digits, '-' or '_', starting with a letter or digit");
            }
            String presetName = preset == null ? "majority" : preset;
            try {
                dev.herd.quorum.QuorumOptions.preset(presetName, 1);
            } catch (IllegalArgumentException e) {
                throw new ApiFailure(400, e.getMessage(), "see 'herd quorum presets'");
            }
            byte[] joinSecret = new byte[24];
            SecureRandom random = new SecureRandom();
            random.nextBytes(joinSecret);
            ClusterNodeEntry self = selfEntry(1);
            ClusterConfig config = new ClusterConfig(clusterName, 1, presetName, HexFormat.of().formatHex(joinSecret),
                    List.of(self), List.of());
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
        JoinProtocol.Accepted accepted = JoinProtocol.requestJoin(address, joinToken, new JoinProtocol.Request(
                settings.name(), settings.clusterAddress().toString(), settings.apiAddress().toString(),
                HerdVersion.current(), joinToken));
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
        long deadline = System.nanoTime() + JOIN_SETTLE_MS * 1_000_000;
        while (System.nanoTime() < deadline) {
            if (call(() -> quorum != null && quorum.status().quorate() && quorum.status().memberIds().size() > 1)) {
                return new ApiTypes.Message(joined + "; in the membership and quorate");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new ApiFailure(504, joined + ", but after " + JOIN_SETTLE_MS / 1000 + " s it is not yet in a quorate "
                + "membership", "check that the cluster address " + settings.clusterAddress() + " is reachable from "
                + "the other hosts (firewall: TCP ports " + settings.clusterAddress().port() + " and "
                + (settings.clusterAddress().port() + 100) + "); 'herd status' shows progress");
    }

    /** Another host asks to join (it presented the join token). Runs on a quorate member. */
    public JoinProtocol.Accepted acceptJoin(JoinProtocol.Request request) throws ApiFailure {
        return call(() -> {
            StateStore.Membership m = requireMember();
            if (!JoinProtocol.tokenMatches(m.config().joinToken(), request.joinToken())) {
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
            applyAndBroadcast(next);
            log.info("accepted {} into the cluster as node {}", request.name(), id);
            return new JoinProtocol.Accepted(id, next, store.loadKey().toHex());
        });
    }

    public ApiTypes.Message leave() throws ApiFailure {
        return call(() -> {
            StateStore.Membership m = requireMember();
            if (m.config().nodes().size() > 1) {
                requireQuorate("leave the cluster");
                // Only the others adopt this config: it no longer holds this host.
                send(new ClusterMessage.ConfigUpdate(m.config().withoutNode(m.localNodeId(), false)));
                // The config travels in total order; give it the time to be delivered before the transport goes.
                Thread.sleep(300);
            }
            stopMember("left the cluster with 'herd cluster leave'");
            return new ApiTypes.Message(settings.name() + " left cluster '" + m.config().clusterName() + "'");
        });
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
            if (view != null && view.nodeIds().contains(target.id())) {
                throw new ApiFailure(409, target.name() + " (node " + target.id() + ") is online: it is in the "
                        + "current membership", "stop herdd on " + target.name() + " or run 'herd cluster leave' "
                        + "there first; only a host that is down can be " + (forget ? "forgotten" : "removed"));
            }
            requireQuorate(forget ? "forget a host" : "remove a host");
            applyAndBroadcast(m.config().withoutNode(target.id(), forget));
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
            Optional<String> refused = quorum.checkSetExpectedVotes(expectedVotes);
            if (refused.isPresent()) {
                throw new ApiFailure(409, refused.get(), "see 'herd quorum status' for the votes present");
            }
            log.warn("operator sets expected votes to {} (was {})", expectedVotes, quorum.status().expectedVotes());
            send(new ClusterMessage.SetExpectedVotes(expectedVotes));
            return new ApiTypes.Message("expected votes set to " + expectedVotes + " on the members of this partition");
        });
    }

    public String joinToken() throws ApiFailure {
        return call(() -> requireMember().config().joinToken());
    }

    // ---- read side ----

    public Object status() throws ApiFailure {
        return call(() -> membership == null
                ? new ApiTypes.StandaloneStatus(settings.name(), HerdVersion.current(), "standalone",
                "not in a cluster: run 'herd cluster create NAME' or 'herd cluster join ADDRESS --join-token TOKEN'")
                : StatusView.cluster(settings, membership, view, quorum.status(), hellos));
    }

    public ApiTypes.QuorumInfo quorumInfo() throws ApiFailure {
        return call(() -> {
            requireMember();
            return StatusView.quorum(membership, view, quorum.status());
        });
    }

    public ApiTypes.WhatIfResult whatIf(List<String> down) throws ApiFailure {
        return call(() -> {
            StateStore.Membership m = requireMember();
            return WhatIfView.evaluate(m, quorum, down);
        });
    }

    // ---- transport events (loop thread) ----

    private void startMember(StateStore.Membership m, ClusterKey key) throws Exception {
        membership = m;
        quorum = new QuorumDriver(m.localNodeId(), m.config());
        hellos.clear();
        List<Peer> peers = peersOf(m.config());
        HostPort bind = settings.clusterAddress();
        GroupMembership created = GroupMembership.create(m.config().clusterName(), m.localNodeId(), bind.host(), bind.port(), peers,
                key, settings.profile(), new MembershipListener() {
                    @Override
                    public void handleView(MembershipView v) {
                        loop.execute(() -> onView(v));
                    }

                    @Override
                    public void handleMessage(int fromNodeId, byte[] payload) {
                        loop.execute(() -> onMessage(fromNodeId, payload));
                    }
                });
        transport = created;
        // Joining blocks while GMS looks for a coordinator; the loop (and so the API) must keep answering meanwhile.
        Thread.ofPlatform().name("herd-transport-connect").daemon().start(() -> {
            try {
                created.connect();
            } catch (Exception e) {
                log.error("cannot join the cluster transport at {}: {}", bind, e.toString());
            }
        });
    }

    private void stopMember(String why) throws IOException {
        if (transport != null) {
            transport.close();
        }
        transport = null;
        quorum = null;
        view = null;
        hellos.clear();
        membership = null;
        lastQuorate = null;
        java.nio.file.Path kept = store.retireMembership(why);
        log.warn("{}: cluster membership set aside in {}", why, kept);
    }

    private void onView(MembershipView v) {
        if (membership == null) {
            return;
        }
        view = v;
        log.info("membership view {}: nodes {}{}", v.viewId(), v.nodeIds(), v.merged() ? " (merged)" : "");
        hellos.keySet().retainAll(v.nodeIds());
        NodeInfo info = quorum.handleView(v.nodeIds(), membership.config(), nowMs());
        sendHello();
        send(ClusterMessage.NodeInfoMessage.of(info));
        lastRefreshMs = nowMs();
        viewChangedMs = lastRefreshMs;
        logQuorumChange();
    }

    private void onMessage(int from, byte[] payload) {
        if (membership == null) {
            return;
        }
        ClusterMessage message;
        try {
            message = ClusterMessage.decode(payload);
        } catch (IOException e) {
            log.warn("dropped an undecodable message of {} bytes from node {}: {}", payload.length, from,
                    e.getMessage().lines().findFirst().orElse(""));
            return;
        }
        switch (message) {
            case ClusterMessage.NodeInfoMessage n -> {
                if (n.nodeId() != from) {
                    log.warn("node {} sent nodeinfo claiming to be node {}: dropped", from, n.nodeId());
                    return;
                }
                quorum.handleNodeInfo(n.toNodeInfo(), nowMs());
                logQuorumChange();
            }
            case ClusterMessage.Hello h -> {
                hellos.put(from, h);
                if (h.configVersion() < membership.config().configVersion()) {
                    send(new ClusterMessage.ConfigUpdate(membership.config()));
                }
            }
            case ClusterMessage.ConfigUpdate c -> handleConfigUpdate(c.config());
            case ClusterMessage.SetExpectedVotes e -> {
                if (e.expectedVotes() >= 1) {
                    quorum.handleSetExpectedVotes(e.expectedVotes(), nowMs());
                    logQuorumChange();
                }
            }
            case ClusterMessage.NodeInfoRequest r -> {
                if (r.nodeIds().contains(membership.localNodeId())) {
                    send(ClusterMessage.NodeInfoMessage.of(quorum.nodeInfo()));
                }
            }
        }
    }

    private void handleConfigUpdate(ClusterConfig incoming) {
        ClusterConfig mine = membership.config();
        if (!incoming.clusterName().equals(mine.clusterName()) || incoming.configVersion() <= mine.configVersion()) {
            return;
        }
        try {
            if (incoming.node(membership.localNodeId()).isEmpty()) {
                stopMember("removed from cluster '" + mine.clusterName() + "' by config version "
                        + incoming.configVersion());
                return;
            }
            adopt(incoming);
        } catch (IOException e) {
            log.error("cannot persist cluster config version {}: {}", incoming.configVersion(), e.getMessage());
        }
    }

    private void applyAndBroadcast(ClusterConfig next) throws IOException {
        adopt(next);
        send(new ClusterMessage.ConfigUpdate(next));
    }

    private void adopt(ClusterConfig next) throws IOException {
        StateStore.Membership m = new StateStore.Membership(membership.localNodeId(), next);
        store.saveMembership(m);
        membership = m;
        quorum.handleConfigChange(next, nowMs());
        transport.updatePeers(peersOf(next));
        log.info("cluster config version {}: nodes {}", next.configVersion(),
                next.nodes().stream().map(ClusterNodeEntry::name).toList());
        logQuorumChange();
    }

    private void tick() {
        if (quorum == null) {
            return;
        }
        try {
            long now = nowMs();
            quorum.tick(now).ifPresent(info -> send(ClusterMessage.NodeInfoMessage.of(info)));
            if (view != null && now - lastRefreshMs >= STATE_REFRESH_MS) {
                lastRefreshMs = now;
                sendHello();
            }
            maybeRequestMissingNodeInfo(now);
            logQuorumChange();
        } catch (RuntimeException e) {
            log.error("quorum tick failed", e);
        }
    }

    private void maybeRequestMissingNodeInfo(long now) {
        if (view == null || now - viewChangedMs < NODEINFO_GRACE_MS || now - lastNodeInfoRequestMs < NODEINFO_GRACE_MS) {
            return;
        }
        java.util.Set<Integer> missing = new java.util.TreeSet<>(quorum.members());
        missing.removeAll(quorum.status().memberIds());
        if (!missing.isEmpty()) {
            lastNodeInfoRequestMs = now;
            log.info("no nodeinfo yet from nodes {} of view {}: asking them to send it again", missing, view.viewId());
            send(new ClusterMessage.NodeInfoRequest(List.copyOf(missing)));
        }
    }

    private void sendHello() {
        send(new ClusterMessage.Hello(membership.localNodeId(), settings.name(), HerdVersion.current(),
                membership.config().configVersion()));
    }

    private void send(ClusterMessage message) {
        if (transport == null) {
            return;
        }
        try {
            transport.broadcast(ClusterMessage.encode(message));
        } catch (Exception e) {
            log.warn("broadcast of {} failed: {}", message.getClass().getSimpleName(), e.toString());
        }
    }

    private void logQuorumChange() {
        QuorumStatus s = quorum.status();
        if (lastQuorate == null || lastQuorate != s.quorate()) {
            log.info("quorum {}: {} (total votes {}, quorum {}, expected {})", s.quorate() ? "GAINED" : "LOST",
                    s.reason(), s.totalVotes(), s.quorum(), s.expectedVotes());
            lastQuorate = s.quorate();
        }
    }

    // ---- helpers ----

    private ClusterNodeEntry selfEntry(int id) {
        return new ClusterNodeEntry(id, settings.name(), settings.clusterAddress().toString(),
                settings.apiAddress().toString(), 1);
    }

    private static List<Peer> peersOf(ClusterConfig config) {
        return config.nodes().stream().map(n -> {
            HostPort hp = HostPort.parse(n.clusterAddress(), "cluster address of " + n.name());
            return new Peer(n.id(), hp.host(), hp.port());
        }).toList();
    }

    private StateStore.Membership requireMember() throws ApiFailure {
        if (membership == null) {
            throw new ApiFailure(409, settings.name() + " is not in a cluster",
                    "run 'herd cluster create NAME' or 'herd cluster join ADDRESS --join-token TOKEN'");
        }
        return membership;
    }

    private void requireStandalone() throws ApiFailure {
        if (membership != null) {
            throw new ApiFailure(409, settings.name() + " is already node " + membership.localNodeId()
                    + " of cluster '" + membership.config().clusterName() + "'", "run 'herd cluster leave' first");
        }
    }

    private void requireQuorate(String action) throws ApiFailure {
        QuorumStatus s = quorum.status();
        if (!s.quorate()) {
            throw new ApiFailure(503, "not quorate: cannot " + action + " (" + s.reason() + ")",
                    "bring enough hosts back online; see 'herd quorum status'");
        }
    }

    private static long nowMs() {
        return System.nanoTime() / 1_000_000;
    }

    private <T> T call(Callable<T> task) throws ApiFailure {
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
            if (transport != null) {
                transport.close();
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
