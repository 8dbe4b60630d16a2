package dev.herd.cli;

import dev.herd.cli.sandbox.Sandbox;
import dev.herd.cli.sandbox.SandboxNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** `herd sandbox …`: a local cluster of real herdd processes, and real faults to inject into it. */
@Command(name = "sandbox", description = "A local cluster of real herdd processes on loopback, with fault injection.",
        subcommands = {SandboxCommand.Up.class, SandboxCommand.Down.class, SandboxCommand.Ps.class,
                SandboxCommand.Kill.class, SandboxCommand.Pause.class, SandboxCommand.Resume.class,
                SandboxCommand.Start.class, SandboxCommand.Partition.class, SandboxCommand.Heal.class,
                SandboxCommand.Fence.class})
final class SandboxCommand {

    static Sandbox open() throws IOException {
        return Sandbox.open(Sandbox.defaultDir()).orElseThrow(() -> new IOException("no sandbox in "
                + Sandbox.defaultDir() + "; start one with 'herd sandbox up'"));
    }

    static void say(CommandSpec spec, String line) {
        if (!Main.global().json) {
            spec.commandLine().getOut().println(line);
        }
    }

    /** With --json, a command that only acts prints what it did as {"message": …}. */
    static int done(CommandSpec spec, String message) {
        if (Main.global().json) {
            Output.json(spec.commandLine().getOut(), new dev.herd.api.ApiTypes.Message(message));
        } else {
            spec.commandLine().getOut().println(message);
        }
        return 0;
    }

    @Command(name = "up", description = "Start N herdd processes, form a cluster, print `herd status`.")
    static final class Up implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--nodes", defaultValue = "3", description = "Number of hosts (default ${DEFAULT-VALUE}).")
        int nodes;

        @Option(names = "--preset", defaultValue = "majority", description = "Quorum preset (default ${DEFAULT-VALUE}).")
        String preset;

        @Option(names = "--profile", defaultValue = "default", description = "Timeout profile (default ${DEFAULT-VALUE}).")
        String profile;

        @Option(names = "--subnet", defaultValue = "1", description = "Hosts get 127.0.SUBNET.i (default ${DEFAULT-VALUE}).")
        int subnet;

        @Option(names = "--no-guest", description = "Do not configure fence agents and the demo HA guest ct:100.")
        boolean noGuest;

