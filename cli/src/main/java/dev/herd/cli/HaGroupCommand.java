package dev.herd.cli;

import dev.herd.api.ConfigTypes;
import dev.herd.api.HaTypes;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code herd ha group set|rm|list}: HA groups (pve {@code groups.cfg}, {@code ha-manager groupadd|groupset|groupremove|
 * groupconfig}) at {@code ha/groups/<name>.json}. Node keys are stored as {@code nodeN} with their priority.
 */
@Command(name = "group", description = "HA groups: which nodes a guest prefers, by priority.",
        subcommands = {HaGroupCommand.SetGroup.class, HaGroupCommand.Rm.class, HaGroupCommand.ListGroups.class})
final class HaGroupCommand {
    private HaGroupCommand() {}

    static String path(String name) {
        return HaTypes.GROUPS + name + ".json";
    }

    /** {@code node1:2,node2:1,3} → {node1=2, node2=1, node3=0}, in node order; no priority means 0. */
    static Map<String, Integer> parseNodes(String text) {
        TreeMap<Integer, Integer> byId = new TreeMap<>();
        for (String item : text.split(",", -1)) {
            String[] parts = item.strip().split(":", -1);
            if (parts.length > 2) {
                throw new IllegalArgumentException("'" + item + "' has more than one ':'");
            }
            int node = HaNames.node(parts[0]);
            int priority;
            try {
                priority = parts.length == 2 ? Integer.parseInt(parts[1]) : 0;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + item + "': the priority after ':' must be a number");
            }
            if (priority < 0) {
                throw new IllegalArgumentException("'" + item + "': a priority is 0 or more (higher is preferred)");
            }
            if (byId.put(node, priority) != null) {
                throw new IllegalArgumentException(HaNames.nodeName(node) + " is listed twice");
            }
        }
        Map<String, Integer> out = new LinkedHashMap<>();
        byId.forEach((n, p) -> out.put(HaNames.nodeName(n), p));
        return out;
    }

    static String formatNodes(Map<String, Integer> nodes) {
        StringBuilder s = new StringBuilder();
        nodes.forEach((n, p) -> s.append(s.isEmpty() ? "" : ",").append(n).append(':').append(p));
        return s.toString();
    }

    @Command(name = "set", description = "Create or replace a group (ha-manager groupadd/groupset).")
    static final class SetGroup implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--nodes", required = true, paramLabel = "NODE[:PRIORITY],…",
                description = "e.g. node1:2,node2:1 (higher priority preferred; default 0).")
        String nodes;

        @Option(names = "--restricted", description = "Guests of the group run only on its nodes.")
        boolean restricted;

        @Option(names = "--nofailback", description = "Do not move guests back when a preferred node returns.")
        boolean nofailback;

        @Override
        public Integer call() throws Exception {
            if (!HaNames.GROUP.matcher(name).matches()) {
                throw new ParameterException(spec.commandLine(), "'" + name + "' is not a group name: " + HaNames.GROUP_RULE);
            }
            HaTypes.Group group;
            try {
                group = new HaTypes.Group(name, parseNodes(nodes), restricted, nofailback);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--nodes " + nodes + ": " + e.getMessage()
                        + "; write NODE[:PRIORITY],… e.g. node1:2,node2:1");
            }
            HaStore.Update<HaTypes.Group> u = HaStore.connect().update(path(name), HaTypes.Group.class, g -> group);
            PrintWriter out = spec.commandLine().getOut();
            if (Main.global().json) {
                Output.json(out, group);
            } else if (u.written() == null) {
                out.printf("group %s unchanged; nothing written%n", name);
            } else {
                out.printf("%s group %s: %s%s%s (%s version %d)%n", u.before() == null ? "created" : "set", name,
                        formatNodes(group.nodes()), restricted ? " restricted" : "", nofailback ? " nofailback" : "",
                        u.written().path(), u.written().version());
            }
            return 0;
        }
    }

    @Command(name = "rm", description = "Remove a group no guest uses (ha-manager groupremove).")
    static final class Rm implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() throws Exception {
            HaStore store = HaStore.connect();
            HaStore.Doc<HaTypes.Group> doc = store.read(path(name), HaTypes.Group.class);
            if (doc == null) {
                throw new Refusal("no HA group '" + name + "'", "see the groups with 'herd ha group list'");
            }
            List<String> users = store.readAll(HaTypes.GUESTS, HaTypes.GuestConfig.class, spec.commandLine().getErr())
                    .stream().map(HaStore.Doc::value).filter(g -> g.ha() != null && name.equals(g.ha().group()))
                    .map(HaTypes.GuestConfig::id).sorted(HaNames::compareSids).toList();
            if (!users.isEmpty()) {
                throw new Refusal("group " + name + " is used by " + String.join(", ", users) + "; nothing was removed",
                        "move them out first, e.g. 'herd ha set " + users.getFirst() + " --no-group'");
            }
            ConfigTypes.WriteResult r = store.delete(doc.path(), doc.version());
            PrintWriter out = spec.commandLine().getOut();
            if (Main.global().json) {
                Output.json(out, r);
            } else {
                out.printf("removed group %s (%s deleted at version %d)%n", name, r.path(), r.version());
            }
            return 0;
        }
    }

    @Command(name = "list", description = "Every group with its nodes and flags (ha-manager groupconfig).")
    static final class ListGroups implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            List<HaTypes.Group> groups = HaStore.connect().readAll(HaTypes.GROUPS, HaTypes.Group.class,
                    spec.commandLine().getErr()).stream().map(HaStore.Doc::value).toList();
            PrintWriter out = spec.commandLine().getOut();
            if (Main.global().json) {
                Output.json(out, groups);
                return 0;
            }
            if (groups.isEmpty()) {
                return 0;
            }
            int width = Math.max(4, groups.stream().mapToInt(g -> g.name().length()).max().orElse(0));
            String row = "%-" + width + "s  %-10s  %-10s  %s%n";
            out.printf(row, "NAME", "RESTRICTED", "NOFAILBACK", "NODES");
            for (HaTypes.Group g : groups) {
                out.printf(row, g.name(), Output.yesNo(g.restricted()), Output.yesNo(g.nofailback()),
                        g.nodes() == null ? "" : formatNodes(g.nodes()));
            }
            return 0;
        }
    }
}
