package dev.herd.cluster;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.TreeSet;
import org.jgroups.Address;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.MergeView;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.jgroups.View;
import org.jgroups.protocols.TCPPING;
import org.jgroups.util.ExtendedUUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster transport of one host: a JGroups channel over TCP with the static member list. It translates JGroups
 * views into {@link MembershipView}s of stable node ids (carried inside each member's address, so quorum never sees a
 * JGroups UUID) and carries opaque broadcasts in total order. Quorum rules are not here: they are the pure engine's.
 */
public final class GroupMembership implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupMembership.class);
    private static final String NODE_ID_KEY = "herd-node-id";

    /**
     * Bytes a host lets wait for the transport before it drops new broadcasts (a lost message, which the protocols
     * above repair at the next view): two full confdb states.
     */
    static final long MAX_QUEUED_BYTES = 2L * 130 * 1024 * 1024;

    private final JChannel channel;
    private final int localNodeId;
    private final String clusterName;
    private final MessageSeal seal;
    /**
     * Broadcasts wait here for the sender thread. JChannel.send can block for seconds: SEQUENCER resends a message to
     * a new coordinator every 500 ms until it is acknowledged ("ack mode" after a coordinator change), flushes its
     * forward table, and flow control (UFC/MFC) waits for credits. The caller is the daemon's one event loop, which
     * must keep handling views and API requests meanwhile; one sender thread keeps the order of its broadcasts.
     */
    private final BlockingQueue<byte[]> outbox = new LinkedBlockingQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final Thread sender;
    private volatile boolean closed;

    private GroupMembership(JChannel channel, int localNodeId, String clusterName, MessageSeal seal) {
        this.channel = channel;
        this.localNodeId = localNodeId;
        this.clusterName = clusterName;
        this.seal = seal;
        this.sender = Thread.ofPlatform().name("herd-transport-send-node" + localNodeId).daemon().unstarted(this::sendLoop);
    }

    /**
     * Builds the channel for cluster {@code clusterName} without connecting: {@link #connect} joins (or forms) it.
     * Partitions of the static member list that cannot be reached are merged later by MERGE3.
     */
    public static GroupMembership create(String clusterName, int localNodeId, String bindHost, int bindPort,
                                        List<Peer> peers, ClusterKey key, TimeoutProfile profile,
                                        MembershipListener listener) throws Exception {
        JChannel channel = new JChannel(JGroupsStack.build(InetAddress.getByName(bindHost), bindPort, peers, key, profile, clusterName));
        channel.name("node" + localNodeId);
        channel.addAddressGenerator(() -> ExtendedUUID.randomUUID("node" + localNodeId)
                .put(NODE_ID_KEY, ByteBuffer.allocate(4).putInt(localNodeId).array()));
        channel.setDiscardOwnMessages(false);
        MessageSeal seal = new MessageSeal(key);
        channel.setReceiver(new Receiver() {
            @Override
            public void viewAccepted(View view) {
                listener.handleView(toMembershipView(view));
            }

            @Override
            public void receive(Message msg) {
                int from = nodeIdOf(msg.getSrc());
                if (from < 1) {
                    log.warn("dropping a message from {}: the sender carries no Herd node id", msg.getSrc());
                    return;
                }
                java.util.Optional<byte[]> payload = seal.open(msg.getArray() == null ? new byte[0] : copyPayload(msg));
                if (payload.isEmpty()) {
                    log.warn("dropping a message from node{} whose seal does not verify (tampered, or another key)", from);
                    return;
                }
                listener.handleMessage(from, payload.get());
            }
        });
        return new GroupMembership(channel, localNodeId, clusterName, seal);
    }

    /** Joins the group: blocks while GMS looks for a coordinator (join timeout × attempts), then has a first view. */
    public void connect() throws Exception {
        channel.connect(clusterName);
        sender.start();
        log.info("node{} joined cluster transport '{}' as {}", localNodeId, clusterName, channel.getAddress());
    }

    /** {@link #create} then {@link #connect}. */
    public static GroupMembership start(String clusterName, int localNodeId, String bindHost, int bindPort,
                                        List<Peer> peers, ClusterKey key, TimeoutProfile profile,
                                        MembershipListener listener) throws Exception {
        GroupMembership m = create(clusterName, localNodeId, bindHost, bindPort, peers, key, profile, listener);
        m.connect();
        return m;
    }

    private static byte[] copyPayload(Message msg) {
        byte[] out = new byte[msg.getLength()];
        System.arraycopy(msg.getArray(), msg.getOffset(), out, 0, msg.getLength());
        return out;
    }

    static MembershipView toMembershipView(View view) {
        Set<Integer> ids = new TreeSet<>();
        for (Address member : view.getMembers()) {
            int id = nodeIdOf(member);
            if (id >= 1) {
                ids.add(id);
            } else {
                log.warn("view {} holds a member without a Herd node id: {}", view.getViewId(), member);
            }
        }
        return MembershipView.of(view.getViewId().getId(), nodeIdOf(view.getCoord()), ids, view instanceof MergeView);
    }

    static int nodeIdOf(Address address) {
        if (address instanceof ExtendedUUID uuid) {
            byte[] raw = uuid.get(NODE_ID_KEY);
            if (raw != null && raw.length == 4) {
                return ByteBuffer.wrap(raw).getInt();
            }
        }
        return -1;
    }

    /**
     * Broadcasts to every member of the current view, in total order, sealed with the cluster key
     * ({@link MessageSeal}). Never blocks: the payload is queued for the sender thread, and this host's broadcasts
     * leave in the order they were queued. Before {@link #connect} has finished they wait for it.
     */
    public void broadcast(byte[] payload) {
        if (closed) {
            return;
        }
        if (queuedBytes.addAndGet(payload.length) > MAX_QUEUED_BYTES) {
            queuedBytes.addAndGet(-payload.length);
            log.error("node{}: dropping a broadcast of {} bytes: {} bytes already wait for the transport", localNodeId,
                    payload.length, queuedBytes.get());
            return;
        }
        outbox.add(payload);
    }

    private void sendLoop() {
        while (!closed) {
            byte[] payload;
            try {
                payload = outbox.take();
            } catch (InterruptedException e) {
                return;
            }
            queuedBytes.addAndGet(-payload.length);
            try {
                channel.send(new BytesMessage(null, seal.seal(payload)));
            } catch (Exception e) {
                if (!closed) {
                    // like a message lost in the network: votequorum's re-requests and confdb's sync repair it
                    log.warn("node{}: broadcast of {} bytes failed: {}", localNodeId, payload.length, e.toString());
                }
            }
        }
    }

    /** Replaces the static member list after a host joined or left (TCPPING's initial_hosts). */
    public void updatePeers(List<Peer> peers) {
        TCPPING ping = channel.getProtocolStack().findProtocol(TCPPING.class);
        ping.setInitialHosts(peers.stream().map(p -> new java.net.InetSocketAddress(p.host(), p.port())).toList());
    }

    public MembershipView currentView() {
        return toMembershipView(channel.getView());
    }

    public int localNodeId() {
        return localNodeId;
    }

    @Override
    public void close() {
        closed = true;
        sender.interrupt();
        outbox.clear();
        channel.close();
    }
}
