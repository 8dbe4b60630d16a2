package dev.herd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herd.api.ConfigTypes;
import dev.herd.api.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `herd config ls|get|set|rm|history|lock|unlock` against {@link FakeConfigApi}. */
final class ConfigCommandTest {
    private FakeConfigApi api;

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws Exception {
        api = new FakeConfigApi();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void binaryValueSetFromFileComesBackByteForByte() throws Exception {
        byte[] all = new byte[512];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i; // every byte value, twice: NUL, CR, LF, invalid UTF-8
        }
        Path file = Files.write(dir.resolve("blob.bin"), all);

        FakeConfigApi.Run set = api.herd("config", "set", "bin/blob", "--file", file.toString());
        FakeConfigApi.Run get = api.herd("config", "get", "bin/blob");

        assertThat(set.exitCode()).as(set.err()).isZero();
        assertThat(set.out()).isEqualTo("set bin/blob at version 1\n");
        assertThat(api.value("bin/blob")).isEqualTo(all);
        assertThat(get.exitCode()).as(get.err()).isZero();
        assertThat(get.stdout()).isEqualTo(all);
    }

    @Test
    void literalValueIsStoredExactlyAndJsonCarriesItAsBase64() throws Exception {
        api.herd("config", "set", "guests/100.toml", "name = \"web\"");

        FakeConfigApi.Run get = api.herd("config", "get", "guests/100.toml");
        FakeConfigApi.Run json = api.herd("--json", "config", "get", "guests/100.toml");

        assertThat(get.out()).isEqualTo("name = \"web\""); // no newline added
        ConfigTypes.ConfigEntry e = Json.MAPPER.readValue(json.stdout(), ConfigTypes.ConfigEntry.class);
        assertThat(e.value()).isEqualTo("name = \"web\"".getBytes(StandardCharsets.UTF_8));
        assertThat(e.version()).isEqualTo(1);
    }

    @Test
    void absentEntryFailsWithItsPath() {
        FakeConfigApi.Run get = api.herd("config", "get", "guests/404.toml");

        assertThat(get.exitCode()).isEqualTo(Main.EXIT_FAILED);
        assertThat(get.err()).contains("no entry guests/404.toml").contains("herd config ls");
        assertThat(get.stdout()).isEmpty();
    }

    @Test
    void lsPrintsOneRowPerEntryUnderThePrefix() throws Exception {
        api.write("guests/100.toml", new byte[10]);
        api.write("guests/101.toml", new byte[3]);
        api.write("ha/groups.toml", new byte[1]);

        FakeConfigApi.Run ls = api.herd("config", "ls", "guests");
        FakeConfigApi.Run json = api.herd("--json", "config", "ls");

        assertThat(ls.out().lines()).containsExactly(
                "PATH              VERSION  WRITER      SIZE",
                "guests/100.toml         1       1        10",
                "guests/101.toml         2       1         3");
        ConfigTypes.ConfigList list = Json.MAPPER.readValue(json.stdout(), ConfigTypes.ConfigList.class);
        assertThat(list.entries()).extracting(ConfigTypes.ConfigEntry::path)
                .containsExactly("guests/100.toml", "guests/101.toml", "ha/groups.toml");
    }

    @Test
    void valueGivenTwoWaysOrNotAtAllIsAUsageErrorAndNothingIsSent() throws Exception {
        Path file = Files.writeString(dir.resolve("v"), "x");

        FakeConfigApi.Run both = api.herd("config", "set", "a", "literal", "--file", file.toString());
        FakeConfigApi.Run none = api.herd("config", "set", "a");
        FakeConfigApi.Run createAndExpect = api.herd("config", "set", "a", "x", "--create", "--expect-version", "3");

        assertThat(both.exitCode()).isEqualTo(Main.EXIT_USAGE);
        assertThat(both.err()).contains("two values given").contains("exactly one way");
        assertThat(none.exitCode()).isEqualTo(Main.EXIT_USAGE);
        assertThat(none.err()).contains("no value given");
        assertThat(createAndExpect.exitCode()).isEqualTo(Main.EXIT_USAGE);
        assertThat(createAndExpect.err()).contains("--create means --expect-version 0");
        assertThat(api.requests()).isEmpty();
    }

    @Test
    void createAndCompareAndSetRefusalsShowTheApiMessage() {
        api.write("a", new byte[] {1});

        FakeConfigApi.Run create = api.herd("config", "set", "a", "x", "--create");
        FakeConfigApi.Run stale = api.herd("config", "set", "a", "x", "--expect-version", "7");
        FakeConfigApi.Run cas = api.herd("config", "set", "a", "x", "--expect-version", "1");

        assertThat(create.exitCode()).isEqualTo(Main.EXIT_FAILED);
        assertThat(create.err()).contains("compare-and-set failed on a: expected version 0, current version is 1");
        assertThat(stale.exitCode()).isEqualTo(Main.EXIT_FAILED);
        assertThat(cas.exitCode()).as(cas.err()).isZero();
        assertThat(cas.out()).isEqualTo("set a at version 2\n");
    }

    @Test
    void writeRefusedForLackOfQuorumExitsTwo() {
        api.notQuorate = true;

        FakeConfigApi.Run set = api.herd("config", "set", "a", "x");

        assertThat(set.exitCode()).isEqualTo(Main.EXIT_NOT_QUORATE);
        assertThat(set.err()).contains("not quorate: configuration is read-only").contains("hint: wait for quorum");
    }

    @Test
    void rmWithExpectVersionDeletesAndHistoryShowsEveryVersion() {
        api.write("a.toml", new byte[4]);
        api.sync("a.toml", new byte[6], 3);

        FakeConfigApi.Run stale = api.herd("config", "rm", "a.toml", "--expect-version", "1");
        FakeConfigApi.Run rm = api.herd("config", "rm", "a.toml", "--expect-version", "2");
        FakeConfigApi.Run history = api.herd("config", "history", "a.toml");

        assertThat(stale.exitCode()).isEqualTo(Main.EXIT_FAILED);
        assertThat(rm.out()).isEqualTo("deleted a.toml at version 3\n");
        assertThat(api.value("a.toml")).isNull();
        assertThat(history.out().lines()).hasSize(4);
        assertThat(history.out().lines().toList().get(0)).startsWith(" VERSION  WHEN");
        assertThat(history.out().lines().toList().get(1)).startsWith("       3  ").endsWith("-  deleted");
        assertThat(history.out().lines().toList().get(2)).startsWith("       2  ").endsWith("6  sync")
                .contains("       3  ");
        assertThat(history.out().lines().toList().get(3)).startsWith("       1  ").endsWith("4");
    }

    @Test
    void lockAndUnlockPrintTheLock() {
        FakeConfigApi.Run lock = api.herd("config", "lock", "ha-manager", "--lease-ms", "30000");
        FakeConfigApi.Run unlock = api.herd("config", "unlock", "ha-manager");
        FakeConfigApi.Run noLease = api.herd("config", "lock", "ha-manager", "--lease-ms", "0");

        assertThat(lock.exitCode()).isZero();
        assertThat(lock.out()).contains("Held here:        Yes").contains("Holder:           node1");
        assertThat(unlock.out()).contains("Held here:        No");
        assertThat(noLease.exitCode()).isEqualTo(Main.EXIT_USAGE);
        assertThat(api.requests()).containsExactly("POST /api/v1/config/locks/ha-manager",
                "DELETE /api/v1/config/locks/ha-manager");
    }
}
