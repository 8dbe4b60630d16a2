package dev.herd.cli;

import dev.herd.api.ApiTypes;
import dev.herd.api.HaTypes;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code herd ha …}: pve's {@code ha-manager}. Every command reads or writes documents of the configuration store
 * (api HaTypes); the HA manager in herdd reads them and acts, and writes what it did to the manager status.
 */
@Command(name = "ha", description = "HA manager: status, migrate/relocate, resource options, groups, fence agents, "
        + "shutdown policy (like ha-manager).", subcommands = {HaCommand.Status.class, HaCommand.Migrate.class,
                HaCommand.Relocate.class, HaCommand.SetOptions.class, HaGroupCommand.class, HaFenceAgentCommand.class,
                HaCommand.Policy.class, HaSimulate.class})
final class HaCommand {
    private HaCommand() {}

    /** {@code herd ha status --json}: the quorum flag and the HA documents as stored. */
    record HaStatus(boolean quorate, HaTypes.ManagerStatusDoc managerStatus, List<HaTypes.LrmStatusDoc> lrms) {}

    /** The text of {@code herd ha status}, modelled on {@code ha-manager status}. */
    static List<String> statusLines(HaStatus s) {
        List<String> lines = new ArrayList<>();
        lines.add("quorum " + (s.quorate() ? "OK" : "NO"));
        HaTypes.ManagerStatusDoc ms = s.managerStatus();
        if (ms == null) {
            lines.add("master none (no manager status yet: no HA manager has written " + HaTypes.MANAGER_STATUS + ")");
        } else {
            Map<String, String> nodes = ms.nodes() == null ? Map.of() : ms.nodes();
            List<Integer> maintenance = ms.maintenanceRequests() == null ? List.of() : ms.maintenanceRequests();
            lines.add("master " + HaNames.nodeName(ms.masterNode()) + " ("
                    + nodes.getOrDefault(String.valueOf(ms.masterNode()), "unknown") + ")");
            nodes.keySet().stream().sorted(Comparator.comparingLong(HaCommand::number)).forEach(n -> {
                // a request the master took in but has not acted on yet (the node is not in maintenance yet)
                boolean requested = maintenance.contains((int) number(n)) && !nodes.get(n).equals("maintenance");
                lines.add("node node" + n + " (" + nodes.get(n) + (requested ? ", maintenance requested" : "") + ")");
            });
        }
        s.lrms().stream().sorted(Comparator.comparingInt(HaTypes.LrmStatusDoc::node)).forEach(l -> lines.add(
                "lrm " + HaNames.nodeName(l.node()) + " (" + l.state() + ", " + l.mode() + ")"));
        if (ms != null && ms.services() != null) {
            ms.services().keySet().stream().sorted(HaNames::compareSids).forEach(sid -> {
                HaTypes.ServiceDoc sd = ms.services().get(sid);
                StringBuilder line = new StringBuilder("service " + sid + " (" + HaNames.nodeName(sd.node()) + ", "
                        + sd.state());
                if (sd.target() != 0) {
                    line.append(", target ").append(HaNames.nodeName(sd.target()));
                }
                if (sd.pending() != null) {
                    line.append(", pending ").append(sd.pending().kind()).append(" to ")
                            .append(HaNames.nodeName(sd.pending().node()));
                }
                lines.add(line.append(')').toString());
            });
        }
        return lines;
    }

