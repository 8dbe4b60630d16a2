package dev.herd.daemon.fence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herd.daemon.fence.WatchdogCommand.Garbage;
import org.junit.jupiter.api.Test;

/** Parsing: the four commands, and every kind of garbage named. */
class WatchdogCommandTest {
    @Test
    void theFourCommands() {
        assertThat(WatchdogCommand.parse("HELLO 4242")).isEqualTo(new WatchdogCommand.Hello(4242));
        assertThat(WatchdogCommand.parse("ARM")).isEqualTo(new WatchdogCommand.Arm());
        assertThat(WatchdogCommand.parse("FEED")).isEqualTo(new WatchdogCommand.Feed());
        assertThat(WatchdogCommand.parse("DISARM")).isEqualTo(new WatchdogCommand.Disarm());
    }

    @Test
    void garbageIsAValueWithAReason() {
        assertThat(reason("feed")).startsWith("unknown command 'feed'");
        assertThat(reason("FEED now")).isEqualTo("FEED takes no argument");
        assertThat(reason("HELLO")).isEqualTo("usage: HELLO <pid>");
        assertThat(reason("HELLO -5")).startsWith("HELLO needs a pid");
        assertThat(reason("HELLO 99999999999")).startsWith("HELLO needs a pid");
        assertThat(reason("HELLO 0")).isEqualTo("pid 0 cannot be a daemon's");
        assertThat(reason("HELLO  12")).isEqualTo("usage: HELLO <pid>");
        assertThat(reason("ARM\t")).startsWith("not printable ASCII");
        assertThat(reason("")).startsWith("empty line");
    }

    private static String reason(String line) {
        return ((Garbage) WatchdogCommand.parse(line)).reason();
    }
}
