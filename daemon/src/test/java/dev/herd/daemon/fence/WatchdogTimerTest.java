package dev.herd.daemon.fence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herd.daemon.fence.WatchdogTimer.Armed;
import dev.herd.daemon.fence.WatchdogTimer.Disarmed;
import dev.herd.daemon.fence.WatchdogTimer.Expired;
import dev.herd.daemon.fence.WatchdogTimer.Stopped;
import org.junit.jupiter.api.Test;

/** Every transition of the timer's state machine, on a hand-driven clock (nanoseconds). */
class WatchdogTimerTest {
    private static final long MS = 1_000_000;
    private final WatchdogTimer timer = new WatchdogTimer(1_000);

    @Test
    void armedAndFedInTimeItNeverExpires() {
        assertThat(timer.arm(0).line()).isEqualTo("OK armed: FEED within 1000 ms");
        for (long t = 900; t < 10_000; t += 900) {
            assertThat(timer.checkExpiry(t * MS)).isEmpty();
            assertThat(timer.feed(t * MS).ok()).isTrue();
        }
        assertThat(timer.state()).isInstanceOf(Armed.class);
        assertThat(timer.nanosToDeadline(10_000 * MS)).as("last FEED at 9900 ms").isEqualTo(900 * MS);
    }

    @Test
    void unfedItExpiresAtTheDeadlineWithTheReason() {
        timer.arm(0);
        timer.feed(500 * MS);
        assertThat(timer.checkExpiry(1_499 * MS)).isEmpty();
        assertThat(timer.checkExpiry(1_500 * MS)).contains("no FEED for 1000 ms (timeout 1000 ms)");
        assertThat(timer.checkExpiry(1_600 * MS)).as("expires once").isEmpty();
        assertThat(timer.feed(1_600 * MS).line()).startsWith("ERR expired, firing: no FEED for 1000 ms");
        assertThat(timer.disarm(1_600 * MS).ok()).as("too late for the magic close").isFalse();
        assertThat(timer.arm(1_600 * MS).ok()).isFalse();
    }

    @Test
    void aLateFeedExpiresItEvenBeforeTheTimerThreadNoticed() {
        timer.arm(0);
        assertThat(timer.feed(1_000 * MS).ok()).isFalse();
        assertThat(timer.state()).isInstanceOf(Expired.class);
    }

    @Test
    void disarmIsTheMagicCloseAndFeedingADisarmedTimerIsAnError() {
        assertThat(timer.feed(0).line()).isEqualTo("ERR not armed: ARM first");
        assertThat(timer.disarm(0).line()).isEqualTo("OK was not armed");
        timer.arm(0);
        assertThat(timer.disarm(999 * MS).line()).isEqualTo("OK disarmed");
        assertThat(timer.checkExpiry(5_000 * MS)).isEmpty();
        assertThat(timer.nanosToDeadline(5_000 * MS)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void armWhileArmedFeeds() {
        timer.arm(0);
        timer.arm(800 * MS);
        assertThat(timer.checkExpiry(1_500 * MS)).isEmpty();
    }

    @Test
    void terminateFiresWhenArmedAndStopsWhenDisarmed() {
        timer.arm(0);
        assertThat(timer.terminate("SIGTERM", 300 * MS)).isInstanceOf(Armed.class);
        assertThat(((Expired) timer.state()).reason()).startsWith("SIGTERM while armed (300 ms after the last FEED)");

        WatchdogTimer idle = new WatchdogTimer(1_000);
        assertThat(idle.terminate("SIGTERM", 0)).isInstanceOf(Disarmed.class);
        assertThat(idle.state()).isInstanceOf(Stopped.class);
        assertThat(idle.arm(0).line()).isEqualTo("ERR shutting down: not arming");
    }
}
