package dev.herd.cli;

import dev.herd.api.ApiTypes;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** `herd cluster create|join|leave|join-token`: cluster lifecycle on this host (pvecm create/add). */
@Command(name = "cluster", description = "Create, join or leave a cluster.",
        subcommands = {ClusterCommand.Create.class, ClusterCommand.Join.class, ClusterCommand.Leave.class,
                ClusterCommand.JoinToken.class})
final class ClusterCommand {

    static int print(CommandSpec spec, ApiTypes.Message m) {
        PrintWriter out = spec.commandLine().getOut();
        if (Main.global().json) {
            Output.json(out, m);
        } else {
            out.println(m.message());
        }
        return 0;
    }

    @Command(name = "create", description = "Create a cluster on this host; generates the cluster key.")
    static final class Create implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--preset", defaultValue = "majority", paramLabel = "PRESET",
                description = "Quorum preset: majority (Proxmox VE) or clustered-pool (XenServer). Default: ${DEFAULT-VALUE}.")
        String preset;

        @Option(names = "--expected-votes", paramLabel = "VOTES",
                description = "Override expected votes (corosync's quorum.expected_votes); default: the node list's votes.")
        Integer expectedVotes;

        @Override
        public Integer call() throws Exception {
            return print(spec, Target.resolve(Main.global()).post("/api/v1/cluster",
                    new ApiTypes.CreateClusterRequest(name, preset, expectedVotes), ApiTypes.Message.class));
        }
    }

    @Command(name = "join", description = "Join this host to the cluster of the host at ADDRESS (its API address).")
    static final class Join implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "ADDRESS", description = "API address (host:port) of a cluster member.")
        String address;

        @Option(names = "--join-token", required = true, paramLabel = "TOKEN",
                description = "The cluster's join token ('herd cluster join-token' on a member).")
        String joinToken;

        @Override
        public Integer call() throws Exception {
            return print(spec, Target.resolve(Main.global()).withTimeout(java.time.Duration.ofSeconds(90)).post("/api/v1/cluster/join",
                    new ApiTypes.JoinClusterRequest(address, joinToken), ApiTypes.Message.class));
        }
    }

    @Command(name = "leave", description = "Take this host out of its cluster (the cluster must be quorate).")
    static final class Leave implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            return print(spec, Target.resolve(Main.global()).post("/api/v1/cluster/leave", java.util.Map.of(),
                    ApiTypes.Message.class));
        }
    }

    @Command(name = "join-token", description = "Print the token other hosts need to join.")
    static final class JoinToken implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            String token = Target.resolve(Main.global()).getJson("/api/v1/cluster/join-token").get("join_token").asText();
            return print(spec, new ApiTypes.Message(token));
        }
    }
}
