package dev.herd.cli;

import dev.herd.api.ConfigTypes;
import dev.herd.api.HaTypes;
import dev.herd.api.HerdClient;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code herd guest …}: guests as pve's {@code qm} shows them, for guests that are all HA resources. Their configs are
 * {@code guests/<vm-100>.json} in the configuration store; what runs where is the HA manager's status (docs/ha-cli.md).
 */
@Command(name = "guest", description = "Create, list, start, stop, migrate and destroy guests (like qm on HA-managed "
        + "guests).", subcommands = {GuestCreate.class, GuestCommand.ListGuests.class, GuestCommand.Config.class,
                GuestPower.Start.class, GuestPower.Stop.class, GuestPower.Shutdown.class, GuestCommand.Migrate.class,
                GuestDestroy.class, GuestCommand.Log.class})
final class GuestCommand {
    private static final Pattern PLAIN_ARG = Pattern.compile("[A-Za-z0-9_./:=@%+,{}-]+");

    private GuestCommand() {}

    /** The guest's config, or a refusal naming the id and how to list what exists. */
    static HaStore.Doc<HaTypes.GuestConfig> readGuest(HaStore store, String sid) {
        HaStore.Doc<HaTypes.GuestConfig> doc = store.read(HaTypes.guestPath(sid), HaTypes.GuestConfig.class);
        if (doc == null) {
            throw new Refusal("no guest " + sid, "list guests with 'herd guest list'");
        }
        return doc;
    }

    /** One row of {@code herd guest list}: state and node from the manager status, null state when it has none. */
    record GuestRow(String id, String driver, String requested, String state, int node) {}

