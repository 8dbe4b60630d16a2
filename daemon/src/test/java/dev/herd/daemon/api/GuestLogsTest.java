package dev.herd.daemon.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herd.api.HaTypes;
import dev.herd.daemon.ApiFailure;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tail of {@code <data_dir>/guests/<id>/guest.log} behind {@code GET /api/v1/guests/{id}/log}. */
final class GuestLogsTest {
    @TempDir
    Path dataDir;

    private Path log(String dirName, String content) throws Exception {
        Path dir = Files.createDirectories(dataDir.resolve("guests").resolve(dirName));
        return Files.writeString(dir.resolve("guest.log"), content);
    }

    @Test
    void lastLinesOfTheGuestsLogWithTheIdMappedToItsDirectory() throws Exception {
        log("vm-100", "one\ntwo\nthree\n");

        HaTypes.GuestLog two = new GuestLogs(dataDir).tail("vm:100", "2");
        HaTypes.GuestLog all = new GuestLogs(dataDir).tail("vm:100", null);

        assertThat(two.lines()).containsExactly("two", "three");
        assertThat(two.truncated()).isTrue();
        assertThat(two.file()).endsWith("guests/vm-100/guest.log");
        assertThat(all.lines()).containsExactly("one", "two", "three");
        assertThat(all.truncated()).isFalse();
    }

    @Test
    void aLastLineWithoutNewlineAndAnEmptyLogAreKept() throws Exception {
        log("ct-200", "a\n\nb");
        log("vm-101", "");

        assertThat(new GuestLogs(dataDir).tail("ct:200", "10").lines()).containsExactly("a", "", "b");
        assertThat(new GuestLogs(dataDir).tail("vm:101", "10").lines()).isEmpty();
    }

    @Test
    void aLogLargerThanTheByteLimitIsReadFromItsEndOnly() throws Exception {
        String line = "x".repeat(99) + "\n"; // 100 bytes
        StringBuilder big = new StringBuilder();
        for (int i = 0; i < 15_000; i++) {
            big.append(line);
        }
        big.append("last\n");
        log("vm-100", big.toString());

        HaTypes.GuestLog tail = new GuestLogs(dataDir).tail("vm:100", String.valueOf(GuestLogs.MAX_LINES));

        // 1 MiB holds 10,485 lines of 100 bytes: all 10,000 asked for, every one whole
        assertThat(tail.lines()).hasSize(GuestLogs.MAX_LINES).last().isEqualTo("last");
        assertThat(tail.lines()).allMatch(l -> l.equals("last") || l.length() == 99);
        assertThat(tail.truncated()).isTrue();
    }

    @Test
    void aSingleLineOverTheByteLimitComesBackCutAtTheLimit() throws Exception {
        log("vm-100", "y".repeat(GuestLogs.MAX_BYTES + 10) + "\nend\n");

        HaTypes.GuestLog tail = new GuestLogs(dataDir).tail("vm:100", "5");

        assertThat(tail.lines()).containsExactly("end"); // the cut line's start is unknown: dropped
        assertThat(tail.truncated()).isTrue();
    }

    @Test
    void multiByteCharactersSurviveChunkBoundaries() throws Exception {
        String line = "é".repeat(40_000) + "\n"; // 80,000 bytes: a chunk boundary falls inside a character
        log("vm-100", line + line);

        HaTypes.GuestLog tail = new GuestLogs(dataDir).tail("vm:100", "1");

        assertThat(tail.lines()).containsExactly(line.strip());
        assertThat(tail.lines().getFirst().getBytes(StandardCharsets.UTF_8)).hasSize(80_000);
    }

    @Test
    void badIdsAndLineCountsAre400AndAMissingLogIs404WithWhereToLook() {
        GuestLogs logs = new GuestLogs(dataDir);

        assertThatThrownBy(() -> logs.tail("../../etc", null)).isInstanceOfSatisfying(ApiFailure.class,
                e -> assertThat(e.status()).isEqualTo(400));
        assertThatThrownBy(() -> logs.tail("vm:100", "0")).isInstanceOfSatisfying(ApiFailure.class,
                e -> assertThat(e.getMessage()).contains("from 1 to 10000"));
        assertThatThrownBy(() -> logs.tail("vm:100", "many")).isInstanceOfSatisfying(ApiFailure.class,
                e -> assertThat(e.status()).isEqualTo(400));
        assertThatThrownBy(() -> logs.tail("vm:404", null)).isInstanceOfSatisfying(ApiFailure.class, e -> {
            assertThat(e.status()).isEqualTo(404);
            assertThat(e.getMessage()).contains("no log of vm:404 on this host");
            assertThat(e.hint()).contains("the guest's log is on the host that runs it");
        });
    }
}
