package dev.herd.ha.sim;

import dev.herd.ha.Group;
import dev.herd.ha.HaTimeouts;
import dev.herd.ha.Resource;
import dev.herd.ha.ShutdownPolicy;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;

/**
 * A HA simulation scenario (docs/ha-simulator.md): hosts, guests, groups, options and timed commands.
 *
 * @param fenceAgents  per node: "ok", "fail", or "fail:N" (fails N attempts, then works); absent = no agent
 * @param failingStarts guests whose start fails from the beginning
 */
public record Scenario(SortedSet<Integer> nodes, HaTimeouts timeouts, ShutdownPolicy shutdownPolicy, long crmLoopMs,
                       long lrmLoopMs, long guestStartMs, long guestStopMs, long fenceAgentMs, long rebootMs,
                       long endMs, SortedMap<Integer, String> fenceAgents, SortedMap<String, Group> groups,
                       SortedMap<String, Resource> resources, SortedSet<String> failingStarts, List<Event> events) {

    /** A command at a time: {@code power node1 off}, {@code service vm:101 migrate node2}, … */
    public record Event(long atMs, String command) {
    }

    public static Map<String, String> commandHelp() {
        return Map.ofEntries(
                Map.entry("power nodeN on|off", "power a host on, or cut its power (SIGKILL of everything on it)"),
                Map.entry("network nodeN on|off", "connect or isolate a host (a partition of one)"),
                Map.entry("partition 1,2 3,4", "split the hosts into the listed groups; 'partition heal' joins them"),
                Map.entry("pause nodeN / resume nodeN", "SIGSTOP / SIGCONT the host's daemon (guests and watchdog go on)"),
                Map.entry("shutdown nodeN / reboot nodeN", "the host goes down cleanly: the shutdown policy applies"),
                Map.entry("service SID started|stopped|disabled|ignored", "set the requested state"),
                Map.entry("service SID migrate|relocate nodeN", "operator command"),
                Map.entry("service SID crash", "the guest exits by itself"),
                Map.entry("service SID fail-start on|off", "its starts fail (or work again)"),
                Map.entry("maintenance nodeN enable|disable", "maintenance mode"),
                Map.entry("fence-agent nodeN ok|fail|none", "change the node's fence agent behaviour"),
                Map.entry("delay", "nothing; marks a point in the transcript"));
    }
}