    @Command(name = "list", description = "Guests with their requested and current HA state and node.")
    static final class ListGuests implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            HaStore store = HaStore.connect();
            List<HaStore.Doc<HaTypes.GuestConfig>> guests = store.readAll(HaTypes.GUESTS, HaTypes.GuestConfig.class,
                    spec.commandLine().getErr());
            HaTypes.ManagerStatusDoc status = store.managerStatus();
            List<GuestRow> rows = new ArrayList<>();
            for (HaStore.Doc<HaTypes.GuestConfig> d : guests) {
                HaTypes.GuestConfig g = d.value();
                HaTypes.ServiceDoc s = status == null || status.services() == null ? null : status.services().get(g.id());
                rows.add(new GuestRow(g.id(), g.driver(), g.ha() == null ? "started" : g.ha().state(),
                        s == null ? null : s.state(), s == null ? g.node() : s.node()));
            }
            rows.sort((a, b) -> HaNames.compareSids(a.id(), b.id()));
            if (Main.global().json) {
                Output.json(out, rows);
                return 0;
            }
            if (rows.isEmpty()) {
                return 0;
            }
            int width = Math.max(2, rows.stream().mapToInt(r -> r.id().length()).max().orElse(0));
            String row = "%-" + width + "s  %-7s  %-9s  %-12s  %s%n";
            out.printf(row, "ID", "DRIVER", "REQUESTED", "STATE", "NODE");
            for (GuestRow r : rows) {
                out.printf(row, r.id(), r.driver(), r.requested(), r.state() == null ? "-" : r.state(),
                        HaNames.nodeName(r.node()));
            }
            return 0;
        }
    }

    @Command(name = "config", description = "A guest's configuration (like qm config); version is the store's, for "
            + "compare-and-set.")
    static final class Config implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "ID", converter = HaNames.SidConverter.class)
        String sid;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            HaStore.Doc<HaTypes.GuestConfig> doc = readGuest(HaStore.connect(), sid);
            HaTypes.GuestConfig g = doc.value();
            if (Main.global().json) {
                Output.json(out, g);
                return 0;
            }
            out.printf("id: %s%n", g.id());
            out.printf("driver: %s%n", g.driver());
            out.printf("node: %s%n", HaNames.nodeName(g.node()));
            if (g.command() != null && !g.command().isEmpty()) {
                out.printf("command: %s%n", shellWords(g.command()));
            }
            if (g.env() != null) {
                g.env().forEach((k, v) -> out.printf("env: %s=%s%n", k, v));
            }
            if (g.memoryMb() != null) {
                out.printf("memory: %d%n", g.memoryMb());
            }
            if (g.cpus() != null) {
                out.printf("cpus: %d%n", g.cpus());
            }
            if (g.disks() != null) {
                for (int i = 0; i < g.disks().size(); i++) {
                    out.printf("disk%d: %s%n", i, g.disks().get(i));
                }
            }
            out.printf("stop_timeout_ms: %d%n", g.stopTimeoutMs());
            HaTypes.HaOptions ha = g.ha();
            if (ha != null) {
                out.printf("ha_state: %s%n", ha.state());
                if (ha.group() != null) {
                    out.printf("ha_group: %s%n", ha.group());
                }
                out.printf("ha_max_restart: %d%n", ha.maxRestart());
                out.printf("ha_max_relocate: %d%n", ha.maxRelocate());
            }
            out.printf("version: %d%n", doc.version());
            return 0;
        }
    }

    /** Arguments as a shell would need them typed: plain ones bare, others in single quotes. */
    static String shellWords(List<String> args) {
        List<String> words = new ArrayList<>();
        for (String a : args) {
            words.add(PLAIN_ARG.matcher(a).matches() ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        return String.join(" ", words);
    }

    /**
     * Writes a migrate/relocate command after the checks the manager would otherwise only log: the guest exists and is
     * managed, and the target is a node the manager knows, online, and not where the guest already is.
     */
    static int requestMove(CommandSpec spec, HaStore store, String kind, String sid, int node) {
        HaTypes.GuestConfig g = readGuest(store, sid).value();
        if (GuestPower.requested(g).equals("ignored")) {
            throw new Refusal(sid + " is ignored by HA: the manager would drop the " + kind + " request",
                    "put it back under HA first: 'herd guest start " + sid + "' or 'herd guest stop " + sid + "'");
        }
        String target = HaNames.nodeName(node);
        HaTypes.ManagerStatusDoc ms = store.managerStatus();
        if (ms != null && ms.nodes() != null && !ms.nodes().isEmpty()) {
            String state = ms.nodes().get(String.valueOf(node));
            if (state == null) {
                throw new Refusal(target + " is not a node the HA manager knows (it knows " + HaNames.nodeNames(
                        ms.nodes().keySet().stream().map(HaNames::node).toList()) + ")",
                        "see the nodes with 'herd ha status'");
            }
            if (!state.equals("online")) {
                throw new Refusal(target + " is " + state + ": the HA manager moves guests only to online nodes",
                        "pick an online node from 'herd ha status'");
            }
            HaTypes.ServiceDoc s = ms.services() == null ? null : ms.services().get(sid);
            if (s != null && s.node() == node && s.target() == 0) {
                throw new Refusal(sid + " is already on " + target + " (" + s.state() + ")", null);
            }
        }
        ConfigTypes.WriteResult r = store.submit(new HaTypes.Command(kind, sid, node, false));
        PrintWriter out = spec.commandLine().getOut();
        if (Main.global().json) {
            Output.json(out, r);
        } else {
            out.printf("requested %s of %s to %s (%s); follow it with 'herd ha status'%n", kind, sid, target, r.path());
        }
        return 0;
    }

    @Command(name = "migrate", description = "Move a guest to NODE through the HA manager (qm migrate on an HA guest: "
            + "stop, move, start).")
    static final class Migrate extends MoveCommand {
        @Override
        String kind() {
            return "migrate";
        }
    }

    @Command(name = "log", description = "The last lines of the guest's output, from the asked host (the log is on "
            + "the host that runs the guest).")
    static final class Log implements Callable<Integer> {
        static final int MAX_LINES = 10_000;

        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "ID", converter = HaNames.SidConverter.class)
        String sid;

        @Option(names = "--lines", defaultValue = "200", paramLabel = "N", description = "How many (default 200, "
                + "at most 10000).")
        int lines;

        @Override
        public Integer call() throws Exception {
            if (lines < 1 || lines > MAX_LINES) {
                throw new ParameterException(spec.commandLine(), "--lines must be from 1 to " + MAX_LINES + ", got "
                        + lines);
            }
            HaStore store = HaStore.connect();
            HaTypes.GuestLog log;
            try {
                log = store.client().get("/api/v1/guests/" + sid + "/log?lines=" + lines, HaTypes.GuestLog.class);
            } catch (HerdClient.ApiException e) {
                if (e.status() == 404) {
                    throw new Refusal(e.getMessage(), whereItRuns(store, e.hint()));
                }
                throw e;
            }
            PrintWriter out = spec.commandLine().getOut();
            if (Main.global().json) {
                Output.json(out, log);
            } else {
                log.lines().forEach(out::println);
            }
            return 0;
        }

        /** The daemon's hint, sharpened with the node the manager status places the guest on. */
        private String whereItRuns(HaStore store, String hint) {
            try {
                HaTypes.ManagerStatusDoc status = store.managerStatus();
                Map<String, HaTypes.ServiceDoc> services = status == null ? null : status.services();
                HaTypes.ServiceDoc s = services == null ? null : services.get(sid);
                if (s != null) {
                    String node = HaNames.nodeName(s.node());
                    return sid + " is on " + node + " (" + s.state() + "): ask that host, e.g. 'herd --node " + node
                            + " guest log " + sid + "' in a sandbox, or --api " + node + "'s API address";
                }
            } catch (RuntimeException e) {
                // the daemon's own hint is still right
            }
            return hint;
        }
    }
}
