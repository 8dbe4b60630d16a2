package dev.herd.daemon.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herd.api.Json;
import dev.herd.quorum.Votequorum;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The cluster config: node list changes bump the version; expected_votes override reaches the engine. */
class ClusterConfigTest {
    private static ClusterNodeEntry node(int id) {
        return new ClusterNodeEntry(id, "node" + id, "127.0.0.1:" + (7800 + id), "127.0.0.1:" + (8000 + id), 1);
    }

    @Test
    void expectedVotesOverrideIsWhatTheEngineUses() {
        ClusterConfig config = new ClusterConfig("c", 1, "majority", "t", List.of(node(1), node(2), node(3)), List.of(), 5);
        Votequorum engine = new Votequorum(1, config.quorumConfig());
        engine.handleNodeInfo(engine.handleViewChange(Set.of(1), 0), 0);
        assertThat(engine.status().expectedVotes()).isEqualTo(5);
        assertThat(engine.status().quorum()).isEqualTo(3);
    }

    @Test
    void nodeListChangesBumpTheVersionAndKeepTheOverride() {
        ClusterConfig config = new ClusterConfig("c", 7, "majority", "t", List.of(node(1), node(2)), List.of(), null);
        ClusterConfig forgot = config.withNode(node(3)).withoutNode(2, true);
        assertThat(forgot.configVersion()).isEqualTo(9);
        assertThat(forgot.nodes()).extracting(ClusterNodeEntry::id).containsExactly(1, 3);
        assertThat(forgot.forgotten()).containsExactly(2);
        assertThat(forgot.nextNodeId()).isEqualTo(4);
        assertThat(forgot.expectedVotes()).isNull();
    }

    @Test
    void aConfigWrittenBeforeTheOverrideExistedStillReads() throws Exception {
        String old = """
                {"local_node_id":1,"config":{"cluster_name":"c","config_version":3,"quorum_preset":"majority",
                 "join_token":"t","nodes":[{"id":1,"name":"node1","cluster_address":"127.0.0.1:7801",
                 "api_address":"127.0.0.1:8001","votes":1}],"forgotten":[]}}""";
        StateStore.Membership m = Json.MAPPER.readValue(old, StateStore.Membership.class);
        assertThat(m.config().expectedVotes()).isNull();
        assertThat(m.config().quorumConfig().options().expectedVotesOverride()).isNull();
    }
}
