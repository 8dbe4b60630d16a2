package dev.herd.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Guest ids, node names and command paths as the HA commands accept and write them. */
final class HaNamesTest {
    @Test
    void guestIdsFollowPvesVmidRangeAndABareNumberIsAVm() {
        assertThat(HaNames.sid("vm:100")).isEqualTo("vm:100");
        assertThat(HaNames.sid("ct:999999999")).isEqualTo("ct:999999999");
        assertThat(HaNames.sid("4242")).isEqualTo("vm:4242");
        for (String bad : List.of("vm:99", "vm:1000000000", "vm:0100", "qemu:100", "vm-100", "vm:", "", " vm:100")) {
            assertThatThrownBy(() -> HaNames.sid(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void nodesAreNodeNOrN() {
        assertThat(HaNames.node("node12")).isEqualTo(12);
        assertThat(HaNames.node("3")).isEqualTo(3);
        for (String bad : List.of("node0", "0", "node", "Node1", "pve1", "-1", "node1x")) {
            assertThatThrownBy(() -> HaNames.node(bad)).as(bad).hasMessageContaining("is not a node");
        }
    }

    @Test
    void idsSortByNumberVmsFirst() {
        List<String> ids = new ArrayList<>(List.of("ct:200", "vm:1000", "vm:999", "ct:100"));

        ids.sort(HaNames::compareSids);

        assertThat(ids).containsExactly("vm:999", "vm:1000", "ct:100", "ct:200");
    }

    @Test
    void commandPathsSortByTimeAndCarryEightHexDigits() {
        assertThat(HaStore.commandPath(1_700_000_000_000L, 0xbeef)).isEqualTo("ha/commands/1700000000000-0000beef.json");
        assertThat(HaStore.commandPath(1_700_000_000_000L, -1)).isEqualTo("ha/commands/1700000000000-ffffffff.json");
    }
}
