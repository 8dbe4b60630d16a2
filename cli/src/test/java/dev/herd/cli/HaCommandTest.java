package dev.herd.cli;

import static dev.herd.cli.HaFixtures.processGuest;
import static dev.herd.cli.HaFixtures.put;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herd.api.HaTypes;
import dev.herd.api.Json;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** `herd ha status|migrate|relocate|set|policy` and `herd node maintenance` against {@link FakeConfigApi}. */
final class HaCommandTest {
    private FakeConfigApi api;

    @BeforeEach
    void start() throws Exception {
        api = new FakeConfigApi();
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private void writeClusterState() {
        Map<String, HaTypes.ServiceDoc> services = new TreeMap<>();
        services.put("vm:1000", new HaTypes.ServiceDoc("started", 2, 0, 7, List.of(), 0, true, null));
        services.put("vm:101", new HaTypes.ServiceDoc("migrate", 1, 3, 8, List.of(), 0, false, null));
        services.put("ct:200", new HaTypes.ServiceDoc("request_stop", 10, 0, 9, List.of(), 0, false,
                new HaTypes.Command("relocate", "ct:200", 2, false)));
        Map<String, String> nodes = new TreeMap<>(Map.of("1", "online", "2", "online", "3", "maintenance",
                "10", "unknown"));
        // node3 is in maintenance already: its request is not "requested" any more
        api.writeJson(HaTypes.MANAGER_STATUS, new HaTypes.ManagerStatusDoc(1, 10, nodes, services, List.of(2, 3)));
        api.writeJson("ha/lrm/node2.json", new HaTypes.LrmStatusDoc(2, "active", "active", Map.of()));
        api.writeJson("ha/lrm/node1.json", new HaTypes.LrmStatusDoc(1, "active", "active", Map.of()));
        api.writeJson("ha/lrm/node3.json", new HaTypes.LrmStatusDoc(3, "maintenance", "maintenance", Map.of()));
    }

    @Test
    void statusReadsLikeHaManagerStatus() {
        writeClusterState();

        FakeConfigApi.Run status = api.herd("ha", "status");

        assertThat(status.exitCode()).as(status.err()).isZero();
        assertThat(status.out().lines()).containsExactly(
                "quorum OK",
                "master node1 (online)",
                "node node1 (online)",
                "node node2 (online, maintenance requested)",
                "node node3 (maintenance)",
                "node node10 (unknown)",
                "lrm node1 (active, active)",
                "lrm node2 (active, active)",
                "lrm node3 (maintenance, maintenance)",
                "service vm:101 (node1, migrate, target node3)",
                "service vm:1000 (node2, started)",
                "service ct:200 (node10, request_stop, pending relocate to node2)");
    }

    @Test
    void statusAsJsonCarriesTheDocumentsAndExitsTwoWithoutQuorum() throws Exception {
        writeClusterState();
        api.quorate = false;

        FakeConfigApi.Run text = api.herd("ha", "status");
        FakeConfigApi.Run json = api.herd("--json", "ha", "status");

        assertThat(text.exitCode()).isEqualTo(Main.EXIT_NOT_QUORATE);
        assertThat(text.out().lines().toList().getFirst()).isEqualTo("quorum NO");
        assertThat(json.exitCode()).isEqualTo(Main.EXIT_NOT_QUORATE);
        HaCommand.HaStatus s = Json.MAPPER.readValue(json.stdout(), HaCommand.HaStatus.class);
        assertThat(s.quorate()).isFalse();
        assertThat(s.managerStatus().services()).containsOnlyKeys("vm:101", "vm:1000", "ct:200");
        assertThat(s.lrms()).extracting(HaTypes.LrmStatusDoc::node).containsExactly(1, 2, 3);
    }

    @Test
    void statusBeforeAnyManagerRanSaysSo() {
        FakeConfigApi.Run status = api.herd("ha", "status");

        assertThat(status.out().lines()).containsExactly("quorum OK",
                "master none (no manager status yet: no HA manager has written ha/manager-status.json)");
    }

    @Test
    void haMigrateAndRelocateWriteTheirKindAndWorkWithoutAManagerStatus() {
        put(api, processGuest("ct:200", 1, "stopped"));

        FakeConfigApi.Run relocate = api.herd("ha", "relocate", "ct:200", "3");
        FakeConfigApi.Run migrate = api.herd("ha", "migrate", "ct:200", "node2");
        FakeConfigApi.Run unknown = api.herd("ha", "migrate", "ct:201", "node2");

        assertThat(relocate.exitCode()).as(relocate.err()).isZero();
        assertThat(relocate.out()).startsWith("requested relocate of ct:200 to node3 (ha/commands/");
        assertThat(migrate.exitCode()).as(migrate.err()).isZero();
        assertThat(api.paths(HaTypes.COMMANDS)).map(p -> api.readJson(p, HaTypes.Command.class))
                .containsExactlyInAnyOrder(new HaTypes.Command("relocate", "ct:200", 3, false),
                        new HaTypes.Command("migrate", "ct:200", 2, false));
        assertThat(unknown.exitCode()).isEqualTo(Main.EXIT_FAILED);
        assertThat(unknown.err()).contains("no guest ct:201");
    }

    @Test
    void setChangesOnlyTheOptionsGiven() {
        put(api, processGuest("vm:100", 1, "started"));
        api.writeJson("ha/groups/prod.json", new HaTypes.Group("prod", Map.of("node1", 1), false, false));

        FakeConfigApi.Run set = api.herd("ha", "set", "vm:100", "--state", "disabled", "--group", "prod",
                "--max-restart", "4");
        FakeConfigApi.Run noGroup = api.herd("ha", "set", "vm:100", "--no-group");
        FakeConfigApi.Run nothing = api.herd("ha", "set", "vm:100");
        FakeConfigApi.Run badGroup = api.herd("ha", "set", "vm:100", "--group", "test");

        assertThat(set.out()).isEqualTo("set vm:100: state disabled, group prod, max_restart 4, max_relocate 1 "
                + "(guests/vm-100.json version 3)\n");
        assertThat(noGroup.exitCode()).as(noGroup.err()).isZero();
        assertThat(api.readJson("guests/vm-100.json", HaTypes.GuestConfig.class).ha())
                .isEqualTo(new HaTypes.HaOptions("disabled", null, 4, 1));
        assertThat(nothing.exitCode()).isEqualTo(Main.EXIT_USAGE);
        assertThat(nothing.err()).contains("nothing to set");
        assertThat(badGroup.err()).contains("no HA group 'test'");
    }

    @Test
    void policyPrintsTheDefaultUntilSetAndRefusesUnknownOnes() {
        FakeConfigApi.Run before = api.herd("ha", "policy");
        FakeConfigApi.Run set = api.herd("ha", "policy", "freeze");
        FakeConfigApi.Run after = api.herd("ha", "policy");
        FakeConfigApi.Run same = api.herd("ha", "policy", "freeze");
        FakeConfigApi.Run bad = api.herd("ha", "policy", "reboot");

        assertThat(before.out()).isEqualTo("shutdown policy: conditional (default: not set)\n");
        assertThat(set.out()).isEqualTo("shutdown policy: conditional (default) -> freeze (ha/settings.json "
                + "version 1)\n");
        assertThat(api.readJson(HaTypes.SETTINGS, HaTypes.Settings.class)).isEqualTo(new HaTypes.Settings("freeze"));
        assertThat(after.out()).isEqualTo("shutdown policy: freeze\n");
        assertThat(same.out()).isEqualTo("shutdown policy is already freeze; nothing written\n");
        assertThat(bad.exitCode()).isEqualTo(Main.EXIT_USAGE);
        assertThat(bad.err()).contains("unknown shutdown policy 'reboot': use conditional, freeze, failover, migrate");
    }

    @Test
    void nodeMaintenanceWritesAMaintenanceCommand() {
        FakeConfigApi.Run enable = api.herd("node", "maintenance", "enable", "node2");
        FakeConfigApi.Run disable = api.herd("node", "maintenance", "disable", "3");

        assertThat(enable.exitCode()).as(enable.err()).isZero();
        assertThat(enable.out()).matches("requested maintenance enable for node2 \\(ha/commands/[0-9]{13}-[0-9a-f]{8}"
                + "\\.json\\); follow it with 'herd ha status'\n");
        assertThat(api.paths(HaTypes.COMMANDS)).hasSize(2).map(p -> api.readJson(p, HaTypes.Command.class))
                .containsExactlyInAnyOrder(new HaTypes.Command("maintenance", null, 2, true),
                        new HaTypes.Command("maintenance", null, 3, false));
        assertThat(disable.exitCode()).isZero();
    }

    @Test
    void nodeMaintenanceRefusesBadActionsAndNodes() {
        api.writeJson(HaTypes.MANAGER_STATUS, HaFixtures.managerStatus(Map.of()));

        FakeConfigApi.Run action = api.herd("node", "maintenance", "pause", "node2");
        FakeConfigApi.Run format = api.herd("node", "maintenance", "enable", "host2");
        FakeConfigApi.Run unknown = api.herd("node", "maintenance", "enable", "node9");

        assertThat(action.exitCode()).isEqualTo(Main.EXIT_USAGE);
        assertThat(action.err()).contains("unknown action 'pause': use enable or disable");
        assertThat(format.exitCode()).isEqualTo(Main.EXIT_USAGE);
        assertThat(format.err()).contains("'host2' is not a node: write nodeN or N");
        assertThat(unknown.exitCode()).isEqualTo(Main.EXIT_FAILED);
        assertThat(unknown.err()).contains("node9 is not a node the HA manager knows");
        assertThat(api.paths(HaTypes.COMMANDS)).isEmpty();
    }
}
