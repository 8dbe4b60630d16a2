package dev.herd.cli;

import dev.herd.api.HerdClient;
import dev.herd.api.HerdVersion;
import java.io.IOException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * herd: the operator's CLI. It talks to a herdd's REST API exactly as the GUI does. Exit codes: 0 ok, 1 the request
 * failed (the message says why and what to do), 2 not quorate (`herd quorum status`, like corosync-quorumtool),
 * 64 wrong arguments.
 */
@Command(name = "herd", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Herd: a high-availability cluster for virtualization hosts.",
        subcommands = {StatusCommand.class, QuorumCommand.class, ClusterCommand.class, NodeCommand.class,
                SandboxCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    static final int EXIT_FAILED = 1;
    static final int EXIT_NOT_QUORATE = 2;
    static final int EXIT_USAGE = 64;

    private static GlobalOptions global = new GlobalOptions();

    @Mixin
    GlobalOptions options;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs one command line; returns the exit code (tests call this). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        Main main = new Main();
        CommandLine cl = new CommandLine(main);
        global = main.options;
        cl.setOut(out).setErr(err);
        cl.setParameterExceptionHandler((e, a) -> {
            err.println("herd: " + e.getMessage());
            e.getCommandLine().usage(err);
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            boolean json = global.json;
            String message;
            String hint = null;
            if (e instanceof HerdClient.ApiException api) {
                message = api.getMessage();
                hint = api.hint();
            } else if (e instanceof IOException || e instanceof IllegalArgumentException) {
                message = e.getMessage();
            } else {
                message = e.toString();
            }
            if (json) {
                Output.json(out, new dev.herd.api.ApiTypes.ApiError(message, hint));
            } else {
                err.println("herd: " + message);
                if (hint != null) {
                    err.println("hint: " + hint);
                }
            }
            return EXIT_FAILED;
        });
        return cl.execute(args);
    }

    static GlobalOptions global() {
        return global;
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"herd " + HerdVersion.current()};
        }
    }
}
