package dev.herd.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.herd.api.ApiTypes;
import dev.herd.api.HerdClient;
import dev.herd.cli.Main;
import dev.herd.cli.sandbox.SandboxNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** create / join / leave / remove / forget, version checks, and the CLI on top, against real daemons. */
class LifecycleProcessTest {

    @Test
    void joinChecksTokenAndVersionRemoveRefusesLiveHostsForgetAndLeaveWork() throws Exception {
        try (LiveCluster c = LiveCluster.start("lifecycle", 4, 107, "majority", false)) {
            HerdClient n1 = c.client("node1");
            n1.post("/api/v1/cluster", new ApiTypes.CreateClusterRequest("life", "majority", null),
                    ApiTypes.Message.class);
            String token = n1.getJson("/api/v1/cluster/join-token").get("join_token").asText();
            String addr = c.sandbox.node("node1").apiAddress();

            HerdClient.ApiException badToken = assertThrows(HerdClient.ApiException.class, () -> c.client("node2")
                    .post("/api/v1/cluster/join", new ApiTypes.JoinClusterRequest(addr, "wrong"), ApiTypes.Message.class));
            assertThat(badToken.getMessage()).contains("wrong join token");
            for (String n : List.of("node2", "node3")) {
                ApiTypes.Message joined = c.client(n).withTimeout(Duration.ofSeconds(90)).post("/api/v1/cluster/join",
                        new ApiTypes.JoinClusterRequest(addr, token), ApiTypes.Message.class);
                assertThat(joined.message()).contains("in the membership and quorate");
            }
            c.sandbox.awaitMembership(List.of("node1", "node2", "node3"), LiveCluster.CONVERGE);

            // A host running another version is refused, naming both versions.
            c.sandbox.kill("node4");
            c.sandbox.start("node4", List.of(), Map.of("HERD_VERSION_OVERRIDE", "9.9.9"));
            HerdClient.ApiException mismatch = assertThrows(HerdClient.ApiException.class, () -> c.client("node4")
                    .post("/api/v1/cluster/join", new ApiTypes.JoinClusterRequest(addr, token), ApiTypes.Message.class));
            assertThat(mismatch.getMessage()).contains("version mismatch").contains("9.9.9").contains("0.1.0");

            // An upgrade in progress: node3 restarted on another version; status warns about the mix.
            c.sandbox.kill("node3");
            c.sandbox.start("node3", List.of(), Map.of("HERD_VERSION_OVERRIDE", "0.1.1-test"));
            c.awaitTrue("status warns about mixed versions", LiveCluster.CONVERGE, () -> {
                ApiTypes.ClusterStatus s = n1.get("/api/v1/status", ApiTypes.ClusterStatus.class);
                return s.warnings().stream().anyMatch(w -> w.contains("mixed versions") && w.contains("0.1.1-test"))
                        ? null : "warnings " + s.warnings();
            });

            // node3's hello (its version) can arrive before its votequorum nodeinfo: wait until it counts again,
            // or the "[1, 2] quorate" wait below would pass before node3 is even gone
            c.awaitQuorum("node1", List.of(1, 2, 3), true, LiveCluster.CONVERGE);

            // remove: a live host is refused with the reason.
            HerdClient.ApiException live = assertThrows(HerdClient.ApiException.class,
                    () -> n1.delete("/api/v1/cluster/nodes/node3", ApiTypes.Message.class));
            assertThat(live.status()).isEqualTo(409);
            assertThat(live.getMessage()).contains("is online");

            // forget a dead host: it stops counting for quorum (expected votes 3 -> 2).
            c.sandbox.kill("node3");
            c.awaitQuorum("node1", List.of(1, 2), true, Duration.ofSeconds(20));
            n1.post("/api/v1/cluster/nodes/node3/forget", Map.of(), ApiTypes.Message.class);
            c.awaitTrue("expected votes drop to 2 after forget", Duration.ofSeconds(10), () -> {
                ApiTypes.QuorumInfo q = c.quorum("node2");
                return q.expectedVotes() == 2 ? null : "expected votes " + q.expectedVotes();
            });
            ApiTypes.ClusterStatus s = n1.get("/api/v1/status", ApiTypes.ClusterStatus.class);
            assertThat(s.nodes()).extracting(ApiTypes.NodeStatus::name).containsExactly("node1", "node2");

            // leave: node2 leaves; node1 is alone and still quorate (1 of 1).
            c.client("node2").post("/api/v1/cluster/leave", Map.of(), ApiTypes.Message.class);
            c.awaitQuorum("node1", List.of(1), true, Duration.ofSeconds(20));
            assertThat(c.client("node2").getJson("/api/v1/status").get("state").asText()).isEqualTo("standalone");

            // The CLI on top: --json everywhere, exit code 2 when not quorate, 64 on bad usage.
            SandboxNode node1 = c.sandbox.node("node1");
            String[] api = {"--api", node1.apiAddress(), "--token", dev.herd.cli.sandbox.Sandbox.apiToken(node1)};
            assertThat(cli(concat(api, "quorum", "status")).code()).isZero();
            Cli.Result json = cli(concat(api, "--json", "status"));
            assertThat(json.out()).contains("\"cluster_name\" : \"life\"");
            assertThat(cli(concat(api, "quorum", "bogus-subcommand")).code()).isEqualTo(64);
            Cli.Result whatIf = cli(concat(api, "quorum", "what-if", "--down", "node1"));
            assertThat(whatIf.code()).isEqualTo(2);
            assertThat(whatIf.out()).contains("Keeps quorum:     No");
            Cli.Result show = cli(concat(api, "config", "show"));
            assertThat(show.code()).isZero();
            assertThat(show.out()).contains("Timeout profile:  default").contains("suspect_timeout_ms")
                    .contains("3000").contains("max_value_bytes");
        }
    }

    private static Cli.Result cli(String... args) {
        return Cli.run(args);
    }

    private static String[] concat(String[] a, String... b) {
        return Cli.concat(a, b);
    }
}
