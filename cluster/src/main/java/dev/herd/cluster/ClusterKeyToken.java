package dev.herd.cluster;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import javax.crypto.Mac;
import org.jgroups.Message;
import org.jgroups.auth.AuthToken;

/**
 * JGroups AUTH token proving knowledge of the cluster key: HMAC-SHA256(key, "herd-join:" + cluster name). AUTH checks
 * it on every JOIN and MERGE request, so a host with another key (or another cluster's key) is refused membership
 * even if its traffic happened to decrypt. The token travels inside SYM_ENCRYPT, so it is never seen in clear.
 */
public final class ClusterKeyToken extends AuthToken {
    private static final int MAX_TOKEN_BYTES = 64;
    private byte[] proof = new byte[0];

    public ClusterKeyToken() {} // JGroups instantiates the received token reflectively, then calls readFrom

    ClusterKeyToken(ClusterKey key, String clusterName) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(key.secretKey().getEncoded(), "HmacSHA256"));
            proof = mac.doFinal(("herd-join:" + clusterName).getBytes(StandardCharsets.UTF_8));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable in this JDK", e);
        }
    }

    @Override
    public String getName() {
        return ClusterKeyToken.class.getName();
    }

    @Override
    public int size() {
        return Integer.BYTES + proof.length;
    }

    @Override
    public boolean authenticate(AuthToken received, Message msg) {
        return received instanceof ClusterKeyToken other && proof.length > 0
                && MessageDigest.isEqual(proof, other.proof);
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
        out.writeInt(proof.length);
        out.write(proof);
    }

    @Override
    public void readFrom(DataInput in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > MAX_TOKEN_BYTES) {
            throw new IOException("cluster key token of " + length + " bytes: not a Herd peer");
        }
        proof = new byte[length];
        in.readFully(proof);
    }
}
