package dev.herd.daemon.fence;

import static dev.herd.daemon.fence.TestProcesses.alive;
import static dev.herd.daemon.fence.TestProcesses.await;
import static dev.herd.daemon.fence.TestProcesses.groupMembers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herd.daemon.fence.GuestRegistry.Entry;
import dev.herd.daemon.fence.GuestRegistry.Killed;
import dev.herd.daemon.fence.GuestRegistry.Outcome;
import dev.herd.daemon.fence.GuestRegistry.Skipped;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry against real process groups: what it kills, and every entry it must leave alone. */
class GuestRegistryTest {
    @TempDir
    Path dir;

    private final TestProcesses processes = new TestProcesses();

    @AfterEach
    void cleanUp() throws Exception {
        processes.close();
    }

    private GuestRegistry registry() {
        return new GuestRegistry(dir.resolve("run/guests"));
    }

    /** A group leader with a child in its group: what a guest looks like. */
    private Process guestLikeGroup() throws Exception {
        Process p = processes.startGroup("sleep 600 & sleep 600 & wait");
        await("process group " + p.pid() + " has its shell and two sleeps", 10_000, () -> {
            try {
                return groupMembers(p.pid()).size() == 3;
            } catch (java.io.IOException e) {
                return false;
            }
        });
        return p;
    }

    @Test
    void fileNamesAreSafeAndIdsWithControlCharactersAreRefused() {
        assertThat(GuestRegistry.fileName("vm:100")).isEqualTo("vm_100");
        assertThat(GuestRegistry.fileName("../etc/passwd")).isEqualTo("_._etc_passwd");
        assertThat(GuestRegistry.fileName(".hidden")).isEqualTo("_hidden");
        assertThatThrownBy(() -> GuestRegistry.fileName("")).hasMessageContaining("1 to 200 characters");
        assertThatThrownBy(() -> registry().selfRegisteringCommand("vm:1\nx", List.of("true")))
                .hasMessageContaining("control characters");
    }

    @Test
    void killAllKillsARegisteredGroupWithEverythingInIt() throws Exception {
        GuestRegistry registry = registry();
        Process g = guestLikeGroup();
        List<Long> members = groupMembers(g.pid());
        Entry e = registry.register("vm:100", g.pid());
        assertThat(registry.list()).containsExactly(e);
        assertThat(Files.readString(registry.fileFor("vm:100"))).contains("pgid=" + g.pid()).contains("guest=vm:100");

        List<Outcome> outcomes = registry.killAll(Set.of());

        assertThat(outcomes).containsExactly(new Killed(e));
        for (long pid : members) {
            await("member " + pid + " of the killed group is gone", 10_000, () -> !alive(pid));
        }
    }

    @Test
    void aReusedPidAnotherBootAndAGoneLeaderAreNeverKilled() throws Exception {
        GuestRegistry registry = registry();
        Files.createDirectories(registry.dir());
        Process reused = guestLikeGroup();
        List<Long> members = groupMembers(reused.pid());
        long ticks = ProcStat.read(reused.pid()).orElseThrow().startTicks();
        String boot = ProcStat.bootId();
        Process gone = processes.startGroup("exit 0");
        gone.waitFor(10, TimeUnit.SECONDS);
        write(registry, "vm:1", reused.pid(), ticks + 1, boot);        // same pid, another start time: pid reuse
        write(registry, "vm:2", reused.pid(), ticks, "another-boot-id"); // an entry from before a reboot
        write(registry, "vm:3", gone.pid(), ticks, boot);               // leader exited
        Files.writeString(registry.dir().resolve("vm_4"), "pgid=oops\n");   // garbage: reported, not fatal

        List<Outcome> outcomes = registry.killAll(Set.of());

        assertThat(outcomes).noneMatch(o -> o instanceof Killed);
        assertThat(outcomes).filteredOn(o -> o instanceof Skipped).map(Outcome::describe).satisfiesExactly(
                d -> assertThat(d).contains("vm:1").contains("was reused"),
                d -> assertThat(d).contains("vm:2").contains("another boot"),
                d -> assertThat(d).contains("vm:3").contains("is gone"));
        assertThat(outcomes).map(Outcome::describe).anyMatch(d -> d.contains("vm_4") && d.contains("not a guest entry"));
        assertThat(groupMembers(reused.pid())).as("the group whose pid was 'reused' still runs")
                .containsExactlyInAnyOrderElementsOf(members);
    }

    @Test
    void entriesAlreadyHandledAreSkippedOnARescan() throws Exception {
        GuestRegistry registry = registry();
        Process g = guestLikeGroup();
        Entry e = registry.register("vm:7", g.pid());
        assertThat(registry.killAll(Set.of(e))).isEmpty();
        assertThat(alive(g.pid())).isTrue();
    }

    @Test
    void unregisterRemovesOnlyTheEntryOfThatProcessGroup() throws Exception {
        GuestRegistry registry = registry();
        Process g = guestLikeGroup();
        registry.register("vm:8", g.pid());
        assertThat(registry.unregister("vm:8", g.pid() + 1)).as("another start of vm:8 registered meanwhile").isFalse();
        assertThat(registry.list()).hasSize(1);
        assertThat(registry.unregister("vm:8", g.pid())).isTrue();
        assertThat(registry.list()).isEmpty();
        assertThat(registry.unregister("vm:8", g.pid())).isFalse();
    }

    @Test
    void theSelfRegisteringScriptRefusesToRunTheCommandWhenItCannotRegister() throws Exception {
        Path marker = dir.resolve("ran");
        Process p = new ProcessBuilder("/bin/sh", "-c", GuestRegistry.SELF_REGISTER_SCRIPT, "t",
                dir.resolve("missing/dir").toString(), "vm_9", "vm:9", "touch", marker.toString())
                .redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).isEqualTo(125);
        assertThat(said).contains("guest vm:9 not started: cannot register it");
        assertThat(marker).doesNotExist();
    }

    private static void write(GuestRegistry registry, String id, long pgid, long ticks, String boot) throws Exception {
        Files.writeString(registry.fileFor(id),
                "pgid=" + pgid + "\nstart_ticks=" + ticks + "\nboot_id=" + boot + "\nguest=" + id + "\n");
    }
}
