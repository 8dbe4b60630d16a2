package dev.herd.cli;

import static dev.herd.cli.HaFixtures.managerStatus;
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

/** `herd guest migrate` (an operator command for the HA manager) and `herd guest log`. */
final class GuestMigrateAndLogTest {
    private FakeConfigApi api;

    @BeforeEach
    void start() throws Exception {
        api = new FakeConfigApi();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private HaTypes.Command onlyCommand() {
        List<String> paths = api.paths(HaTypes.COMMANDS);
        assertThat(paths).hasSize(1);
        assertThat(paths.getFirst()).matches("ha/commands/[0-9]{13}-[0-9a-f]{8}\\.json");
        return api.readJson(paths.getFirst(), HaTypes.Command.class);
    }

    @Test
    void migrateWritesAMigrateCommandForTheManager() {
        put(api, processGuest("vm:100", 1, "started"));
        api.writeJson(HaTypes.MANAGER_STATUS, managerStatus(Map.of("vm:100", service("started", 1))));

        FakeConfigApi.Run migrate = api.herd("guest", "migrate", "vm:100", "node2");

        assertThat(migrate.exitCode()).as(migrate.err()).isZero();
        assertThat(migrate.out()).matches("requested migrate of vm:100 to node2 \\(ha/commands/[0-9a-f-]+\\.json\\); "
                + "follow it with 'herd ha status'\n");
        assertThat(onlyCommand()).isEqualTo(new HaTypes.Command("migrate", "vm:100", 2, false));
    }

    @Test
    void movesTheManagerWouldOnlyLogAreRefusedUpFront() {
        put(api, processGuest("vm:100", 1, "started"));
        put(api, processGuest("vm:101", 1, "ignored"));
        api.writeJson(HaTypes.MANAGER_STATUS, managerStatus(Map.of("vm:100", service("started", 1)),
                "3", "maintenance"));

        FakeConfigApi.Run unknownGuest = api.herd("guest", "migrate", "vm:404", "node2");
        FakeConfigApi.Run unknownNode = api.herd("guest", "migrate", "vm:100", "node7");
        FakeConfigApi.Run notOnline = api.herd("guest", "migrate", "vm:100", "node3");
        FakeConfigApi.Run alreadyThere = api.herd("guest", "migrate", "vm:100", "node1");
        FakeConfigApi.Run ignored = api.herd("guest", "migrate", "vm:101", "node2");
        FakeConfigApi.Run badNode = api.herd("guest", "migrate", "vm:100", "nodeX");

        assertThat(unknownGuest.err()).contains("no guest vm:404");
        assertThat(unknownNode.err()).contains("node7 is not a node the HA manager knows (it knows node1, node2, node3)");
        assertThat(notOnline.err()).contains("node3 is maintenance: the HA manager moves guests only to online nodes");
        assertThat(alreadyThere.err()).contains("vm:100 is already on node1 (started)");
        assertThat(ignored.err()).contains("vm:101 is ignored by HA");
        assertThat(List.of(unknownGuest, unknownNode, notOnline, alreadyThere, ignored))
                .allMatch(r -> r.exitCode() == Main.EXIT_FAILED);
        assertThat(badNode.exitCode()).isEqualTo(Main.EXIT_USAGE);
        assertThat(badNode.err()).contains("'nodeX' is not a node");
        assertThat(api.paths(HaTypes.COMMANDS)).isEmpty();
    }

    @Test
    void logPrintsTheTailTheDaemonSends() throws Exception {
        api.logs.put("vm:100", new HaTypes.GuestLog("vm:100", "/var/lib/herd/guests/vm-100/guest.log",
                List.of("one", "two", "three"), false));

        FakeConfigApi.Run log = api.herd("guest", "log", "vm:100", "--lines", "2");
        FakeConfigApi.Run json = api.herd("--json", "guest", "log", "vm:100");

        assertThat(log.exitCode()).as(log.err()).isZero();
        assertThat(log.out()).isEqualTo("two\nthree\n");
        assertThat(api.requests()).contains("GET /api/v1/guests/vm:100/log?lines=2");
        HaTypes.GuestLog all = Json.MAPPER.readValue(json.stdout(), HaTypes.GuestLog.class);
        assertThat(all.lines()).containsExactly("one", "two", "three");
    }

    @Test
    void aLogThatIsNotOnThisHostNamesTheNodeThatRunsTheGuest() {
        api.writeJson(HaTypes.MANAGER_STATUS, managerStatus(Map.of("vm:101", service("started", 3))));

        FakeConfigApi.Run elsewhere = api.herd("guest", "log", "vm:101");
        FakeConfigApi.Run unknown = api.herd("guest", "log", "vm:102");
        FakeConfigApi.Run tooMany = api.herd("guest", "log", "vm:101", "--lines", "0");

        assertThat(elsewhere.exitCode()).isEqualTo(Main.EXIT_FAILED);
        assertThat(elsewhere.err()).contains("herd: no log of vm:101 on this host")
                .contains("hint: vm:101 is on node3 (started): ask that host, e.g. 'herd --node node3 guest log vm:101'");
        assertThat(unknown.err()).contains("hint: the guest's log is on the host that runs it");
        assertThat(tooMany.exitCode()).isEqualTo(Main.EXIT_USAGE);
        assertThat(tooMany.err()).contains("--lines must be from 1 to 10000");
    }
}
