package dev.herd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herd.api.ConfigTypes;
import dev.herd.api.Json;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** `herd config watch`: starts at "now", long polls, stops after --count changes. */
final class ConfigWatchTest {
    private FakeConfigApi api;

    @BeforeEach
    void start() throws Exception {
        api = new FakeConfigApi();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    /** Starts `herd ARGS` in the background and returns once it is waiting in a long poll. */
    private CompletableFuture<FakeConfigApi.Run> watching(String... args) throws InterruptedException {
        CompletableFuture<FakeConfigApi.Run> run = CompletableFuture.supplyAsync(() -> api.herd(args));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (api.requests().stream().noneMatch(r -> r.contains("cursor="))) {
            assertThat(System.nanoTime()).as("watch never long-polled: " + api.requests()).isLessThan(deadline);
            Thread.sleep(5);
        }
        return run;
    }

    @Test
    void watchCountTwoPrintsTwoChangesUnderThePrefixFromNowOn() throws Exception {
        api.write("guests/old.toml", new byte[1]); // before the watch: not shown
        CompletableFuture<FakeConfigApi.Run> watch = watching("config", "watch", "guests", "--count", "2");

        api.write("ha/other.toml", new byte[1]); // outside the prefix
        api.write("guests/100.toml", new byte[1]);
        api.sync("guests/101.toml", new byte[1], 3);
        api.write("guests/102.toml", new byte[1]); // after --count: never printed
        FakeConfigApi.Run run = watch.get(20, TimeUnit.SECONDS);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().lines()).containsExactly("3 set guests/100.toml v3 by node1",
                "4 set guests/101.toml v4 by node3 (sync)");
        assertThat(api.requests().getFirst()).isEqualTo("GET /api/v1/config/watch?prefix=guests");
        assertThat(api.requests().get(1)).isEqualTo("GET /api/v1/config/watch?prefix=guests&cursor=1&wait_ms=25000");
    }

    @Test
    void deletionsAndGapsAndJsonLines() throws Exception {
        api.write("a", new byte[1]);
        api.gapOnce = true;
        CompletableFuture<FakeConfigApi.Run> watch = watching("--json", "config", "watch", "--count", "1");

        api.write("a", null);
        FakeConfigApi.Run run = watch.get(20, TimeUnit.SECONDS);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).contains("warning: changes after cursor 1 were missed").contains("herd config ls'");
        assertThat(run.out().lines()).hasSize(1);
        ConfigTypes.ConfigChange c = Json.MAPPER.readValue(run.out(), ConfigTypes.ConfigChange.class);
        assertThat(c).isEqualTo(new ConfigTypes.ConfigChange(2, "a", true, 2, 1, 2, true));
        assertThat(ConfigWatch.line(c)).isEqualTo("2 deleted a v2");
    }
}
