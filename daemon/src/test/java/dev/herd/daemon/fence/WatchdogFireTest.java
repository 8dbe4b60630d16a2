package dev.herd.daemon.fence;

import static dev.herd.daemon.fence.TestProcesses.alive;
import static dev.herd.daemon.fence.TestProcesses.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herd.daemon.guest.ProcessGuest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The supervisor fires when nobody feeds it — starved, frozen, killed, stopped while armed — and only then. */
class WatchdogFireTest extends SupervisorFixture {
    private static final long FEED_INTERVAL_MS = 100;

    @Test
    void fedItKillsNothingStarvedItKillsTheDaemonAndEveryGuestGroup() throws Exception {
        WatchdogLauncher.Launched s = supervisor(null);
        Process daemon = fakeDaemon();
        List<ProcessGuest> guests = List.of(guest("vm:100"), guest("vm:101"));
        try (WatchdogClient client = WatchdogClient.connect(s.socket(), 5_000, 2_000)) {
            client.hello(daemon.pid());
            client.arm();
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(4 * TIMEOUT_MS);
            while (System.nanoTime() < until) {
                pauseMs(FEED_INTERVAL_MS);
                client.feed();
            }
            assertThat(s.process().isAlive()).as("fed for 4 timeouts, it did not fire; log:\n%s", log()).isTrue();
            assertThat(alive(daemon.pid())).isTrue();
            assertThat(guests).allMatch(ProcessGuest::running);

            long starvedAt = System.nanoTime();
            assertFired(s, daemon, guests, starvedAt);
            assertThat(guests.getFirst().onExit().get(10, TimeUnit.SECONDS).exitCode()).isEqualTo(128 + 9);
            assertThat(Files.readString(socket().resolveSibling("fired"))).contains("reason=no FEED for");
        }
    }

    @Test
    void aFrozenFeederMakesItFire() throws Exception {
        WatchdogLauncher.Launched s = supervisor(null);
        ProcessGuest guest = guest("ct:200");
        Process feeder = startFeeder();
        pauseMs(2 * TIMEOUT_MS);
        assertThat(s.process().isAlive()).as("the feeder keeps it from firing; log:\n%s", log()).isTrue();

        new ProcessBuilder("/bin/kill", "-s", "STOP", Long.toString(feeder.pid())).start().waitFor();
        long frozenAt = System.nanoTime();

        assertFired(s, feeder, List.of(guest), frozenAt);
        assertThat(log()).contains("SIGKILL to daemon pid " + feeder.pid());
    }

    @Test
    void aKilledFeederMakesItFire() throws Exception {
        WatchdogLauncher.Launched s = supervisor(null);
        ProcessGuest guest = guest("ct:201");
        Process feeder = startFeeder();
        feeder.destroyForcibly();
        long killedAt = System.nanoTime();

        assertFired(s, feeder, List.of(guest), killedAt);
        assertThat(log()).contains("still armed (no DISARM)").contains("daemon pid " + feeder.pid() + " is gone");
    }

    @Test
    void disarmedThenDisconnectedItNeverFiresAndStopsCleanly() throws Exception {
        WatchdogLauncher.Launched s = supervisor(null);
        Process daemon = fakeDaemon();
        ProcessGuest guest = guest("vm:102");
        try (WatchdogClient client = WatchdogClient.connect(s.socket(), 5_000, 2_000)) {
            client.hello(daemon.pid());
            client.arm();
            client.feed();
            client.disarm();
        }
        pauseMs(4 * TIMEOUT_MS);
        assertThat(s.process().isAlive()).as("log:\n%s", log()).isTrue();
        assertThat(alive(daemon.pid())).isTrue();
        assertThat(guest.running()).isTrue();
        assertThat(socket().resolveSibling("fired")).doesNotExist();

        assertThat(s.stop(10_000)).as("SIGTERM while disarmed; log:\n%s", log()).isEqualTo(WatchdogSupervisor.EXIT_CLEAN);
        assertThat(socket()).doesNotExist();
        assertThat(guest.running()).isTrue();
    }

    @Test
    void sigtermWhileArmedFiresInsteadOfDisarming() throws Exception {
        WatchdogLauncher.Launched s = supervisor(null);
        Process daemon = fakeDaemon();
        ProcessGuest guest = guest("vm:103");
        try (WatchdogClient client = WatchdogClient.connect(s.socket(), 5_000, 2_000)) {
            client.hello(daemon.pid());
            client.arm();
            long t0 = System.nanoTime();
            s.process().destroy(); // SIGTERM
            assertFired(s, daemon, List.of(guest), t0);
            assertThat(Files.readString(socket().resolveSibling("fired"))).contains("asked to stop");
        }
    }

    @Test
    void itFiresOnTimeUnderCpuSaturation() throws Exception {
        WatchdogLauncher.Launched s = supervisor(null);
        Process daemon = fakeDaemon();
        ProcessGuest guest = guest("vm:104");
        List<Process> burners = new ArrayList<>();
        for (int i = 0; i < 3 * Runtime.getRuntime().availableProcessors(); i++) {
            burners.add(processes.startGroup("while :; do :; done"));
        }
        try (WatchdogClient client = WatchdogClient.connect(s.socket(), 5_000, 5_000)) {
            client.hello(daemon.pid());
            client.arm();
            long armedAt = System.nanoTime();
            assertFired(s, daemon, List.of(guest), armedAt);
        } finally {
            burners.forEach(Process::destroyForcibly);
        }
        var noticed = java.util.regex.Pattern.compile("no FEED for (\\d+) ms \\(timeout " + TIMEOUT_MS + " ms\\)")
                .matcher(log());
        assertThat(noticed.find()).as("log:\n%s", log()).isTrue();
        long lateMs = Long.parseLong(noticed.group(1)) - TIMEOUT_MS;
        assertThat(lateMs).as("the timer thread noticed the deadline late by").isBetween(0L, 1_000L);
    }

    @Test
    void aGuestStartedWhileItFiresIsCaughtByARescan() throws Exception {
        WatchdogLauncher.Launched s = supervisor(null);
        Process daemon = fakeDaemon();
        try (WatchdogClient client = WatchdogClient.connect(s.socket(), 5_000, 2_000)) {
            client.hello(daemon.pid());
            client.arm();
            long t0 = System.nanoTime();
            awaitWithLog("the fire began", FIRE_BOUND_MS, () -> log().contains("FIRE:"));
            // registers while the fire runs (after its first scan, most likely): a rescan must kill it
            ProcessGuest late = ProcessGuest.start(new ProcessGuest.Spec("vm:105", List.of("sh", "-c",
                    "sleep 600 & sleep 600"), dir, dir.resolve("vm_105.log"), java.util.Map.of(), 5_000, registryDir()));
            processes.trackGroup(late.pid());
            assertFired(s, daemon, List.of(late), t0);
        }
    }

    private Process startFeeder() throws Exception {
        Path out = dir.resolve("feeder.out");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process feeder = processes.start(List.of(java, "-cp", System.getProperty("java.class.path"),
                FeederMain.class.getName(), socket().toString(), Long.toString(FEED_INTERVAL_MS)), out);
        await("the feeder armed the supervisor", 30_000, () -> {
            try {
                return Files.exists(out) && Files.readString(out).contains("armed");
            } catch (java.io.IOException e) {
                return false;
            }
        });
        return feeder;
    }
}
