package dev.herd.daemon.fence;

import static dev.herd.daemon.fence.TestProcesses.alive;
import static dev.herd.daemon.fence.TestProcesses.await;
import static dev.herd.daemon.fence.TestProcesses.groupMembers;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herd.daemon.guest.ProcessGuest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real supervisors, guests and fake daemons for the supervisor tests. The "daemon" the supervisor may kill is always a
 * process the test started (never the test JVM); everything is killed after each test.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
abstract class SupervisorFixture {
    static final long TIMEOUT_MS = 1_000;
    /** "Fires within": generous for a loaded 2-core machine. */
    static final long FIRE_BOUND_MS = TIMEOUT_MS + 2_000;
    /** Then the rescans (~1 s), the marker and the exit. */
    static final long EXIT_BOUND_MS = FIRE_BOUND_MS + 3_000;

    @TempDir
    Path dir;

    final TestProcesses processes = new TestProcesses();

    @AfterEach
    void killEverythingStarted() throws Exception {
        processes.close();
    }

    Path socket() {
        return dir.resolve("wd.sock");
    }

    Path registryDir() {
        return dir.resolve("run/guests");
    }

    Path logFile() {
        return dir.resolve("watchdog.log");
    }

    WatchdogLauncher.Launched supervisor(Path device) throws Exception {
        WatchdogLauncher.Launched s = WatchdogLauncher.start(socket(), TIMEOUT_MS, registryDir(), device, logFile(),
                30_000);
        processes.track(s.process());
        return s;
    }

    /** A stand-in for herdd that the supervisor may kill: a plain {@code sleep 600}. */
    Process fakeDaemon() throws IOException {
        return processes.start(List.of("sleep", "600"), dir.resolve("daemon.out"));
    }

    /** A registered guest with a child in its process group, as the brief of the fencing tests asks. */
    ProcessGuest guest(String id) throws Exception {
        ProcessGuest g = ProcessGuest.start(new ProcessGuest.Spec(id, List.of("sh", "-c", "sleep 600 & sleep 600"),
                dir, dir.resolve(GuestRegistry.fileName(id) + ".log"), Map.of(), 5_000, registryDir()));
        processes.trackGroup(g.pid());
        await("guest " + id + " runs with its child and is registered", 10_000, () -> {
            try {
                return groupMembers(g.pid()).size() >= 2 && Files.exists(new GuestRegistry(registryDir()).fileFor(id));
            } catch (IOException e) {
                return false;
            }
        });
        return g;
    }

    String log() {
        try {
            return Files.exists(logFile()) ? Files.readString(logFile()) : "(no log)";
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** Asserts the fire: daemon and every guest group dead within FIRE_BOUND_MS of {@code sinceNanos}, exit 3, marker. */
    void assertFired(WatchdogLauncher.Launched s, Process daemon, List<ProcessGuest> guests, long sinceNanos)
            throws Exception {
        long leftMs = FIRE_BOUND_MS - (System.nanoTime() - sinceNanos) / 1_000_000;
        awaitWithLog("daemon " + daemon.pid() + " and guests killed", leftMs, () -> {
            try {
                if (alive(daemon.pid())) {
                    return false;
                }
                for (ProcessGuest g : guests) {
                    if (!groupMembers(g.pid()).isEmpty()) {
                        return false;
                    }
                }
                return true;
            } catch (IOException e) {
                return false;
            }
        });
        assertThat(s.process().waitFor(EXIT_BOUND_MS, TimeUnit.MILLISECONDS)).as("supervisor exits; log:\n%s", log())
                .isTrue();
        assertThat(s.process().exitValue()).as("exit code; log:\n%s", log()).isEqualTo(WatchdogSupervisor.EXIT_FIRED);
        assertThat(socket().resolveSibling("fired")).exists();
        for (ProcessGuest g : guests) {
            assertThat(Files.readString(socket().resolveSibling("fired"))).contains("guest " + g.id());
        }
        assertThat(log()).contains("FIRE:");
    }

    /** {@link TestProcesses#await}, failing with the supervisor's log as it is at the failure. */
    void awaitWithLog(String what, long timeoutMs, java.util.function.BooleanSupplier condition) throws Exception {
        try {
            await(what, timeoutMs, condition);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; supervisor log:\n" + log(), e);
        }
    }

    static void pauseMs(long ms) throws InterruptedException {
        Thread.sleep(ms); // a stretch of time that must pass (feeding, or proving nothing fires), not a synchronisation
    }
}
