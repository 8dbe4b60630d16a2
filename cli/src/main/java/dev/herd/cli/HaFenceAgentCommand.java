package dev.herd.cli;

import dev.herd.api.ConfigTypes;
import dev.herd.api.HaTypes;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code herd ha fence-agent set|rm|list}: the command the CRM master runs to power a failed node off before it
 * recovers that node's guests ({@code ha/fence-agents/node<N>.json}). Exit code 0 within the timeout means "confirmed
 * off"; in every argument {@code {node}} becomes the node id (2) and {@code {name}} the node name (node2). Without an
 * agent a node is fenced by waiting out its agent lock (its watchdog fires first).
 */
@Command(name = "fence-agent", description = "Per-node fence agents: the command that powers a failed node off.",
        subcommands = {HaFenceAgentCommand.SetAgent.class, HaFenceAgentCommand.Rm.class,
                HaFenceAgentCommand.ListAgents.class})
final class HaFenceAgentCommand {
    private HaFenceAgentCommand() {}

    static String path(int node) {
        return HaTypes.FENCE_AGENTS + HaNames.nodeName(node) + ".json";
    }

    @Command(name = "set", description = "Set NODE's fence agent: the command after --; {node} and {name} in it become "
            + "the node's id and name.")
    static final class SetAgent implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "NODE", converter = HaNames.NodeConverter.class)
        int node;

        @Parameters(index = "1..*", paramLabel = "COMMAND", description = "After --, e.g. -- ipmitool -H bmc-{name} "
                + "-U admin -f /etc/herd/ipmi.pass chassis power off")
        List<String> command = new ArrayList<>();

        @Option(names = "--timeout-ms", defaultValue = "30000", paramLabel = "MS",
                description = "How long the agent may take; later counts as failed (default 30000).")
        long timeoutMs;

        @Override
        public Integer call() throws Exception {
            if (command.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "no command: put the fence agent's command after --, "
                        + "e.g. herd ha fence-agent set " + HaNames.nodeName(node) + " -- ipmitool -H bmc-{name} "
                        + "chassis power off");
            }
            if (timeoutMs <= 0) {
                throw new ParameterException(spec.commandLine(), "--timeout-ms must be positive, got " + timeoutMs);
            }
            HaTypes.FenceAgent agent = new HaTypes.FenceAgent(node, List.copyOf(command), timeoutMs);
            HaStore.Update<HaTypes.FenceAgent> u = HaStore.connect().update(path(node), HaTypes.FenceAgent.class,
                    a -> agent);
            PrintWriter out = spec.commandLine().getOut();
            if (Main.global().json) {
                Output.json(out, agent);
            } else if (u.written() == null) {
                out.printf("fence agent of %s unchanged; nothing written%n", HaNames.nodeName(node));
            } else {
                out.printf("fence agent of %s: %s (timeout %d ms; %s version %d)%n", HaNames.nodeName(node),
                        GuestCommand.shellWords(agent.command()), timeoutMs, u.written().path(), u.written().version());
            }
            return 0;
        }
    }

    @Command(name = "rm", description = "Remove NODE's fence agent (it is then fenced by its agent lock and watchdog).")
    static final class Rm implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "NODE", converter = HaNames.NodeConverter.class)
        int node;

        @Override
        public Integer call() throws Exception {
            HaStore store = HaStore.connect();
            HaStore.Doc<HaTypes.FenceAgent> doc = store.read(path(node), HaTypes.FenceAgent.class);
            if (doc == null) {
                throw new Refusal(HaNames.nodeName(node) + " has no fence agent", "see them with 'herd ha fence-agent "
                        + "list'");
            }
            ConfigTypes.WriteResult r = store.delete(doc.path(), doc.version());
            PrintWriter out = spec.commandLine().getOut();
            if (Main.global().json) {
                Output.json(out, r);
            } else {
                out.printf("removed the fence agent of %s (%s deleted at version %d)%n", HaNames.nodeName(node),
                        r.path(), r.version());
            }
            return 0;
        }
    }

    @Command(name = "list", description = "Every node's fence agent.")
    static final class ListAgents implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            List<HaTypes.FenceAgent> agents = HaStore.connect().readAll(HaTypes.FENCE_AGENTS, HaTypes.FenceAgent.class,
                    spec.commandLine().getErr()).stream().map(HaStore.Doc::value)
                    .sorted(Comparator.comparingInt(HaTypes.FenceAgent::node)).toList();
            PrintWriter out = spec.commandLine().getOut();
            if (Main.global().json) {
                Output.json(out, agents);
                return 0;
            }
            if (agents.isEmpty()) {
                return 0;
            }
            String row = "%-6s  %10s  %s%n";
            out.printf(row, "NODE", "TIMEOUT_MS", "COMMAND");
            for (HaTypes.FenceAgent a : agents) {
                out.printf(row, HaNames.nodeName(a.node()), a.timeoutMs(),
                        a.command() == null ? "" : GuestCommand.shellWords(a.command()));
            }
            return 0;
        }
    }
}
