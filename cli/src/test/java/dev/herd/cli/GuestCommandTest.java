package dev.herd.cli;

import static dev.herd.cli.HaFixtures.managerStatus;
import static dev.herd.cli.HaFixtures.moving;
import static dev.herd.cli.HaFixtures.processGuest;
import static dev.herd.cli.HaFixtures.put;
import static dev.herd.cli.HaFixtures.service;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herd.api.HaTypes;
import dev.herd.api.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** `herd guest create|list|config|start|stop|shutdown` against {@link FakeConfigApi}. */
final class GuestCommandTest {
    private FakeConfigApi api;

    @BeforeEach
    void start() throws Exception {
        api = new FakeConfigApi();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private HaTypes.GuestConfig stored(String sid) {
        return api.readJson(HaTypes.guestPath(sid), HaTypes.GuestConfig.class);
    }

    @Test
    void createWritesAProcessGuestWithPveDefaultsOnlyIfItDoesNotExist() {
        FakeConfigApi.Run create = api.herd("guest", "create", "vm:100", "--driver", "process", "--on", "node1",
                "--env", "B=2", "--env", "A=1", "--", "sh", "-c", "echo hi; sleep 1000");
        FakeConfigApi.Run again = api.herd("guest", "create", "vm:100", "--driver", "process", "--on", "2", "--",
                "true");

        assertThat(create.exitCode()).as(create.err()).isZero();
        assertThat(create.out()).isEqualTo("created vm:100: process on node1, requested started "
                + "(guests/vm-100.json version 1)\n");
        assertThat(stored("vm:100")).isEqualTo(new HaTypes.GuestConfig("vm:100", "process", 1,
                List.of("sh", "-c", "echo hi; sleep 1000"), Map.of("A", "1", "B", "2"), null, null, null, 10_000,
                new HaTypes.HaOptions("started", null, 1, 1)));
        assertThat(again.exitCode()).isEqualTo(Main.EXIT_FAILED);
        assertThat(again.err()).contains("guest vm:100 exists already (guests/vm-100.json); nothing was written")
                .contains("hint: see it with 'herd guest config vm:100'");
        assertThat(stored("vm:100").node()).isEqualTo(1);
    }

    @Test
    void createWritesAQemuGuestAndABareNumberMeansVm() {
        FakeConfigApi.Run create = api.herd("guest", "create", "200", "--driver", "qemu", "--on", "2", "--memory",
                "2048", "--cpus", "2", "--disk", "/srv/a.raw", "--disk", "/srv/b.raw", "--state", "stopped",
                "--max-restart", "3", "--max-relocate", "0", "--stop-timeout-ms", "60000");

        assertThat(create.exitCode()).as(create.err()).isZero();
        assertThat(stored("vm:200")).isEqualTo(new HaTypes.GuestConfig("vm:200", "qemu", 2, null, null, 2048, 2,
                List.of("/srv/a.raw", "/srv/b.raw"), 60_000, new HaTypes.HaOptions("stopped", null, 3, 0)));
    }

    @Test
    void badArgumentsAreUsageErrorsThatSayHowAndNothingIsSent() {
        String[][] cases = {
                {"'vm100' is not a guest id: write vm:N or ct:N", "vm100", "--driver", "process", "--on", "1", "--",
                        "true"},
                {"from 100 to 999999999", "ct:99", "--driver", "process", "--on", "1", "--", "true"},
                {"the process driver needs a command: put it after --", "vm:100", "--driver", "process", "--on", "1"},
                {"'n2' is not a node: write nodeN or N", "vm:100", "--driver", "process", "--on", "n2", "--", "true"},
                {"'0' is not a node", "vm:100", "--driver", "process", "--on", "0", "--", "true"},
                {"unknown driver 'lxc'", "vm:100", "--driver", "lxc", "--on", "1", "--", "true"},
                {"unknown state 'running'", "vm:100", "--driver", "process", "--on", "1", "--state", "running", "--",
                        "true"},
                {"the qemu driver needs --memory MB (positive) and at least one --disk PATH", "vm:100", "--driver",
                        "qemu", "--on", "1", "--memory", "512"},
                {"--disk img.raw is relative", "vm:100", "--driver", "qemu", "--on", "1", "--memory", "512", "--disk",
                        "img.raw"},
                {"a command and --env are for the process driver", "vm:100", "--driver", "qemu", "--on", "1",
                        "--memory", "512", "--disk", "/a.raw", "--", "true"},
                {"--memory, --cpus and --disk are for the qemu driver", "vm:100", "--driver", "process", "--on", "1",
                        "--memory", "512", "--", "true"},
                {"--env HERD_NODE is set by herdd", "vm:100", "--driver", "process", "--on", "1", "--env",
                        "HERD_NODE=3", "--", "true"},
                {"--stop-timeout-ms must be positive", "vm:100", "--driver", "process", "--on", "1",
                        "--stop-timeout-ms", "0", "--", "true"},
        };
        for (String[] c : cases) {
            String[] args = new String[c.length + 1];
            args[0] = "guest";
            args[1] = "create";
            System.arraycopy(c, 1, args, 2, c.length - 1);

            FakeConfigApi.Run run = api.herd(args);

            assertThat(run.exitCode()).as(String.join(" ", args)).isEqualTo(Main.EXIT_USAGE);
            assertThat(run.err()).as(String.join(" ", args)).contains(c[0]);
        }
        assertThat(api.requests()).isEmpty();
    }

    @Test
    void createWithAGroupThatDoesNotExistIsRefused() {
        FakeConfigApi.Run missing = api.herd("guest", "create", "vm:100", "--driver", "process", "--on", "1",
                "--group", "prod", "--", "true");
        api.writeJson("ha/groups/prod.json", new HaTypes.Group("prod", Map.of("node1", 1), false, false));
        FakeConfigApi.Run ok = api.herd("guest", "create", "vm:100", "--driver", "process", "--on", "1",
                "--group", "prod", "--", "true");

        assertThat(missing.exitCode()).isEqualTo(Main.EXIT_FAILED);
        assertThat(missing.err()).contains("no HA group 'prod'").contains("herd ha group set prod");
        assertThat(ok.exitCode()).as(ok.err()).isZero();
        assertThat(stored("vm:100").ha().group()).isEqualTo("prod");
    }

    @Test
    void aWriteRefusedForLackOfQuorumExitsTwoWithTheStoresMessage() {
        api.notQuorate = true;

        FakeConfigApi.Run create = api.herd("guest", "create", "vm:100", "--driver", "process", "--on", "1", "--",
                "true");

        assertThat(create.exitCode()).isEqualTo(Main.EXIT_NOT_QUORATE);
        assertThat(create.err()).contains("not quorate: configuration is read-only");
    }

    @Test
    void listTakesStateAndNodeFromTheManagerStatusAndSortsIdsAsNumbers() throws Exception {
        put(api, processGuest("vm:1000", 3, "stopped"));
        put(api, processGuest("vm:100", 1, "started"));
        put(api, processGuest("ct:200", 1, "started"));
        api.write("guests/vm-999.json", "{not json".getBytes());
        api.writeJson(HaTypes.MANAGER_STATUS, managerStatus(Map.of("vm:100", service("started", 2),
                "ct:200", moving("migrate", 1, 3))));

        FakeConfigApi.Run list = api.herd("guest", "list");
        FakeConfigApi.Run json = api.herd("--json", "guest", "list");

        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.out().lines()).containsExactly(
                "ID       DRIVER   REQUESTED  STATE         NODE",
                "vm:100   process  started    started       node2",
                "vm:1000  process  stopped    -             node3",
                "ct:200   process  started    migrate       node1");
        assertThat(list.err()).contains("warning: guests/vm-999.json is not a valid GuestConfig");
        GuestCommand.GuestRow[] rows = Json.MAPPER.readValue(json.stdout(), GuestCommand.GuestRow[].class);
        assertThat(rows).extracting(GuestCommand.GuestRow::state).containsExactly("started", null, "migrate");
    }

