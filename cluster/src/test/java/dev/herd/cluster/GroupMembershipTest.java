package dev.herd.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The adapter over real sockets on loopback: node ids in views, total-order broadcast, and the cluster key. */
class GroupMembershipTest {
    private final List<GroupMembership> started = new ArrayList<>();

    @AfterEach
    void closeAll() {
        started.forEach(GroupMembership::close);
    }

    @Test
    void threeMembersSeeOneViewOfNodeIdsAndTheWrongKeyStaysOut() throws Exception {
        ClusterKey key = ClusterKey.generate(new SecureRandom());
        List<Peer> peers = List.of(new Peer(1, "127.0.0.1", freePort()), new Peer(2, "127.0.0.1", freePort()),
                new Peer(3, "127.0.0.1", freePort()));
        List<Recorder> recorders = new ArrayList<>();
        for (Peer peer : peers) {
            Recorder r = new Recorder();
            recorders.add(r);
            started.add(GroupMembership.start("t", peer.nodeId(), peer.host(), peer.port(), peers, key,
                    TimeoutProfile.named("fast"), r));
        }
        waitUntil(() -> recorders.stream().allMatch(r -> r.lastView() != null && r.lastView().nodeIds().size() == 3),
                "all three members see a view of three");
        assertThat(recorders.get(2).lastView().nodeIds()).containsExactly(1, 2, 3);

        started.get(1).broadcast("hello".getBytes(StandardCharsets.UTF_8));
        waitUntil(() -> recorders.stream().allMatch(r -> r.messages.contains("2:hello")), "the broadcast reaches all");

        // A host with another key finds the peers (discovery is in clear) but its join request cannot be unsealed.
        Recorder intruder = new Recorder();
        List<Peer> withIntruder = new ArrayList<>(peers);
        withIntruder.add(new Peer(4, "127.0.0.1", freePort()));
        started.add(GroupMembership.start("t", 4, "127.0.0.1", withIntruder.get(3).port(), withIntruder,
                ClusterKey.generate(new SecureRandom()), TimeoutProfile.named("fast"), intruder));
        Thread.sleep(3000); // bounded observation window: nothing must happen in it
        assertThat(recorders.get(0).lastView().nodeIds()).containsExactly(1, 2, 3);
        assertThat(intruder.lastView().nodeIds()).containsExactly(4);
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static void waitUntil(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after 20 s waiting until " + what);
            }
            Thread.sleep(50);
        }
    }

    static final class Recorder implements MembershipListener {
        final List<MembershipView> views = new CopyOnWriteArrayList<>();
        final List<String> messages = new CopyOnWriteArrayList<>();

        @Override
        public void handleView(MembershipView view) {
            views.add(view);
        }

        @Override
        public void handleMessage(int fromNodeId, byte[] payload) {
            messages.add(fromNodeId + ":" + new String(payload, StandardCharsets.UTF_8));
        }

        MembershipView lastView() {
            return views.isEmpty() ? null : views.get(views.size() - 1);
        }
    }
}