    private static long number(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    @Command(name = "status", description = "Quorum, master, nodes, LRMs and services (ha-manager status). Exit code 2 "
            + "when this host is not quorate.")
    static final class Status implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            HaStore store = HaStore.connect();
            ApiTypes.QuorumInfo q = store.client().get("/api/v1/quorum", ApiTypes.QuorumInfo.class);
            List<HaTypes.LrmStatusDoc> lrms = store.readAll(HaTypes.LRM_PREFIX, HaTypes.LrmStatusDoc.class,
                    spec.commandLine().getErr()).stream().map(HaStore.Doc::value).toList();
            HaStatus status = new HaStatus(q.quorate(), store.managerStatus(), lrms);
            PrintWriter out = spec.commandLine().getOut();
            if (Main.global().json) {
                Output.json(out, status);
            } else {
                statusLines(status).forEach(out::println);
            }
            return q.quorate() ? 0 : Main.EXIT_NOT_QUORATE;
        }
    }

    @Command(name = "migrate", description = "Move a service to NODE (ha-manager migrate; offline for now: stop, "
            + "move, start).")
    static final class Migrate extends MoveCommand {
        @Override
        String kind() {
            return "migrate";
        }
    }

    @Command(name = "relocate", description = "Move a service to NODE by stopping it and starting it there "
            + "(ha-manager relocate).")
    static final class Relocate extends MoveCommand {
        @Override
        String kind() {
            return "relocate";
        }
    }

    @Command(name = "set", description = "Change a service's HA options (ha-manager set); e.g. --state disabled to "
            + "clear the error state.")
    static final class SetOptions implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "SID", converter = HaNames.SidConverter.class)
        String sid;

        @Option(names = "--state", paramLabel = "STATE", description = "started, stopped, disabled or ignored.")
        String state;

        @Option(names = "--group", paramLabel = "GROUP")
        String group;

        @Option(names = "--no-group", description = "Leave the group (any node may run it).")
        boolean noGroup;

        @Option(names = "--max-restart", paramLabel = "N")
        Integer maxRestart;

        @Option(names = "--max-relocate", paramLabel = "N")
        Integer maxRelocate;

        @Override
        public Integer call() throws Exception {
            if (state == null && group == null && !noGroup && maxRestart == null && maxRelocate == null) {
                throw usage("nothing to set: give --state, --group, --no-group, --max-restart or --max-relocate");
            }
            if (state != null && !GuestCreate.STATES.contains(state)) {
                throw usage("unknown state '" + state + "': use started, stopped, disabled or ignored");
            }
            if (group != null && noGroup) {
                throw usage("--group and --no-group contradict each other: give one");
            }
            if (maxRestart != null && maxRestart < 0 || maxRelocate != null && maxRelocate < 0) {
                throw usage("--max-restart and --max-relocate must be 0 or more");
            }
            HaStore store = HaStore.connect();
            if (group != null && store.read(HaTypes.GROUPS + group + ".json", HaTypes.Group.class) == null) {
                throw new Refusal("no HA group '" + group + "'", "see the groups with 'herd ha group list'");
            }
            HaStore.Update<HaTypes.GuestConfig> u = store.update(HaTypes.guestPath(sid), HaTypes.GuestConfig.class,
                    this::apply);
            PrintWriter out = spec.commandLine().getOut();
            if (Main.global().json) {
                Output.json(out, u.after());
            } else if (u.written() == null) {
                out.printf("%s unchanged; nothing written%n", sid);
            } else {
                HaTypes.HaOptions ha = u.after().ha();
                out.printf("set %s: state %s, group %s, max_restart %d, max_relocate %d (%s version %d)%n", sid,
                        ha.state(), ha.group() == null ? "-" : ha.group(), ha.maxRestart(), ha.maxRelocate(),
                        u.written().path(), u.written().version());
            }
            return 0;
        }

        private HaTypes.GuestConfig apply(HaTypes.GuestConfig g) {
            if (g == null) {
                throw new Refusal("no guest " + sid, "list guests with 'herd guest list'");
            }
            HaTypes.HaOptions old = g.ha() == null ? new HaTypes.HaOptions("started", null, 1, 1) : g.ha();
            HaTypes.HaOptions ha = new HaTypes.HaOptions(state != null ? state : old.state(),
                    noGroup ? null : group != null ? group : old.group(),
                    maxRestart != null ? maxRestart : old.maxRestart(),
                    maxRelocate != null ? maxRelocate : old.maxRelocate());
            return new HaTypes.GuestConfig(g.id(), g.driver(), g.node(), g.command(), g.env(), g.memoryMb(), g.cpus(),
                    g.disks(), g.stopTimeoutMs(), ha);
        }

        private ParameterException usage(String message) {
            return new ParameterException(spec.commandLine(), message);
        }
    }

    @Command(name = "policy", description = "Print or set what HA guests do when their host shuts down or reboots "
            + "(datacenter.cfg ha: shutdown_policy): conditional (default), freeze, failover, migrate.")
    static final class Policy implements Callable<Integer> {
        static final List<String> POLICIES = List.of("conditional", "freeze", "failover", "migrate");
        static final String DEFAULT = "conditional";

        @Spec
        CommandSpec spec;

        @Parameters(arity = "0..1", paramLabel = "POLICY")
        String policy;

        @Override
        public Integer call() throws Exception {
            if (policy != null && !POLICIES.contains(policy)) {
                throw new ParameterException(spec.commandLine(), "unknown shutdown policy '" + policy + "': use "
                        + String.join(", ", POLICIES));
            }
            HaStore store = HaStore.connect();
            PrintWriter out = spec.commandLine().getOut();
            if (policy == null) {
                HaStore.Doc<HaTypes.Settings> d = store.read(HaTypes.SETTINGS, HaTypes.Settings.class);
                String current = d == null || d.value().shutdownPolicy() == null ? null : d.value().shutdownPolicy();
                if (Main.global().json) {
                    Output.json(out, new HaTypes.Settings(current == null ? DEFAULT : current));
                } else {
                    out.println("shutdown policy: " + (current == null ? DEFAULT + " (default: not set)" : current));
                }
                return 0;
            }
            HaStore.Update<HaTypes.Settings> u = store.update(HaTypes.SETTINGS, HaTypes.Settings.class,
                    s -> new HaTypes.Settings(policy));
            if (Main.global().json) {
                Output.json(out, u.after());
            } else if (u.written() == null) {
                out.printf("shutdown policy is already %s; nothing written%n", policy);
            } else {
                String was = u.before() == null || u.before().shutdownPolicy() == null ? DEFAULT + " (default)"
                        : u.before().shutdownPolicy();
                out.printf("shutdown policy: %s -> %s (%s version %d)%n", was, policy, u.written().path(),
                        u.written().version());
            }
            return 0;
        }
    }
}