    @Test
    void configPrintsOneKeyPerLineWithTheStoreVersion() {
        put(api, new HaTypes.GuestConfig("vm:100", "process", 2, List.of("sh", "-c", "echo 'hi'"), Map.of("A", "1"),
                null, null, null, 5_000, new HaTypes.HaOptions("started", "prod", 2, 1)));

        FakeConfigApi.Run config = api.herd("guest", "config", "vm:100");
        FakeConfigApi.Run absent = api.herd("guest", "config", "vm:101");

        assertThat(config.out().lines()).containsExactly("id: vm:100", "driver: process", "node: node2",
                "command: sh -c 'echo '\\''hi'\\'''", "env: A=1", "stop_timeout_ms: 5000", "ha_state: started",
                "ha_group: prod", "ha_max_restart: 2", "ha_max_relocate: 1", "version: 1");
        assertThat(absent.exitCode()).isEqualTo(Main.EXIT_FAILED);
        assertThat(absent.err()).contains("no guest vm:101").contains("herd guest list");
    }

    @Test
    void startAndStopSetTheRequestedStateAndDoNothingWhenItIsAlreadySo() {
        put(api, processGuest("vm:100", 1, "stopped"));
        put(api, processGuest("vm:101", 1, "disabled"));

        FakeConfigApi.Run start = api.herd("guest", "start", "vm:100");
        FakeConfigApi.Run again = api.herd("guest", "start", "vm:100");
        FakeConfigApi.Run shutdown = api.herd("guest", "shutdown", "vm:100");
        FakeConfigApi.Run stopDisabled = api.herd("guest", "stop", "vm:101");

        assertThat(start.out()).isEqualTo("requested start of vm:100: ha state stopped -> started "
                + "(guests/vm-100.json version 3)\n");
        assertThat(again.out()).isEqualTo("vm:100 is already requested started; nothing written\n");
        assertThat(shutdown.out()).startsWith("requested shutdown of vm:100: ha state started -> stopped");
        assertThat(stored("vm:100").ha().state()).isEqualTo("stopped");
        assertThat(stopDisabled.out()).isEqualTo("vm:101 is already requested disabled; nothing written\n");
        assertThat(stored("vm:101").ha().state()).isEqualTo("disabled");
        assertThat(stored("vm:100").command()).containsExactly("sleep", "1000"); // the rest is kept
    }

