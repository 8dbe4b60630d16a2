package dev.herd.daemon.fence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The protocol against a real supervisor: garbage, a second client, the client's failures, the device. */
class WatchdogProtocolTest extends SupervisorFixture {
    @Test
    void garbageIsAnsweredWithErrAndTheSupervisorKeepsWorking() throws Exception {
        WatchdogLauncher.Launched s = supervisor(null);
        Process daemon = fakeDaemon();
        try (LineClient c = new LineClient(s.socket())) {
            assertThat(c.call("FEED")).isEqualTo("ERR say HELLO <pid> first");
            assertThat(c.call("HELLO abc")).startsWith("ERR HELLO needs a pid");
            assertThat(c.call("HELLO 1")).startsWith("ERR pid 1 cannot be");
            assertThat(c.call("HELLO 999999999")).isEqualTo("ERR no process 999999999");
            assertThat(c.call("REBOOT now")).startsWith("ERR unknown command 'REBOOT'");
            assertThat(c.call("")).startsWith("ERR empty line");
            byte[] huge = new byte[100_000];
            Arrays.fill(huge, (byte) 'x');
            c.send(huge);
            assertThat(c.call("")).as("100 kB without newline is one line, discarded")
                    .isEqualTo("ERR line longer than 128 bytes, ignored");
            c.send(new byte[] {0, (byte) 0xff, 'A', '\n'});
            assertThat(c.readLine()).startsWith("ERR not printable ASCII");

            assertThat(c.call("HELLO " + daemon.pid())).startsWith("OK hello " + daemon.pid());
            assertThat(c.call("HELLO " + daemon.pid())).startsWith("ERR HELLO was said already");
            assertThat(c.call("FEED")).isEqualTo("ERR not armed: ARM first");
            assertThat(c.call("ARM")).startsWith("OK armed");
            assertThat(c.call("FEED\r")).as("CRLF is fine").isEqualTo("OK fed");
            assertThat(c.call("DISARM")).isEqualTo("OK disarmed");
        }
        assertThat(s.process().isAlive()).as("log:\n%s", log()).isTrue();
        assertThat(s.stop(10_000)).isEqualTo(WatchdogSupervisor.EXIT_CLEAN);
    }

    @Test
    void aPeerThatSpeaksOnlyGarbageIsDisconnectedAndTheNextClientIsServed() throws Exception {
        WatchdogLauncher.Launched s = supervisor(null);
        try (LineClient c = new LineClient(s.socket())) {
            c.send("nonsense\n".repeat(100).getBytes(StandardCharsets.US_ASCII));
            int errs = 0;
            String line;
            while ((line = c.readLine()) != null) {
                assertThat(line).startsWith("ERR");
                errs++;
            }
            assertThat(errs).isEqualTo(WatchdogSupervisor.MAX_ERRORS_IN_A_ROW + 1); // the last one says why it closes
        }
        Process daemon = fakeDaemon();
        try (WatchdogClient c = WatchdogClient.connect(s.socket(), 5_000, 2_000)) {
            assertThat(c.hello(daemon.pid())).startsWith("hello");
            assertThat(c.disarm()).isEqualTo("was not armed");
        }
        assertThat(log()).contains("closed after 32 errors in a row");
    }

    @Test
    void aSecondClientIsToldItIsBusy() throws Exception {
        WatchdogLauncher.Launched s = supervisor(null);
        Process daemon = fakeDaemon();
        try (WatchdogClient first = WatchdogClient.connect(s.socket(), 5_000, 2_000);
             LineClient second = new LineClient(s.socket())) {
            first.hello(daemon.pid());
            assertThat(second.readLine()).startsWith("ERR busy");
            assertThat(second.readLine()).isNull();
            assertThat(first.arm()).startsWith("armed");
            assertThat(first.disarm()).isEqualTo("disarmed");
        }
    }

    @Test
    void theClientFailsFastAndClearlyWhenTheSupervisorIsGoneOrFrozen() throws Exception {
        assertThatThrownBy(() -> WatchdogClient.connect(dir.resolve("nobody.sock"), 100))
                .hasMessageContaining("does not accept connections").hasMessageContaining("tried for 100 ms");

        WatchdogLauncher.Launched s = supervisor(null);
        Process daemon = fakeDaemon();
        try (WatchdogClient c = WatchdogClient.connect(s.socket(), 5_000, 300)) {
            c.hello(daemon.pid());
            assertThatThrownBy(c::feed).isInstanceOf(WatchdogClient.WatchdogRefusal.class)
                    .hasMessage("watchdog supervisor refused FEED: ERR not armed: ARM first");

            new ProcessBuilder("/bin/kill", "-s", "STOP", Long.toString(s.process().pid())).start().waitFor();
            try {
                long t0 = System.nanoTime();
                assertThatThrownBy(c::disarm).hasMessageContaining("DISARM failed: no answer within 300 ms");
                assertThat((System.nanoTime() - t0) / 1_000_000).as("bounded by the I/O timeout").isLessThan(2_000);
                assertThatThrownBy(c::disarm).hasMessageContaining("is broken");
            } finally {
                new ProcessBuilder("/bin/kill", "-s", "CONT", Long.toString(s.process().pid())).start().waitFor();
            }
        }
        try (WatchdogClient c = WatchdogClient.connect(s.socket(), 5_000, 2_000)) {
            c.hello(daemon.pid());
            s.process().destroyForcibly();
            s.process().waitFor();
            assertThatThrownBy(c::feed).hasMessageContaining("watchdog supervisor");
        }
    }

    @Test
    void theDeviceGetsAKeepaliveOnArmAndEveryFeedAndTheMagicCloseOnDisarm() throws Exception {
        Path device = Files.createFile(dir.resolve("fake-watchdog")); // a regular file: never /dev/watchdog
        WatchdogLauncher.Launched s = supervisor(device);
        Process daemon = fakeDaemon();
        try (WatchdogClient c = WatchdogClient.connect(s.socket(), 5_000, 2_000)) {
            c.hello(daemon.pid());
            assertThat(Files.readString(device)).as("closed while disarmed").isEmpty();
            c.arm();
            c.feed();
            c.feed();
            c.feed();
            c.disarm();
            assertThat(Files.readString(device)).isEqualTo("kkkkV");
            c.arm();
            c.feed();
            assertThat(Files.readString(device)).isEqualTo("kkkkVkk");
            assertFired(s, daemon, java.util.List.of(), System.nanoTime());
        }
        assertThat(Files.readString(device)).as("a fire writes nothing more: no magic close").isEqualTo("kkkkVkk");
        assertThat(log()).contains("no more keepalives to the watchdog device");
    }

    @Test
    void aMissingDeviceIsRefusedAtStart() {
        assertThatThrownBy(() -> supervisor(dir.resolve("no-such-watchdog")))
                .hasMessageContaining("exited with " + WatchdogSupervisor.EXIT_USAGE)
                .hasMessageContaining("watchdog device " + dir.resolve("no-such-watchdog") + " does not exist");
    }
}
