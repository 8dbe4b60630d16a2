package dev.herd.cli;

import dev.herd.api.ApiTypes;
import dev.herd.quorum.sim.ScenarioRunner;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** `herd quorum …`: votequorum state, what-if, and the scenario simulator. */
@Command(name = "quorum", description = "Quorum status, what-if analysis and scenario simulation.",
        subcommands = {QuorumCommand.Status.class, QuorumCommand.WhatIf.class, QuorumCommand.Expected.class,
                QuorumCommand.Simulate.class})
final class QuorumCommand {

    /** The body of `corosync-quorumtool -s` (tools/corosync-quorumtool.c display_quorum_data + membership). */
    static void printQuorum(PrintWriter out, ApiTypes.QuorumInfo q) {
        out.println("Quorum information");
        out.println("------------------");
        out.printf("Date:             %s%n",
                ZonedDateTime.now().format(DateTimeFormatter.ofPattern("EEE MMM d HH:mm:ss yyyy", Locale.ROOT)));
        out.printf("Quorum provider:  herd_votequorum (preset %s)%n", q.preset());
        out.printf("Nodes:            %d%n", q.nodes());
        out.printf("Node ID:          %d%n", q.nodeId());
        out.printf("Ring ID:          %s%n", q.ringId());
        out.printf("Quorate:          %s%n", Output.yesNo(q.quorate()));
        out.println();
        out.println("Votequorum information");
        out.println("----------------------");
        out.printf("Expected votes:   %d%n", q.expectedVotes());
        out.printf("Highest expected: %d%n", q.highestExpected());
        out.printf("Total votes:      %d%n", q.totalVotes());
        out.printf("Quorum:           %d %s%n", q.quorum(), q.quorate() ? "" : " Activity blocked");
        out.printf("Flags:            %s%n", String.join(" ", q.flags()));
        out.println();
        out.println("Membership information");
        out.println("----------------------");
        out.printf("%10s %10s %s%n", "Nodeid", "Votes", "Name");
        for (ApiTypes.MemberVotes m : q.members()) {
            out.printf("%10d %10d %s%s%n", m.nodeId(), m.votes(), m.name(), m.local() ? " (local)" : "");
        }
    }

    @Command(name = "status", description = "Like corosync-quorumtool -s. Exit code 2 when not quorate.")
    static final class Status implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            ApiTypes.QuorumInfo q = Target.resolve(Main.global()).get("/api/v1/quorum", ApiTypes.QuorumInfo.class);
            if (Main.global().json) {
                Output.json(out, q);
            } else {
                printQuorum(out, q);
            }
            return q.quorate() ? 0 : Main.EXIT_NOT_QUORATE;
        }
    }

    @Command(name = "what-if", description = "Would the cluster keep quorum if these hosts went down? Exit code 2 if not.")
    static final class WhatIf implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--down", arity = "1..*", required = true, paramLabel = "NODE",
                description = "Hosts (name or id) that would shut down.")
        List<String> down;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            ApiTypes.WhatIfResult r = Target.resolve(Main.global()).post("/api/v1/quorum/what-if",
                    new ApiTypes.WhatIfRequest(down), ApiTypes.WhatIfResult.class);
            if (Main.global().json) {
                Output.json(out, r);
            } else {
                out.printf("Down:             %s%n", r.down());
                out.printf("Remaining:        %s%n", r.survivors());
                out.printf("Keeps quorum:     %s%n", Output.yesNo(r.keepsQuorum()));
                out.printf("Total votes:      %d (quorum %d, expected %d)%n", r.totalVotes(), r.quorum(),
                        r.expectedVotes());
                out.printf("Why:              %s%n", r.reason());
                out.printf("Advice:           %s%n", r.advice());
            }
            return r.keepsQuorum() ? 0 : Main.EXIT_NOT_QUORATE;
        }
    }

    @Command(name = "expected", description = "Set expected votes at runtime (like pvecm expected / corosync-quorumtool "
            + "-e): regain quorum after losing hosts for good. Never below the votes present.")
    static final class Expected implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "VOTES")
        int votes;

        @Override
        public Integer call() throws Exception {
            return ClusterCommand.print(spec, Target.resolve(Main.global()).post("/api/v1/quorum/expected",
                    new ApiTypes.ExpectedVotesRequest(votes), ApiTypes.Message.class));
        }
    }

    @Command(name = "simulate", description = "Run the quorum engine over a scenario file (docs/quorum.md); "
            + "prints one JSON line per live node after each event.")
    static final class Simulate implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "Scenario JSON file ('-' for standard input).")
        String file;

        @Override
        public Integer call() throws Exception {
            String json = InputFiles.read(file, "scenario");
            List<String> lines;
            try {
                lines = ScenarioRunner.run(json);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("scenario " + file + ": " + e.getMessage(), e);
            }
            PrintWriter out = spec.commandLine().getOut();
            lines.forEach(out::println);
            return 0;
        }
    }
}
