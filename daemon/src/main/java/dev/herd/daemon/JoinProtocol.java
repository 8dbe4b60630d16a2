package dev.herd.daemon;

import dev.herd.api.HerdClient;
import dev.herd.api.Json;
import dev.herd.daemon.state.ClusterConfig;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;

/**
 * `herd cluster join ADDRESS`: the joining host proves to a member's API that it holds the cluster's join token
 * (like `pvecm add` authenticating to an existing node); a quorate member checks the proof and the versions, assigns
 * the next node id, commits the new node list cluster-wide, and hands back the node list and the cluster key, sealed
 * so that only the holder of the join token can read them ({@link JoinCrypto}).
 */
public final class JoinProtocol {
    public static final String PATH = "/api/v1/cluster/join-requests";
    private static final SecureRandom RANDOM = new SecureRandom();

    private JoinProtocol() {}

    /** What the joining host sends: who it is, and {@code proof} = HMAC(join token, these fields + nonce). */
    public record Request(String name, String clusterAddress, String apiAddress, String version, String nonce,
                          String proof) {
        Request withProof(String joinToken) {
            Request unsigned = new Request(name, clusterAddress, apiAddress, version, nonce, null);
            return new Request(name, clusterAddress, apiAddress, version, nonce, JoinCrypto.proof(joinToken, unsigned));
        }
    }

    /** The member's answer, sealed: AES-GCM of an {@link Accepted} under a key derived from the token and nonces. */
    public record Sealed(String nonce, String iv, String ciphertext) {}

    public record Accepted(int nodeId, ClusterConfig config, String clusterKeyHex) {}

    static Accepted requestJoin(String address, String joinToken, String name, String clusterAddress,
                                String apiAddress, String version) throws ApiFailure {
        if (joinToken == null || joinToken.isBlank()) {
            throw new ApiFailure(400, "no join token given", "pass --join-token; 'herd cluster join-token' on a member shows it");
        }
        Request request = new Request(name, clusterAddress, apiAddress, version, JoinCrypto.newNonce(RANDOM), null)
                .withProof(joinToken);
        HerdClient remote = new HerdClient(address, "join", Duration.ofSeconds(15));
        Sealed sealed;
        try {
            sealed = remote.post(PATH, request, Sealed.class);
        } catch (HerdClient.ApiException e) {
            throw new ApiFailure(e.status() == 0 ? 502 : e.status(), "join via " + address + " refused: "
                    + e.getMessage(), e.hint());
        }
        byte[] plain = JoinCrypto.open(joinToken, request.nonce(), sealed).orElseThrow(() -> new ApiFailure(502,
                "the answer from " + address + " is not sealed with this join token",
                "is " + address + " really a member of the cluster you mean? check the address and the token"));
        try {
            return Json.MAPPER.readValue(plain, Accepted.class);
        } catch (IOException e) {
            throw new ApiFailure(502, "unreadable join answer from " + address + ": " + e.getMessage(), null);
        }
    }

    /** On the member: seals the answer for the joining host. */
    static Sealed seal(String joinToken, Request request, Accepted accepted) {
        try {
            return JoinCrypto.seal(joinToken, request.nonce(), Json.MAPPER.writeValueAsBytes(accepted), RANDOM);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode the join answer", e);
        }
    }
}
