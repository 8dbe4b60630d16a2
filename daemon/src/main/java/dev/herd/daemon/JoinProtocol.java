package dev.herd.daemon;

import dev.herd.api.HerdClient;
import dev.herd.daemon.state.ClusterConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;

/**
 * `herd cluster join ADDRESS`: the joining host presents the cluster's join token to a member's API (like
 * `pvecm add` authenticating to an existing node); a quorate member checks it and the versions, assigns the next node
 * id, commits the new node list cluster-wide, and hands back the node list and the cluster key.
 */
public final class JoinProtocol {
    public static final String PATH = "/api/v1/cluster/join-requests";

    private JoinProtocol() {}

    public record Request(String name, String clusterAddress, String apiAddress, String version, String joinToken) {}

    public record Accepted(int nodeId, ClusterConfig config, String clusterKeyHex) {}

    static Accepted requestJoin(String address, String joinToken, Request request) throws ApiFailure {
        if (joinToken == null || joinToken.isBlank()) {
            throw new ApiFailure(400, "no join token given", "pass --join-token; 'herd cluster join-token' on a member shows it");
        }
        HerdClient remote = new HerdClient(address, joinToken, Duration.ofSeconds(15));
        try {
            return remote.post(PATH, request, Accepted.class);
        } catch (HerdClient.ApiException e) {
            throw new ApiFailure(e.status() == 0 ? 502 : e.status(), "join via " + address + " refused: "
                    + e.getMessage(), e.hint());
        }
    }

    static boolean tokenMatches(String expected, String presented) {
        return presented != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
                presented.getBytes(StandardCharsets.UTF_8));
    }
}
