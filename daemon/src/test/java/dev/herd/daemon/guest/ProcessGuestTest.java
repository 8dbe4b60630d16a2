package dev.herd.daemon.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herd.daemon.fence.GuestRegistry;
import dev.herd.daemon.fence.ProcStat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The process driver against real processes: graceful stop, kill after the timeout, the whole group, crashes. */
class ProcessGuestTest {
    @TempDir
    Path dir;

    private ProcessGuest.Spec spec(String script, long stopTimeoutMs) {
        return new ProcessGuest.Spec("ct:200", List.of("sh", "-c", script), dir, dir.resolve("ct-200.log"),
                Map.of("GUEST_ID", "ct:200"), stopTimeoutMs);
    }

    private static void awaitLog(Path log, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!(Files.exists(log) && Files.readString(log).contains(text))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("log " + log + " never showed '" + text + "': "
                        + (Files.exists(log) ? Files.readString(log) : "(no log)"));
            }
            Thread.sleep(20);
        }
    }

    @Test
    void aGuestThatHonoursSigtermStopsGracefullyWithItsOutputInTheLog() throws Exception {
        ProcessGuest g = ProcessGuest.start(spec(
                "trap 'echo got TERM; exit 0' TERM; echo started $GUEST_ID; while :; do sleep 0.05; done", 10_000));
        awaitLog(dir.resolve("ct-200.log"), "started ct:200");
        assertThat(g.running()).isTrue();
        GuestExit e = g.stop();
        assertThat(e.requested()).isTrue();
        assertThat(e.exitCode()).isZero();
        assertThat(e.how()).startsWith("stopped after SIGTERM");
        assertThat(Files.readString(dir.resolve("ct-200.log"))).contains("got TERM");
        assertThat(g.running()).isFalse();
    }

    @Test
    void aGuestThatIgnoresSigtermIsKilledAfterTheStopTimeout() throws Exception {
        ProcessGuest g = ProcessGuest.start(spec("trap '' TERM; echo started; while :; do sleep 0.05; done", 300));
        awaitLog(dir.resolve("ct-200.log"), "started");
        long t0 = System.nanoTime();
        GuestExit e = g.stop();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(e.how()).contains("SIGKILL after the stop timeout of 300 ms");
        assertThat(e.exitCode()).isEqualTo(128 + 9);
        assertThat(ms).as("waited the stop timeout before killing").isGreaterThanOrEqualTo(300);
        assertThat(g.running()).isFalse();
    }

    @Test
    void stoppingAGuestStopsEverythingItForked() throws Exception {
        Path childPid = dir.resolve("child.pid");
        ProcessGuest g = ProcessGuest.start(spec("sleep 1000 & echo $! > " + childPid + "; echo started; wait", 5_000));
        awaitLog(dir.resolve("ct-200.log"), "started");
        long child = Long.parseLong(Files.readString(childPid).strip());
        assertThat(ProcessHandle.of(child)).isPresent();
        g.stop();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false)) {
            assertThat(System.nanoTime()).as("the forked child %d is gone", child).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @Test
    void anExitNobodyAskedForIsReportedAsAFailure() throws Exception {
        ProcessGuest g = ProcessGuest.start(spec("echo crashing; exit 3", 1_000));
        GuestExit e = g.onExit().get(10, TimeUnit.SECONDS);
        assertThat(e.requested()).isFalse();
        assertThat(e.exitCode()).isEqualTo(3);
        assertThat(e.how()).contains("exited on its own with exit code 3").contains("failure");
    }

    @Test
    void killIsImmediateForTheWholeGroup() throws Exception {
        ProcessGuest g = ProcessGuest.start(spec("trap '' TERM; echo started; while :; do sleep 0.05; done", 60_000));
        awaitLog(dir.resolve("ct-200.log"), "started");
        GuestExit e = g.kill();
        assertThat(e.requested()).isTrue();
        assertThat(e.exitCode()).isEqualTo(128 + 9);
    }

    @Test
    void aGuestIsRegisteredBeforeItsCommandRunsAndUnregisteredWhenItExits() throws Exception {
        Path registryDir = dir.resolve("run/guests");
        Path entry = new GuestRegistry(registryDir).fileFor("ct:200");
        // the command itself looks for its entry: it must exist before the command runs
        ProcessGuest g = ProcessGuest.start(new ProcessGuest.Spec("ct:200", List.of("sh", "-c",
                "cat " + entry + " && echo registered-before-start; while :; do sleep 0.05; done"), dir,
                dir.resolve("ct-200.log"), Map.of(), 5_000, registryDir));
        awaitLog(dir.resolve("ct-200.log"), "registered-before-start");
        assertThat(Files.readString(dir.resolve("ct-200.log"))).contains("pgid=" + g.pid()).contains("guest=ct:200");
        GuestRegistry.Entry e = new GuestRegistry(registryDir).list().getFirst();
        assertThat(e.pgid()).isEqualTo(g.pid());
        assertThat(e.startTicks()).as("the start time of the guest's own process")
                .isEqualTo(ProcStat.read(g.pid()).orElseThrow().startTicks());

        g.stop();
        assertThat(entry).as("removed before the exit is reported").doesNotExist();
    }

    @Test
    void aCrashedGuestIsUnregisteredToo() throws Exception {
        Path registryDir = dir.resolve("run/guests");
        ProcessGuest g = ProcessGuest.start(new ProcessGuest.Spec("vm:300", List.of("sh", "-c", "exit 7"), dir,
                dir.resolve("vm-300.log"), Map.of(), 1_000, registryDir));
        GuestExit e = g.onExit().get(10, TimeUnit.SECONDS);
        assertThat(e.exitCode()).isEqualTo(7);
        assertThat(e.how()).doesNotContain("registry");
        assertThat(new GuestRegistry(registryDir).list()).isEmpty();
    }

    @Test
    void aSpecWithoutCommandOrWithAZeroTimeoutIsRefused() {
        assertThatThrownBy(() -> new ProcessGuest.Spec("vm:1", List.of(), dir, dir.resolve("l"), Map.of(), 1000))
                .hasMessageContaining("the command is empty");
        assertThatThrownBy(() -> new ProcessGuest.Spec("vm:1", List.of("true"), dir, dir.resolve("l"), Map.of(), 0))
                .hasMessageContaining("stop timeout must be positive");
    }
}
