package dev.herd.cli;

import static dev.herd.cli.HaFixtures.managerStatus;
import static dev.herd.cli.HaFixtures.processGuest;
import static dev.herd.cli.HaFixtures.put;
import static dev.herd.cli.HaFixtures.service;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herd.api.HaTypes;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** `herd guest destroy`: refused while the guest may run; a compare-and-set delete otherwise. */
final class GuestDestroyTest {
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
    void aRunningGuestIsNotDestroyedAndTheRefusalSaysToStopItFirst() {
        put(api, processGuest("vm:100", 1, "started"));
        api.writeJson(HaTypes.MANAGER_STATUS, managerStatus(Map.of("vm:100", service("started", 2))));

        FakeConfigApi.Run destroy = api.herd("guest", "destroy", "vm:100");

        assertThat(destroy.exitCode()).isEqualTo(Main.EXIT_FAILED);
        assertThat(destroy.err()).contains("herd: vm:100 is requested started (started on node2): destroying it could "
                + "leave it running unsupervised; nothing was deleted")
                .contains("hint: stop it first with 'herd guest stop vm:100'");
        assertThat(api.value("guests/vm-100.json")).isNotNull();
        assertThat(api.requests()).noneMatch(r -> r.startsWith("DELETE"));
    }

    @Test
    void aGuestRequestedStoppedIsDestroyedOnlyOnceTheManagerHasItStopped() {
        put(api, processGuest("vm:100", 1, "stopped"));
        api.writeJson(HaTypes.MANAGER_STATUS, managerStatus(Map.of("vm:100", service("request_stop", 2))));

        FakeConfigApi.Run stopping = api.herd("guest", "destroy", "vm:100");
        api.writeJson(HaTypes.MANAGER_STATUS, managerStatus(Map.of("vm:100", service("stopped", 2))));
        FakeConfigApi.Run destroy = api.herd("guest", "destroy", "vm:100");

        assertThat(stopping.exitCode()).isEqualTo(Main.EXIT_FAILED);
        assertThat(stopping.err()).contains("vm:100 is requested stopped but still request_stop on node2");
        assertThat(destroy.exitCode()).as(destroy.err()).isZero();
        assertThat(destroy.out()).isEqualTo("destroyed vm:100 (guests/vm-100.json deleted at version 4)\n");
        assertThat(api.value("guests/vm-100.json")).isNull();
        assertThat(api.requests()).contains("DELETE /api/v1/config/entry?path=guests%2Fvm-100.json&expect_version=1");
    }

    @Test
    void aGuestTheManagerHasNotPickedUpIsDestroyedIfRequestedStoppedOrDisabled() {
        put(api, processGuest("ct:200", 1, "disabled"));

        FakeConfigApi.Run destroy = api.herd("guest", "destroy", "ct:200");
        FakeConfigApi.Run absent = api.herd("guest", "destroy", "ct:200");

        assertThat(destroy.exitCode()).as(destroy.err()).isZero();
        assertThat(absent.exitCode()).isEqualTo(Main.EXIT_FAILED);
        assertThat(absent.err()).contains("no guest ct:200");
    }

    @Test
    void eachUnsafeCaseSaysWhyAndWhatToDo() {
        assertThat(GuestDestroy.whyNot("vm:1", "ignored", null).getMessage()).contains("ignored by HA");
        assertThat(GuestDestroy.whyNot("vm:1", "started", null).getMessage()).contains("requested started");
        assertThat(GuestDestroy.whyNot("vm:1", "started", service("stopped", 1))).isNotNull(); // about to start
        assertThat(GuestDestroy.whyNot("vm:1", "stopped", service("error", 1)).hint()).contains("--state disabled");
        assertThat(GuestDestroy.whyNot("vm:1", "stopped", service("fence", 1)).hint()).contains("fenced");
        assertThat(GuestDestroy.whyNot("vm:1", "disabled", service("freeze", 1))).isNotNull();
        assertThat(GuestDestroy.whyNot("vm:1", "disabled", service("stopped", 1))).isNull();
        assertThat(GuestDestroy.whyNot("vm:1", "stopped", null)).isNull();
    }
}
