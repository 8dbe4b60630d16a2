package dev.herd.daemon.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herd.cluster.ClusterKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host's own files: round trips, root-only permissions, and damaged files refused with what to do. */
class StateStoreTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsWithRootOnlyFilesAndNoLeftoverTemporaries() throws Exception {
        StateStore store = new StateStore(dir);
        ClusterConfig config = new ClusterConfig("c", 1, "majority", "t",
                List.of(new ClusterNodeEntry(1, "node1", "127.0.0.1:7800", "127.0.0.1:8006", 1)), List.of(), null);
        store.saveMembership(new StateStore.Membership(1, config));
        ClusterKey key = ClusterKey.generate(new SecureRandom());
        store.saveKey(key);
        String token = store.loadOrCreateApiToken();

        assertThat(store.loadMembership()).get().isEqualTo(new StateStore.Membership(1, config));
        assertThat(store.loadKey()).isEqualTo(key);
        assertThat(store.loadOrCreateApiToken()).isEqualTo(token);
        for (String f : new String[] {"cluster.json", "authkey", "api-token"}) {
            assertThat(Files.getPosixFilePermissions(dir.resolve(f)))
                    .containsOnly(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        }
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void damagedFilesAreRefusedSayingWhatToDo() throws Exception {
        StateStore store = new StateStore(dir);
        Files.writeString(dir.resolve("cluster.json"), "{\"local_node_id\": 1, \"config\": {");
        assertThatThrownBy(store::loadMembership).hasMessageContaining("cluster.json is unreadable")
                .hasMessageContaining("rejoin this host");
        Files.writeString(dir.resolve("authkey"), "abcd\n");
        assertThatThrownBy(store::loadKey).hasMessageContaining("authkey").hasMessageContaining("64 hex digits")
                .hasMessageContaining("restore it from another host");
    }

    @Test
    void retiringKeepsTheOldFilesForInspection() throws Exception {
        StateStore store = new StateStore(dir);
        Files.writeString(dir.resolve("cluster.json"), "{}");
        Files.writeString(dir.resolve("authkey"), "x");
        Path kept = store.retireMembership("left for a test");
        assertThat(store.loadMembership()).isEmpty();
        assertThat(kept.resolve("cluster.json")).exists();
        assertThat(Files.readString(kept.resolve("reason"))).contains("left for a test");
    }
}