    @Test
    void aCompareAndSetConflictIsRetriedOnceOnWhatTheOtherWriterLeft() throws Exception {
        put(api, processGuest("vm:100", 1, "stopped"));
        HaTypes.GuestConfig other = new HaTypes.GuestConfig("vm:100", "process", 1, List.of("sleep", "1000"),
                Map.of(), null, null, null, 10_000, new HaTypes.HaOptions("stopped", null, 5, 1));
        int[] puts = {0};
        api.beforePut = () -> {
            if (puts[0]++ == 0) {
                put(api, other); // someone else's change lands between our read and our write
            }
        };

        FakeConfigApi.Run start = api.herd("--json", "guest", "start", "vm:100");

        assertThat(start.exitCode()).as(start.err()).isZero();
        assertThat(puts[0]).isEqualTo(2);
        assertThat(stored("vm:100").ha()).isEqualTo(new HaTypes.HaOptions("started", null, 5, 1));
        GuestPower.Result r = Json.MAPPER.readValue(start.stdout(), GuestPower.Result.class);
        assertThat(r).isEqualTo(new GuestPower.Result("vm:100", "stopped", "started", true, 3));
    }

    @Test
    void aSecondConflictGivesUpWithoutWriting() {
        put(api, processGuest("vm:100", 1, "stopped"));
        api.beforePut = () -> put(api, processGuest("vm:100", 1, "stopped")); // a writer that always wins

        FakeConfigApi.Run start = api.herd("guest", "start", "vm:100");

        assertThat(start.exitCode()).isEqualTo(Main.EXIT_FAILED);
        assertThat(start.err()).contains("guests/vm-100.json changed 2 times while herd updated it; nothing was written")
                .contains("run the command again");
        assertThat(stored("vm:100").ha().state()).isEqualTo("stopped");
    }

    @Test
    void startOfAGuestInTheErrorStateIsRefusedWithTheWayOut() {
        put(api, processGuest("vm:100", 1, "started"));
        api.writeJson(HaTypes.MANAGER_STATUS, managerStatus(Map.of("vm:100", service("error", 2))));

        FakeConfigApi.Run start = api.herd("guest", "start", "vm:100");
        FakeConfigApi.Run stop = api.herd("guest", "stop", "vm:100");

        assertThat(start.exitCode()).isEqualTo(Main.EXIT_FAILED);
        assertThat(start.err()).contains("vm:100 is in the error state").contains("herd ha set vm:100 --state disabled");
        assertThat(stop.exitCode()).isZero();
        assertThat(stop.err()).contains("note: vm:100 is in the error state");
    }

    @Test
    void startOfAnUnknownGuestIsRefused() {
        FakeConfigApi.Run start = api.herd("guest", "start", "vm:404");

        assertThat(start.exitCode()).isEqualTo(Main.EXIT_FAILED);
        assertThat(start.err()).contains("herd: no guest vm:404").contains("hint: list guests with 'herd guest list'");
        assertThat(api.requests()).noneMatch(r -> r.startsWith("PUT"));
    }
}
