package dev.herd.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herd.api.ConfigTypes;
import dev.herd.api.HerdClient;
import dev.herd.cli.sandbox.SandboxNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A full disk under one host's confdb database (a 2 MiB tmpfs mounted by the test): that herdd stops with a clear
 * message instead of announcing what it could not store; the others go on; once it has space again it restarts and
 * catches up, and every write acknowledged before, during and after is on every host.
 */
class ConfdbDiskFullProcessTest {

    @Test
    void aHostWhoseDiskIsFullStopsLosesNothingAndCatchesUpOnceItHasSpace() throws Exception {
        Root.requireLinkCutting("loopback"); // root: mount a tmpfs
        try (LiveCluster c = LiveCluster.start("confdb-diskfull", 3, 112, "majority")) {
            List<String> all = c.names();
            ConfdbProcessTest.awaitConverged(c, all);
            Path dir = c.sandbox.node("node3").dataDir().resolve("confdb");
            Path saved = Files.createTempDirectory(c.sandbox.dir(), "node3-confdb-");
            c.sandbox.kill("node3");
            boolean mounted = false;
            try {
                moveContents(dir, saved);
                sh("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", dir.toString());
                mounted = true;
                moveContents(saved, dir);
                c.sandbox.start("node3", List.of(), Map.of());
                ConfdbProcessTest.awaitConverged(c, all);
                // leave ~400 KiB: a few 100 KiB values fit, then SQLite gets SQLITE_FULL
                long free = Files.getFileStore(dir).getUsableSpace();
                Files.write(dir.resolve("filler"), new byte[(int) Math.max(0, free - 400 * 1024)]);

                ConfigClient n1 = ConfdbProcessTest.cfg(c, "node1");
                List<String> acked = new ArrayList<>();
                byte[] value = new byte[100 * 1024];
                SandboxNode node3 = c.sandbox.node("node3");
                for (int i = 0; i < 40 && c.sandbox.alive(node3); i++) {
                    try {
                        n1.set("big/" + i, value, null);
                        acked.add("big/" + i);
                    } catch (HerdClient.ApiException e) {
                        assertThat(e.status()).as(e.getMessage()).isIn(503, 504); // outcome unknown / resync
                    }
                }
                ProcessHandle.of(node3.pid()).ifPresent(p -> p.onExit().orTimeout(30, TimeUnit.SECONDS).join());
                assertThat(c.sandbox.alive(node3)).as("node3 stops when its disk is full").isFalse();
                assertThat(Files.readString(node3.logFile())).contains("confdb cannot write its database");
                c.awaitQuorum("node1", List.of(1, 2), true, LiveCluster.CONVERGE);
                c.awaitTrue("the others go on writing", LiveCluster.CONVERGE,
                        () -> ConfdbProcessTest.tryWrite(n1, "after/full", "1"));
                acked.add("after/full");

                // space again (what node3 had on disk moves to a real disk with it), restart, catch up
                Files.delete(dir.resolve("filler"));
                moveContents(dir, saved);
                sh("umount", dir.toString());
                mounted = false;
                moveContents(saved, dir);
                c.sandbox.start("node3", List.of(), Map.of());
                ConfdbProcessTest.awaitConverged(c, all);
                for (String n : all) {
                    List<String> paths = new ArrayList<>();
                    for (String prefix : List.of("big", "after")) {
                        ConfdbProcessTest.cfg(c, n).list(prefix).entries().stream()
                                .map(ConfigTypes.ConfigEntry::path).forEach(paths::add);
                    }
                    assertThat(paths).as("acknowledged writes on %s", n).containsAll(acked);
                }
                assertThat(acked).as("some writes were acknowledged before the disk filled").hasSizeGreaterThan(1);
            } finally {
                if (mounted) {
                    if (c.sandbox.alive(c.sandbox.node("node3"))) {
                        c.sandbox.kill("node3");
                    }
                    sh("umount", "-l", dir.toString());
                }
            }
        }
    }

    private static void moveContents(Path from, Path to) throws IOException {
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                Files.delete(f);
            }
        }
    }

    private static void sh(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
    }
}
