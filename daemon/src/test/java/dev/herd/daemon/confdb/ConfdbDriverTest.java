package dev.herd.daemon.confdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herd.confdb.ClientResult;
import dev.herd.confdb.ConfdbMessage;
import dev.herd.confdb.Limits;
import dev.herd.confdb.Op;
import dev.herd.confdb.ReplicaState;
import dev.herd.daemon.state.StateStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver of a one-host cluster, its transport looped back by hand: what it sends is what it would deliver to
 * itself. Checks group commit (a burst of delivered writes is one transaction and one cumulative Applied) and that
 * the state is on disk before anything is sent.
 */
class ConfdbDriverTest {
    @TempDir
    Path dir;

    private final List<byte[]> sent = new ArrayList<>();

    private ConfdbDriver open(StateStore store) throws Exception {
        return ConfdbDriver.open(1, store, Limits.DEFAULTS, sent::add, new ChangeFeed(100), why -> {
            throw new AssertionError(why);
        });
    }

    /** Delivers everything sent so far back to the driver, in one burst; returns the messages delivered. */
    private List<ConfdbMessage> loopBack(ConfdbDriver d) throws Exception {
        List<byte[]> now = new ArrayList<>(sent);
        sent.clear();
        List<ConfdbMessage> delivered = new ArrayList<>();
        d.beginBatch();
        for (byte[] payload : now) {
            delivered.add(ConfdbWire.decodeMessage(java.util.Arrays.copyOfRange(payload, 3, payload.length)));
            d.onMessage(1, payload);
        }
        d.endBatch();
        return delivered;
    }

    @Test
    void aBurstOfDeliveredWritesIsOneCommitAndOneCumulativeApplied() throws Exception {
        StateStore store = new StateStore(dir);
        ConfdbDriver d = open(store);
        d.onView(1, 1, Set.of(1), true);
        for (int i = 0; i < 5 && !(d.state() instanceof ReplicaState.Active); i++) {
            loopBack(d);
        }
        assertThat(d.state()).isInstanceOf(ReplicaState.Active.class);

        d.beginBatch();
        List<CompletableFuture<ClientResult>> results = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            results.add(d.submit(new Op.Set("guests/" + i + ".toml", ("v" + i).getBytes(StandardCharsets.UTF_8),
                    Op.ANY_VERSION)));
        }
        assertThat(sent).as("nothing leaves before the burst ends").isEmpty();
        d.endBatch();
        assertThat(loopBack(d)).hasSize(3).allMatch(m -> m instanceof ConfdbMessage.WriteRequest);
        List<ConfdbMessage> applied = loopBack(d); // the three writes' Applied, collapsed into the last one
        assertThat(applied).hasSize(1);
        assertThat(((ConfdbMessage.Applied) applied.get(0)).version()).isEqualTo(3);
        for (CompletableFuture<ClientResult> r : results) {
            assertThat(r).isCompleted();
            assertThat(r.get()).isInstanceOf(ClientResult.Acked.class);
        }
        d.close();

        // everything acknowledged is on disk: a new driver on the same directory loads it
        ConfdbDriver reopened = open(store);
        assertThat(reopened.list("guests")).containsOnlyKeys("guests/1.toml", "guests/2.toml", "guests/3.toml");
        assertThat(reopened.snapshotVersion()).isEqualTo(3);
        assertThat(store.loadConfdbPromise()).as("promise kept outside the database").isPositive();
        reopened.close();
    }
}
