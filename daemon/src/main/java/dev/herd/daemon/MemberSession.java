package dev.herd.daemon;

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
import dev.herd.daemon.confdb.ConfdbWire;
import dev.herd.daemon.state.ClusterConfig;
import dev.herd.daemon.state.ClusterNodeEntry;
import dev.herd.daemon.state.StateStore;
import dev.herd.quorum.NodeInfo;
import dev.herd.quorum.QuorumStatus;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This host as a member of a cluster: its transport, its quorum engine and what it knows of the others. Lives from
 * `create`/`join`/start-up until `leave` or removal; every method runs on the {@link ClusterService} loop thread.
 * Events of a session that has been replaced (its transport closed) are ignored.
 */
final class MemberSession {
    private static final Logger log = LoggerFactory.getLogger(MemberSession.class);
    /**
     * corosync's totem never loses a message sent across a configuration change; JGroups may drop one sent just as
     * partitions merge ("message from non-member"), and a member whose nodeinfo was lost would not count. So a member
     * still missing a view member's nodeinfo this long after the view asks for it ({@link ClusterMessage.NodeInfoRequest});
     * only the missing members answer. Nodeinfo is never re-sent blindly: a late copy of old expected votes would
     * undo last_man_standing on a member whose window already fired (votequorum sends nodeinfo only at sync).
     */
    private static final long NODEINFO_GRACE_MS = 500;
    /** Hello (name, version, config version) is re-sent this often; it carries nothing quorum uses. */
    private static final long HELLO_INTERVAL_MS = 1000;

    private final NodeSettings settings;
    private final StateStore store;
    private final Consumer<String> onRemoved;
    private final GroupMembership transport;
    private final QuorumDriver quorum;
    private final ConfdbDriver confdb;
    /** The quorum flag confdb was last told (it must hear every change, and only changes). */
    private boolean confdbQuorate;
    private final Map<Integer, ClusterMessage.Hello> hellos = new HashMap<>();
    private StateStore.Membership membership;
    private MembershipView view;
    private Boolean lastQuorate;
    private long lastHelloMs;
    private long viewChangedMs;
    private long lastNodeInfoRequestMs;
    private boolean closed;
    private boolean leaving;

    /**
     * Builds the transport and starts joining in the background: joining blocks while GMS looks for a coordinator,
     * and the loop (so the API) must keep answering meanwhile.
     *
     * @param onRemoved called (on the loop) when a newer cluster config no longer holds this host
     */
    MemberSession(NodeSettings settings, StateStore store, StateStore.Membership membership, ClusterKey key,
                  Executor loop, ChangeFeed feed, ConfdbDriver.FatalHandler fatal, Consumer<String> onRemoved)
            throws Exception {
        this.settings = settings;
        this.store = store;
        this.membership = membership;
        this.onRemoved = onRemoved;
        this.quorum = new QuorumDriver(membership.localNodeId(), membership.config());
        HostPort bind = settings.clusterAddress();
        this.transport = GroupMembership.create(membership.config().clusterName(), membership.localNodeId(),
                bind.host(), bind.port(), peersOf(membership.config()), key, settings.profile(),
                new MembershipListener() {
                    @Override
                    public void handleView(MembershipView v) {
                        deliver(loop, () -> onView(v));
                    }

                    @Override
                    public void handleMessage(int fromNodeId, byte[] payload) {
                        deliver(loop, () -> onMessage(fromNodeId, payload));
                    }
                });
        try {
            this.confdb = ConfdbDriver.open(membership.localNodeId(), store, dev.herd.confdb.Limits.DEFAULTS,
                    transport::broadcast, feed, fatal);
        } catch (java.io.IOException | RuntimeException e) {
            transport.close();
            throw e;
        }
        Thread.ofPlatform().name("herd-transport-connect").daemon().start(() -> {
            try {
                transport.connect();
            } catch (Exception e) {
                log.error("cannot join the cluster transport at {}: {}", bind, e.toString());
            }
        });
    }

    /**
     * Transport events (views and messages, in the transport's order) wait here and are handled by one loop task per
     * burst, so confdb can commit everything one burst applied in one transaction — one fsync and one cumulative
     * {@code Applied} for many writes (group commit) — before anything of it is sent or answered. Other loop tasks
     * (API calls, ticks) run between bursts and always see a state that is on disk.
     */
    private final java.util.concurrent.ConcurrentLinkedQueue<Runnable> inbox =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicBoolean drainScheduled =
            new java.util.concurrent.atomic.AtomicBoolean();
    /** At most this many events per burst, so API calls waiting behind a flood still get their turn. */
    private static final int MAX_BURST = 256;

    private void deliver(Executor loop, Runnable event) {
        inbox.add(event);
        if (drainScheduled.compareAndSet(false, true)) {
            loop.execute(() -> drain(loop));
        }
    }

