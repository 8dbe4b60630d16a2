package dev.herd.cli;

import dev.herd.api.ConfigTypes;
import dev.herd.api.HaTypes;
import dev.herd.api.HerdClient;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code herd guest create}: writes {@code guests/<vm-100>.json} only if it does not exist yet. One step does what
 * pve does in two ({@code qm create}, then {@code ha-manager add --state started}): every Herd guest is an HA resource.
 * The placement option is {@code --on}: {@code --node} is taken by every command (which sandbox host to ask).
 */
@Command(name = "create", description = "Create a guest under HA (qm create + ha-manager add). The process driver "
        + "runs the command after --; qemu needs --memory and --disk.")
final class GuestCreate implements Callable<Integer> {
    static final Set<String> DRIVERS = Set.of("process", "qemu");
    static final Set<String> STATES = Set.of("started", "stopped", "disabled", "ignored");
    /** Set by herdd for every process guest (LocalGuests): a user value would be overwritten silently. */
    private static final Set<String> RESERVED_ENV = Set.of("HERD_GUEST_ID", "HERD_NODE", "HERD_GUEST_DIR");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID", converter = HaNames.SidConverter.class,
            description = "vm:N or ct:N (N from 100), e.g. vm:100")
    String sid;

    @Parameters(index = "1..*", paramLabel = "COMMAND", description = "process driver: the command and its arguments, "
            + "after -- (e.g. -- sleep 1000)")
    List<String> command = new ArrayList<>();

    @Option(names = "--driver", required = true, paramLabel = "process|qemu",
            description = "process: runs the command after --; qemu: a VM from --memory, --cpus and --disk.")
    String driver;

    @Option(names = "--on", required = true, paramLabel = "NODE", converter = HaNames.NodeConverter.class,
            description = "The node it is created on and first placed (nodeN or N).")
    int node;

    @Option(names = "--state", defaultValue = "started", paramLabel = "STATE",
            description = "Requested HA state: started (default), stopped, disabled or ignored.")
    String state;

    @Option(names = "--group", paramLabel = "GROUP", description = "HA group (herd ha group set).")
    String group;

    @Option(names = "--max-restart", defaultValue = "1", paramLabel = "N",
            description = "Restarts on the same node after a failure (default 1).")
    int maxRestart;

    @Option(names = "--max-relocate", defaultValue = "1", paramLabel = "N",
            description = "Moves to another node after failed starts (default 1).")
    int maxRelocate;

    @Option(names = "--stop-timeout-ms", defaultValue = "10000", paramLabel = "MS",
            description = "How long a stop may take before the guest is killed (default 10000).")
    long stopTimeoutMs;

    @Option(names = "--env", paramLabel = "K=V", description = "process driver: an environment variable (repeat).")
    Map<String, String> env = new LinkedHashMap<>();

    @Option(names = "--memory", paramLabel = "MB", description = "qemu driver: memory in MiB.")
    Integer memoryMb;

    @Option(names = "--cpus", paramLabel = "N", description = "qemu driver: virtual CPUs (default 1).")
    Integer cpus;

    @Option(names = "--disk", paramLabel = "PATH", description = "qemu driver: a raw disk image, absolute path on "
            + "every node that may run it (repeat; the first boots).")
    List<String> disks = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        HaTypes.GuestConfig config = config();
        HaStore store = HaStore.connect();
        if (group != null && store.read(HaTypes.GROUPS + group + ".json", HaTypes.Group.class) == null) {
            throw new Refusal("no HA group '" + group + "'", "create it with 'herd ha group set " + group
                    + " --nodes node1,node2', or see the groups with 'herd ha group list'");
        }
        String path = HaTypes.guestPath(sid);
        ConfigTypes.WriteResult r;
        try {
            r = store.put(path, config, 0);
        } catch (HerdClient.ApiException e) {
            if (e.status() == 409) {
                throw new Refusal("guest " + sid + " exists already (" + path + "); nothing was written",
                        "see it with 'herd guest config " + sid + "'; to replace it, 'herd guest destroy " + sid
                                + "' first, or pick another id");
            }
            throw e;
        }
        PrintWriter out = spec.commandLine().getOut();
        if (Main.global().json) {
            Output.json(out, r);
        } else {
            out.printf("created %s: %s on %s, requested %s (%s version %d)%n", sid, driver, HaNames.nodeName(node),
                    state, r.path(), r.version());
        }
        return 0;
    }

    /** The document to write, or a usage error saying which option is wrong and how to write it. */
    HaTypes.GuestConfig config() {
        if (!DRIVERS.contains(driver)) {
            throw usage("unknown driver '" + driver + "': use process (runs a command) or qemu (a VM)");
        }
        if (!STATES.contains(state)) {
            throw usage("unknown state '" + state + "': use started, stopped, disabled or ignored");
        }
        if (maxRestart < 0 || maxRelocate < 0) {
            throw usage("--max-restart and --max-relocate must be 0 or more");
        }
        if (stopTimeoutMs <= 0) {
            throw usage("--stop-timeout-ms must be positive, got " + stopTimeoutMs);
        }
        if (group != null && !HaNames.GROUP.matcher(group).matches()) {
            throw usage("'" + group + "' is not a group name: " + HaNames.GROUP_RULE);
        }
        HaTypes.HaOptions ha = new HaTypes.HaOptions(state, group, maxRestart, maxRelocate);
        if (driver.equals("process")) {
            if (command.isEmpty()) {
                throw usage("the process driver needs a command: put it after --, e.g. herd guest create " + sid
                        + " --driver process --on " + HaNames.nodeName(node) + " -- sleep 1000");
            }
            if (memoryMb != null || cpus != null || !disks.isEmpty()) {
                throw usage("--memory, --cpus and --disk are for the qemu driver; the process driver runs a command");
            }
            env.keySet().forEach(this::checkEnvName);
            return new HaTypes.GuestConfig(sid, driver, node, List.copyOf(command), new TreeMap<>(env), null, null, null,
                    stopTimeoutMs, ha);
        }
        if (!command.isEmpty() || !env.isEmpty()) {
            throw usage("a command and --env are for the process driver; the qemu driver runs a VM from --disk");
        }
        if (memoryMb == null || memoryMb <= 0 || disks.isEmpty()) {
            throw usage("the qemu driver needs --memory MB (positive) and at least one --disk PATH, e.g. --memory 2048 "
                    + "--disk /srv/images/" + sid.replace(':', '-') + ".raw");
        }
        if (cpus != null && cpus <= 0) {
            throw usage("--cpus must be positive, got " + cpus);
        }
        for (String disk : disks) {
            if (!Path.of(disk).isAbsolute()) {
                throw usage("--disk " + disk + " is relative: give the absolute path the image has on every node "
                        + "that may run the guest");
            }
        }
        return new HaTypes.GuestConfig(sid, driver, node, null, null, memoryMb, cpus == null ? 1 : cpus,
                List.copyOf(disks), stopTimeoutMs, ha);
    }

    private void checkEnvName(String name) {
        if (!ENV_NAME.matcher(name).matches()) {
            throw usage("--env " + name + "=…: '" + name + "' is not an environment variable name (letters, digits, "
                    + "_; not starting with a digit)");
        }
        if (RESERVED_ENV.contains(name)) {
            throw usage("--env " + name + " is set by herdd for every process guest (" + String.join(", ",
                    RESERVED_ENV.stream().sorted().toList()) + "); pick another name");
        }
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