        @Option(names = "--netns", description = "Each host in its own network namespace (10.251.SUBNET.i on a private "
                + "bridge) instead of its own loopback address. Needs root.")
        boolean netns;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            Sandbox s = Sandbox.create(Sandbox.defaultDir(),
                    new Sandbox.Options(nodes, subnet, preset, profile, netns, List.of(), Map.of()), l -> say(spec, l));
            try {
                s.formCluster(l -> say(spec, l), Duration.ofSeconds(90));
                if (!noGuest) {
                    s.configureHa(l -> say(spec, l));
                }
            } catch (IOException | RuntimeException e) {
                throw new IOException(e.getMessage() + " (logs in " + s.dir() + "/node*/herdd.log; "
                        + "'herd sandbox down' cleans up)", e);
            }
            say(spec, "");
            int rc = new StatusCommand().callWith(spec);
            say(spec, "");
            say(spec, "API of node1: http://" + s.nodes().getFirst().apiAddress() + " (token in "
                    + s.nodes().getFirst().dataDir() + "/api-token)");
            say(spec, "Try: herd ha status; herd sandbox kill node1 (the guest's host); herd ha status; "
                    + "herd guest log ct:100 --node node2; herd sandbox start node1; herd sandbox down");
            return rc;
        }
    }

    @Command(name = "down", description = "Stop every sandbox process, remove link rules and files.")
    static final class Down implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--keep-files", description = "Keep data dirs and logs.")
        boolean keepFiles;

        @Override
        public Integer call() throws Exception {
            Sandbox s = open();
            s.down(!keepFiles);
            return done(spec, "sandbox in " + s.dir() + " is down" + (keepFiles ? " (files kept)" : ""));
        }
    }

    @Command(name = "ps", description = "List sandbox hosts and their processes.")
    static final class Ps implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Sandbox s = open();
            PrintWriter out = spec.commandLine().getOut();
            if (Main.global().json) {
                Output.json(out, s.nodes());
                return 0;
            }
            out.printf("%-8s %-8s %-12s %-22s %s%n", "NODE", "PID", "STATE", "API", "LOG");
            for (SandboxNode n : s.nodes()) {
                out.printf("%-8s %-8s %-12s %-22s %s%n", n.name(), n.pid() > 0 ? n.pid() : "-",
                        s.alive(n) ? "running" : "stopped", n.apiAddress(), n.logFile());
            }
            return 0;
        }
    }

    abstract static class PerNode implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(arity = "1..*", paramLabel = "NODE")
        List<String> names;

        abstract String act(Sandbox s, String name) throws IOException;

        @Override
        public Integer call() throws Exception {
            Sandbox s = open();
            List<String> results = new ArrayList<>();
            for (String name : names) {
                results.add(act(s, name));
            }
            return done(spec, String.join("\n", results));
        }
    }

    @Command(name = "kill", description = "Cut the power of these hosts: SIGKILL herdd, its watchdog supervisor and "
            + "its guests (--daemon-only: herdd alone, a daemon crash).")
    static final class Kill extends PerNode {
        @Option(names = "--daemon-only", description = "SIGKILL herdd only; its watchdog and guests go on.")
        boolean daemonOnly;

        @Override
        String act(Sandbox s, String name) throws IOException {
            if (daemonOnly) {
                s.killDaemon(name);
                return s.node(name).name() + ": herdd killed (SIGKILL)";
            }
            List<String> killed = s.kill(name);
            return s.node(name).name() + " powered off: killed " + (killed.isEmpty() ? "nothing (it was down)"
                    : String.join(", ", killed));
        }
    }

    @Command(name = "fence", hidden = true, description = "The sandbox's fence agent: power a host off (kill all its "
            + "processes); exit 0 once nothing of it runs. Used as `ha/fence-agents` command of sandbox hosts.")
    static final class Fence implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--dir", required = true, description = "The sandbox directory.")
        java.nio.file.Path dir;

        @Parameters(paramLabel = "NODE")
        String name;

        @Override
        public Integer call() throws Exception {
            Sandbox s = Sandbox.open(dir).orElseThrow(() -> new IOException("no sandbox in " + dir));
            List<String> killed = Sandbox.powerOff(s.node(name));
            spec.commandLine().getOut().println(name + " is off: killed " + (killed.isEmpty() ? "nothing"
                    : String.join(", ", killed)));
            return 0;
        }
    }

    @Command(name = "pause", description = "SIGSTOP herdd on these hosts (a frozen host: sockets stay open).")
    static final class Pause extends PerNode {
        @Override
        String act(Sandbox s, String name) throws IOException {
            s.pause(name);
            return s.node(name).name() + " paused (SIGSTOP)";
        }
    }

    @Command(name = "resume", description = "SIGCONT herdd on these hosts.")
    static final class Resume extends PerNode {
        @Override
        String act(Sandbox s, String name) throws IOException {
            s.resume(name);
            return s.node(name).name() + " resumed (SIGCONT)";
        }
    }

    @Command(name = "start", description = "Start herdd again on these hosts (same config and data dir).")
    static final class Start extends PerNode {
        @Override
        String act(Sandbox s, String name) throws IOException {
            s.start(name, List.of(), Map.of());
            return s.node(name).name() + " started (pid " + s.node(name).pid() + ")";
        }
    }

    @Command(name = "partition", description = "Cut links between groups, e.g. `partition node1,node2 node3`. "
            + "Hosts not named are isolated. Needs root (iptables).")
    static final class Partition implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(arity = "1..*", paramLabel = "GROUP", description = "Comma-separated hosts that stay connected.")
        List<String> groups;

        @Override
        public Integer call() throws Exception {
            List<List<String>> parsed = new ArrayList<>();
            for (String g : groups) {
                parsed.add(Arrays.stream(g.split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList());
            }
            open().partition(parsed);
            return done(spec, "partitioned: " + parsed);
        }
    }

    @Command(name = "heal", description = "Restore every cut link.")
    static final class Heal implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            open().heal();
            return done(spec, "all links restored");
        }
    }
}