    private void drain(Executor loop) {
        drainScheduled.set(false);
        confdb.beginBatch();
        try {
            Runnable event;
            for (int i = 0; i < MAX_BURST && (event = inbox.poll()) != null; i++) {
                event.run();
            }
        } finally {
            confdb.endBatch();
        }
        if (!inbox.isEmpty() && drainScheduled.compareAndSet(false, true)) {
            loop.execute(() -> drain(loop));
        }
    }

    StateStore.Membership membership() {
        return membership;
    }

    MembershipView view() {
        return view;
    }

    Map<Integer, ClusterMessage.Hello> hellos() {
        return hellos;
    }

    QuorumDriver quorum() {
        return quorum;
    }

    QuorumStatus quorumStatus() {
        return quorum.status();
    }

    ConfdbDriver confdb() {
        return confdb;
    }

    void close() {
        closed = true;
        transport.close();
        confdb.close();
    }

    /** A change of the node list made here by a quorate member: persist, apply, tell everyone. */
    void applyAndBroadcast(ClusterConfig next) throws IOException {
        adopt(next);
        send(new ClusterMessage.ConfigUpdate(next));
    }

    void send(ClusterMessage message) {
        try {
            transport.broadcast(ClusterMessage.encode(message));
        } catch (Exception e) {
            log.warn("broadcast of {} failed: {}", message.getClass().getSimpleName(), e.toString());
        }
    }

    /**
     * `herd cluster leave`: broadcasts the node list without this host. When that config comes back to us in total
     * order, it has been sequenced for every member, and {@code onRemoved} ends this session.
     */
    void leave() {
        leaving = true;
        send(new ClusterMessage.ConfigUpdate(membership.config().withoutNode(membership.localNodeId(), false)));
    }

    void handleSetExpectedVotes(int expectedVotes) {
        quorum.handleSetExpectedVotes(expectedVotes, nowMs());
        logQuorumChange();
    }

    // ---- transport events ----

    private void onView(MembershipView v) {
        if (closed) {
            return;
        }
        view = v;
        log.info("membership view {}: nodes {}{}", v.viewId(), v.nodeIds(), v.merged() ? " (merged)" : "");
        hellos.keySet().retainAll(v.nodeIds());
        NodeInfo info = quorum.handleView(v.nodeIds(), membership.config(), nowMs());
        sendHello();
        send(ClusterMessage.NodeInfoMessage.of(info));
        lastHelloMs = nowMs();
        viewChangedMs = lastHelloMs;
        confdbQuorate = quorum.status().quorate();
        // the view itself, not the node-list filter: every member of one view must run the sync with the same set
        confdb.onView(v.viewId(), v.coordinatorNodeId(), v.nodeIds(), confdbQuorate);
        logQuorumChange();
    }

    private void onMessage(int from, byte[] payload) {
        if (closed) {
            return;
        }
        if (ConfdbWire.isConfdb(payload)) {
            confdb.onMessage(from, payload);
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
                    handleSetExpectedVotes(e.expectedVotes());
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
        if (incoming.node(membership.localNodeId()).isEmpty()) {
            onRemoved.accept(leaving ? "left cluster '" + mine.clusterName() + "' with 'herd cluster leave'"
                    : "removed from cluster '" + mine.clusterName() + "' by config version " + incoming.configVersion());
            return;
        }
        try {
            adopt(incoming);
        } catch (IOException e) {
            log.error("cannot persist cluster config version {}: {}", incoming.configVersion(), e.getMessage());
        }
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

    /** Timer tick from the loop: quorum timers, periodic hello, re-request of missing nodeinfo. */
    void tick() {
        long now = nowMs();
        quorum.tick(now).ifPresent(info -> send(ClusterMessage.NodeInfoMessage.of(info)));
        if (view != null && now - lastHelloMs >= HELLO_INTERVAL_MS) {
            lastHelloMs = now;
            sendHello();
        }
        maybeRequestMissingNodeInfo(now);
        logQuorumChange();
        confdb.tick();
    }

    private void maybeRequestMissingNodeInfo(long now) {
        if (view == null || now - viewChangedMs < NODEINFO_GRACE_MS || now - lastNodeInfoRequestMs < NODEINFO_GRACE_MS) {
            return;
        }
        Set<Integer> missing = new TreeSet<>(quorum.members());
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

    private void logQuorumChange() {
        QuorumStatus s = quorum.status();
        if (lastQuorate == null || lastQuorate != s.quorate()) {
            log.info("quorum {}: {} (total votes {}, quorum {}, expected {})", s.quorate() ? "GAINED" : "LOST",
                    s.reason(), s.totalVotes(), s.quorum(), s.expectedVotes());
            lastQuorate = s.quorate();
        }
        if (view != null && s.quorate() != confdbQuorate) {
            confdbQuorate = s.quorate();
            confdb.onQuorumChange(confdbQuorate);
        }
    }

    private static List<Peer> peersOf(ClusterConfig config) {
        return config.nodes().stream().map(n -> {
            HostPort hp = HostPort.parse(n.clusterAddress(), "cluster address of " + n.name());
            return new Peer(n.id(), hp.host(), hp.port());
        }).toList();
    }

    static long nowMs() {
        return System.nanoTime() / 1_000_000;
    }
}
