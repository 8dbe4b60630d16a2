package dev.herd.cli;

import dev.herd.api.ApiTypes;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** `herd node remove|forget NODE` (pvecm delnode; xe host-forget). */
@Command(name = "node", description = "Remove or forget a host that is down.",
        subcommands = {NodeCommand.Remove.class, NodeCommand.Forget.class})
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
}
