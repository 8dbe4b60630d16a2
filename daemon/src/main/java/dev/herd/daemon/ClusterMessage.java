package dev.herd.daemon;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.herd.api.Json;
import dev.herd.daemon.state.ClusterConfig;
import dev.herd.quorum.NodeInfo;
import java.io.IOException;
import java.util.List;

/**
 * What herdd members broadcast to each other, in total order, as JSON. A payload that does not decode (a peer
 * speaking garbage, or a newer protocol) is dropped with a warning; it never reaches the quorum engine.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = ClusterMessage.NodeInfoMessage.class, name = "nodeinfo"),
        @JsonSubTypes.Type(value = ClusterMessage.Hello.class, name = "hello"),
        @JsonSubTypes.Type(value = ClusterMessage.ConfigUpdate.class, name = "config"),
        @JsonSubTypes.Type(value = ClusterMessage.NodeInfoRequest.class, name = "nodeinfo-request"),
        @JsonSubTypes.Type(value = ClusterMessage.SetExpectedVotes.class, name = "set-expected-votes")
})
sealed interface ClusterMessage {
    int MAX_BYTES = 1 << 20;

    /** votequorum's nodeinfo: sent by each member after every membership change and when its state changes. */
    record NodeInfoMessage(int nodeId, int votes, int expectedVotes, int flags) implements ClusterMessage {
        static NodeInfoMessage of(NodeInfo info) {
            return new NodeInfoMessage(info.nodeId(), info.votes(), info.expectedVotes(), info.flags());
        }

        NodeInfo toNodeInfo() {
            return new NodeInfo(nodeId, votes, expectedVotes, flags);
        }
    }

    /** Sent after every membership change: who I am, what I run, which cluster config I hold. */
    record Hello(int nodeId, String name, String version, int configVersion) implements ClusterMessage {}

    /** A new cluster config, from the quorate member that made the change (or re-sent to a member behind). */
    record ConfigUpdate(ClusterConfig config) implements ClusterMessage {}

    /** "I have no nodeinfo from these members of the current view": they send theirs again. */
    record NodeInfoRequest(List<Integer> nodeIds) implements ClusterMessage {
        public NodeInfoRequest {
            nodeIds = List.copyOf(nodeIds);
        }
    }

    /** votequorum's VOTEQUORUM_RECONFIG_PARAM_EXPECTED_VOTES (`herd quorum expected N`): every member applies it. */
    record SetExpectedVotes(int expectedVotes) implements ClusterMessage {}

    static byte[] encode(ClusterMessage message) {
        try {
            return Json.MAPPER.writeValueAsBytes(message);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode " + message, e);
        }
    }

    static ClusterMessage decode(byte[] payload) throws IOException {
        if (payload.length > MAX_BYTES) {
            throw new IOException("message of " + payload.length + " bytes exceeds " + MAX_BYTES);
        }
        return Json.MAPPER.readValue(payload, ClusterMessage.class);
    }
}
