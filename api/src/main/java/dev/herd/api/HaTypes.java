package dev.herd.api;

import java.util.List;
import java.util.Map;

/**
 * JSON documents of guests and the HA manager as they are stored in the configuration store (docs/ha.md "Where the
 * state lives") and read by the CLI. Field names are snake_case on the wire.
 */
public final class HaTypes {
    private HaTypes() {}

    /** Paths in the configuration store. Guest ids {@code vm:100} become {@code vm-100} in paths. */
    public static final String GUESTS = "guests/";
    public static final String HA = "ha/";
    public static final String MANAGER_STATUS = "ha/manager-status.json";
    public static final String LRM_PREFIX = "ha/lrm/";
    public static final String COMMANDS = "ha/commands/";
    public static final String GROUPS = "ha/groups/";
    public static final String FENCE_AGENTS = "ha/fence-agents/";
    public static final String SETTINGS = "ha/settings.json";

    public static String guestPath(String sid) {
        return GUESTS + sid.replace(':', '-') + ".json";
    }

    public static String sidOfPath(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        return name.replaceFirst("\\.json$", "").replaceFirst("-", ":");
    }

    /**
     * A guest: {@code driver} is {@code process} (command) or {@code qemu} (memory, cpus, disks); {@code node} is
     * where it is created and first placed. {@code ha}: how the HA manager treats it.
     */
    public record GuestConfig(String id, String driver, int node, List<String> command, Map<String, String> env,
                              Integer memoryMb, Integer cpus, List<String> disks, long stopTimeoutMs, HaOptions ha) {}

    /** pve ha resource options: {@code state} started|stopped|disabled|ignored. */
    public record HaOptions(String state, String group, int maxRestart, int maxRelocate) {}

    public record Group(String name, Map<String, Integer> nodes, boolean restricted, boolean nofailback) {}

    /** A fence agent: the command the master runs to power a failed host off; {node} and {name} are replaced. */
    public record FenceAgent(int node, List<String> command, long timeoutMs) {}

    /** Cluster-wide HA settings (pve datacenter.cfg ha). */
    public record Settings(String shutdownPolicy) {}

    /** An operator command: {@code migrate|relocate} (sid, target) or {@code maintenance} (node, enable). */
    public record Command(String kind, String sid, int node, boolean enable) {}

    public record ServiceDoc(String state, int node, int target, long uid, List<Integer> failedNodes,
                             int maintenanceNode, boolean running, Command pending) {}

    public record ManagerStatusDoc(int masterNode, long nextUid, Map<String, String> nodes,
                                   Map<String, ServiceDoc> services, List<Integer> maintenanceRequests) {}

    public record ResultDoc(String sid, String state, String outcome) {}

    public record LrmStatusDoc(int node, String state, String mode, Map<String, ResultDoc> results) {}

    /**
     * {@code GET /api/v1/guests/{id}/log?lines=N}: the last lines of a guest's log on the asked host (the log lives on
     * the host that runs the guest). {@code truncated}: older lines exist that are not in {@code lines}.
     */
    public record GuestLog(String id, String file, List<String> lines, boolean truncated) {}
}
