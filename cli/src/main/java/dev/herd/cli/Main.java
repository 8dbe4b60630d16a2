package dev.herd.cli;

import dev.herd.api.HerdClient;
import dev.herd.api.HerdVersion;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * herd: the operator's CLI. It talks to a herdd's REST API exactly as the GUI does. Exit codes: 0 ok, 1 the request
 * failed (the message says why and what to do), 2 not quorate (`herd quorum status`, like corosync-quorumtool),
 * 64 wrong arguments. A write refused with "not quorate" (503) also exits 2, so scripts can tell "try again once the
 * cluster is quorate" from "this request is wrong".
 */
@Command(name = "herd", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Herd: a high-availability cluster for virtualization hosts.",
        subcommands = {StatusCommand.class, QuorumCommand.class, ClusterCommand.class, NodeCommand.class,
                GuestCommand.class, HaCommand.class, ConfigCommand.class, SandboxCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    static final int EXIT_FAILED = 1;
    static final int EXIT_NOT_QUORATE = 2;
    static final int EXIT_USAGE = 64;

    private static GlobalOptions global = new GlobalOptions();
    /** Standard output as bytes, for commands that print a value unchanged (`herd config get`). */
    private static OutputStream rawOut = System.out;

    @Mixin
    GlobalOptions options;

    public static void main(String[] args) {
        System.exit(run(args, System.out, new PrintWriter(System.err, true)));
    }

    /** Runs one command line; returns the exit code (tests call this). Raw bytes go to System.out. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return run(args, out, System.out, err);
    }

    /** Like {@link #run(String[], PrintWriter, PrintWriter)}, with standard output as bytes (text is UTF-8). */
    public static int run(String[] args, OutputStream stdout, PrintWriter err) {
        return run(args, new PrintWriter(new OutputStreamWriter(stdout, StandardCharsets.UTF_8), true), stdout, err);
    }

    private static int run(String[] args, PrintWriter out, OutputStream stdout, PrintWriter err) {
        Main main = new Main();
        CommandLine cl = new CommandLine(main);
        global = main.options;
        rawOut = stdout;
        cl.setOut(out).setErr(err);
        cl.setParameterExceptionHandler((e, a) -> {
            err.println("herd: " + e.getMessage());
            e.getCommandLine().usage(err);
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof Refusal r) {
                printError(out, err, r.getMessage(), r.hint());
                return EXIT_FAILED;
            }
            if (e instanceof HerdClient.ApiException api) {
                printError(out, err, api.getMessage(), api.hint());
                return exitCodeOf(api);
            }
            printError(out, err, e instanceof IOException || e instanceof IllegalArgumentException
                    ? e.getMessage() : e.toString(), null);
            return EXIT_FAILED;
        });
        int code = cl.execute(args);
        out.flush();
        return code;
    }

    /** Prints a failure as every command does: "herd: message" and "hint: …" on stderr, or an ApiError with --json. */
    static void printError(PrintWriter out, PrintWriter err, String message, String hint) {
        if (global.json) {
            Output.json(out, new dev.herd.api.ApiTypes.ApiError(message, hint));
        } else {
            err.println("herd: " + message);
            if (hint != null) {
                err.println("hint: " + hint);
            }
            err.flush();
        }
    }

    /** 2 for a request refused because this host is not quorate (the API's 503 "not quorate: …"), else 1. */
    static int exitCodeOf(HerdClient.ApiException e) {
        // 503 alone is not enough: herdd also answers 503 when its cluster loop is too slow to answer.
        boolean notQuorate = e.status() == 503 && e.getMessage() != null && e.getMessage().startsWith("not quorate");
        return notQuorate ? EXIT_NOT_QUORATE : EXIT_FAILED;
    }

    static GlobalOptions global() {
        return global;
    }

    static OutputStream rawOut() {
        return rawOut;
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
