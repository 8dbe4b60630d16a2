package dev.herd.cli;

import dev.herd.api.ApiTypes;
import dev.herd.api.ConfigTypes;
import dev.herd.api.HaTypes;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * `herd node remove|forget NODE` (pvecm delnode; xe host-forget) and `herd node maintenance enable|disable NODE`
 * (ha-manager crm-command node-maintenance).
 */
@Command(name = "node", description = "Remove or forget a host that is down; put a host in HA maintenance.",
        subcommands = {NodeCommand.Remove.class, NodeCommand.Forget.class, NodeCommand.Maintenance.class})
final class NodeCommand {

    static String nodePath(String node) {
        return "/api/v1/cluster/nodes/" + URLEncoder.encode(node, StandardCharsets.UTF_8);
    }

    @Command(name = "remove", description = "Remove a host that is down from the node list. A live host is refused.")
    static final class Remove implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "NODE", description = "Name or id.")
        String node;

        @Override
        public Integer call() throws Exception {
            return ClusterCommand.print(spec, Target.resolve(Main.global()).delete(nodePath(node), ApiTypes.Message.class));
        }
    }

    @Command(name = "forget", description = "Declare a host permanently dead: it stops counting for quorum and its id "
            + "is never let back in (like xe host-forget).")
    static final class Forget implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "NODE", description = "Name or id.")
        String node;

        @Override
        public Integer call() throws Exception {
            return ClusterCommand.print(spec, Target.resolve(Main.global()).post(nodePath(node) + "/forget",
                    java.util.Map.of(), ApiTypes.Message.class));
        }
    }

    @Command(name = "maintenance", description = "enable: the HA manager moves the host's guests away and places none "
            + "there; disable: they come back (ha-manager crm-command node-maintenance enable|disable).")
    static final class Maintenance implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "enable|disable")
        String action;

        @Parameters(index = "1", paramLabel = "NODE", converter = HaNames.NodeConverter.class,
                description = "nodeN or N.")
        int node;

        @Override
        public Integer call() throws Exception {
            if (!action.equals("enable") && !action.equals("disable")) {
                throw new ParameterException(spec.commandLine(), "unknown action '" + action
                        + "': use enable or disable, e.g. herd node maintenance enable " + HaNames.nodeName(node));
            }
            HaStore store = HaStore.connect();
            HaTypes.ManagerStatusDoc ms = store.managerStatus();
            if (ms != null && ms.nodes() != null && !ms.nodes().isEmpty()
                    && !ms.nodes().containsKey(String.valueOf(node))) {
                throw new Refusal(HaNames.nodeName(node) + " is not a node the HA manager knows",
                        "see the nodes with 'herd ha status'");
            }
            ConfigTypes.WriteResult r = store.submit(new HaTypes.Command("maintenance", null, node,
                    action.equals("enable")));
            PrintWriter out = spec.commandLine().getOut();
            if (Main.global().json) {
                Output.json(out, r);
            } else {
                out.printf("requested maintenance %s for %s (%s); follow it with 'herd ha status'%n", action,
                        HaNames.nodeName(node), r.path());
            }
            return 0;
        }
    }
}
