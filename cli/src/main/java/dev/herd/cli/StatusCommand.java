package dev.herd.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herd.api.ApiTypes;
import dev.herd.api.HerdClient;
import dev.herd.api.Json;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** `herd status`: the cluster at a glance, modelled on `pvecm status`. */
@Command(name = "status", description = "Cluster, quorum and member overview (like pvecm status).")
final class StatusCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        return callWith(spec);
    }

    int callWith(CommandSpec outputSpec) throws Exception {
        PrintWriter out = outputSpec.commandLine().getOut();
        HerdClient client = Target.resolve(Main.global());
        JsonNode raw = client.getJson("/api/v1/status");
        if (Main.global().json) {
            Output.json(out, raw);
            return 0;
        }
        if (!raw.has("cluster_name")) {
            ApiTypes.StandaloneStatus s = Json.MAPPER.treeToValue(raw, ApiTypes.StandaloneStatus.class);
            out.printf("%s (herd %s): %s%n%s%n", s.name(), s.version(), s.state(), s.hint());
            return 0;
        }
        ApiTypes.ClusterStatus s = Json.MAPPER.treeToValue(raw, ApiTypes.ClusterStatus.class);
        out.println("Cluster information");
        out.println("-------------------");
        out.printf("Name:             %s%n", s.clusterName());
        out.printf("Config Version:   %d%n", s.configVersion());
        out.printf("Transport:        jgroups/tcp (encrypted, key-authenticated)%n");
        out.printf("Timeout profile:  %s%n", s.profile());
        s.timeouts().forEach((k, v) -> out.printf("  %-26s %d%n", k, v));
        out.println();
        QuorumCommand.printQuorum(out, s.quorum());
        out.println();
        out.println("Nodes");
        out.println("-----");
        out.printf("%4s  %-14s %-8s %-16s %-22s %s%n", "ID", "Name", "State", "Version", "Cluster address", "API");
        for (ApiTypes.NodeStatus n : s.nodes()) {
            out.printf("%4d  %-14s %-8s %-16s %-22s %s%n", n.nodeId(), n.name() + (n.local() ? " *" : ""),
                    n.online() ? "online" : "offline", n.version() == null ? "-" : n.version(), n.clusterAddress(),
                    n.apiAddress());
        }
        for (String w : s.warnings()) {
            out.println();
            out.println("WARNING: " + w);
        }
        return 0;
    }
}
