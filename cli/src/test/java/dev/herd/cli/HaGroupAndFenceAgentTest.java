package dev.herd.cli;

import static dev.herd.cli.HaFixtures.put;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herd.api.HaTypes;
import dev.herd.api.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** `herd ha group set|rm|list` and `herd ha fence-agent set|rm|list` against {@link FakeConfigApi}. */
final class HaGroupAndFenceAgentTest {
    private FakeConfigApi api;

    @BeforeEach
    void start() throws Exception {
        api = new FakeConfigApi();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void groupSetStoresNodesInNodeOrderWithTheirPrioritiesAndListShowsThem() throws Exception {
        FakeConfigApi.Run set = api.herd("ha", "group", "set", "prod", "--nodes", "node2:1,1:2,3", "--restricted");
        FakeConfigApi.Run again = api.herd("ha", "group", "set", "prod", "--nodes", "node1:2,node2:1,node3",
                "--restricted");
        api.herd("ha", "group", "set", "backup", "--nodes", "node3", "--nofailback");
        FakeConfigApi.Run list = api.herd("ha", "group", "list");
        FakeConfigApi.Run json = api.herd("--json", "ha", "group", "list");

        assertThat(set.out()).isEqualTo("created group prod: node1:2,node2:1,node3:0 restricted "
                + "(ha/groups/prod.json version 1)\n");
        assertThat(api.value("ha/groups/prod.json")).asString().isEqualTo("{\"name\":\"prod\",\"nodes\":{\"node1\":2,"
                + "\"node2\":1,\"node3\":0},\"restricted\":true,\"nofailback\":false}");
        assertThat(again.out()).isEqualTo("group prod unchanged; nothing written\n");
        assertThat(list.out().lines()).containsExactly(
                "NAME    RESTRICTED  NOFAILBACK  NODES",
                "backup  No          Yes         node3:0",
                "prod    Yes         No          node1:2,node2:1,node3:0");
        assertThat(Json.MAPPER.readValue(json.stdout(), HaTypes.Group[].class)).extracting(HaTypes.Group::name)
                .containsExactly("backup", "prod");
    }

    @Test
    void badGroupNamesAndNodeListsAreUsageErrors() {
        FakeConfigApi.Run name = api.herd("ha", "group", "set", "9lives", "--nodes", "node1");
        FakeConfigApi.Run priority = api.herd("ha", "group", "set", "prod", "--nodes", "node1:high");
        FakeConfigApi.Run twice = api.herd("ha", "group", "set", "prod", "--nodes", "node1,1:3");
        FakeConfigApi.Run node = api.herd("ha", "group", "set", "prod", "--nodes", "pve1");
        FakeConfigApi.Run empty = api.herd("ha", "group", "set", "prod", "--nodes", "node1,");

        assertThat(name.err()).contains("'9lives' is not a group name: start with a letter");
        assertThat(priority.err()).contains("'node1:high': the priority after ':' must be a number");
        assertThat(twice.err()).contains("node1 is listed twice");
        assertThat(node.err()).contains("'pve1' is not a node");
        assertThat(empty.err()).contains("'' is not a node");
        assertThat(List.of(name, priority, twice, node, empty)).allMatch(r -> r.exitCode() == Main.EXIT_USAGE);
        assertThat(api.requests()).isEmpty();
    }

    @Test
    void aGroupInUseIsNotRemoved() {
        api.herd("ha", "group", "set", "prod", "--nodes", "node1");
        put(api, new HaTypes.GuestConfig("vm:100", "process", 1, List.of("true"), Map.of(), null, null, null, 10_000,
                new HaTypes.HaOptions("started", "prod", 1, 1)));

        FakeConfigApi.Run used = api.herd("ha", "group", "rm", "prod");
        api.herd("ha", "set", "vm:100", "--no-group");
        FakeConfigApi.Run rm = api.herd("ha", "group", "rm", "prod");
        FakeConfigApi.Run absent = api.herd("ha", "group", "rm", "prod");

        assertThat(used.exitCode()).isEqualTo(Main.EXIT_FAILED);
        assertThat(used.err()).contains("group prod is used by vm:100; nothing was removed")
                .contains("herd ha set vm:100 --no-group");
        assertThat(rm.out()).isEqualTo("removed group prod (ha/groups/prod.json deleted at version 4)\n");
        assertThat(absent.err()).contains("no HA group 'prod'");
    }

    @Test
    void fenceAgentSetListAndRm() {
        FakeConfigApi.Run set = api.herd("ha", "fence-agent", "set", "node2", "--timeout-ms", "5000", "--",
                "ipmitool", "-H", "bmc-{name}", "chassis", "power", "off");
        HaTypes.FenceAgent stored = api.readJson("ha/fence-agents/node2.json", HaTypes.FenceAgent.class);
        api.herd("ha", "fence-agent", "set", "1", "--", "/usr/local/bin/fence", "--id", "{node}", "--why",
                "power off");
        FakeConfigApi.Run list = api.herd("ha", "fence-agent", "list");
        FakeConfigApi.Run rm = api.herd("ha", "fence-agent", "rm", "node2");
        FakeConfigApi.Run absent = api.herd("ha", "fence-agent", "rm", "node2");

        assertThat(set.exitCode()).as(set.err()).isZero();
        assertThat(set.out()).isEqualTo("fence agent of node2: ipmitool -H bmc-{name} chassis power off "
                + "(timeout 5000 ms; ha/fence-agents/node2.json version 1)\n");
        assertThat(stored).isEqualTo(
                new HaTypes.FenceAgent(2, List.of("ipmitool", "-H", "bmc-{name}", "chassis", "power", "off"), 5000));
        assertThat(list.out().lines()).containsExactly(
                "NODE    TIMEOUT_MS  COMMAND",
                "node1        30000  /usr/local/bin/fence --id {node} --why 'power off'",
                "node2         5000  ipmitool -H bmc-{name} chassis power off");
        assertThat(rm.out()).isEqualTo("removed the fence agent of node2 (ha/fence-agents/node2.json deleted at "
                + "version 3)\n");
        assertThat(absent.exitCode()).isEqualTo(Main.EXIT_FAILED);
        assertThat(absent.err()).contains("node2 has no fence agent");
    }

    @Test
    void aFenceAgentNeedsACommandAndAPositiveTimeout() {
        FakeConfigApi.Run none = api.herd("ha", "fence-agent", "set", "node2");
        FakeConfigApi.Run timeout = api.herd("ha", "fence-agent", "set", "node2", "--timeout-ms", "0", "--", "true");

        assertThat(none.exitCode()).isEqualTo(Main.EXIT_USAGE);
        assertThat(none.err()).contains("no command: put the fence agent's command after --");
        assertThat(timeout.exitCode()).isEqualTo(Main.EXIT_USAGE);
        assertThat(timeout.err()).contains("--timeout-ms must be positive");
        assertThat(api.requests()).isEmpty();
    }
}
