package dev.herd.cluster;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Integrity for every Herd broadcast: HMAC-SHA256 over the payload with a key derived from the cluster key, prefixed
 * to it. JGroups' SYM_ENCRYPT (AES-CBC) hides the payload but does not detect tampering, so without this a bit flipped
 * on the wire could change a nodeinfo or a config update undetected; with it such a message is dropped.
 */
final class MessageSeal {
    static final int MAC_BYTES = 32;
    private final SecretKeySpec macKey;

    MessageSeal(ClusterKey key) {
        try {
            Mac derive = Mac.getInstance("HmacSHA256");
            derive.init(new SecretKeySpec(key.secretKey().getEncoded(), "HmacSHA256"));
            macKey = new SecretKeySpec(derive.doFinal("herd-message-mac".getBytes(StandardCharsets.UTF_8)), "HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable in this JDK", e);
        }
    }

    byte[] seal(byte[] payload) {
        byte[] mac = mac(payload, 0, payload.length);
        byte[] out = Arrays.copyOf(mac, MAC_BYTES + payload.length);
        System.arraycopy(payload, 0, out, MAC_BYTES, payload.length);
        return out;
    }

    /** The payload if the seal is intact, else empty. */
    Optional<byte[]> open(byte[] sealed) {
        if (sealed.length < MAC_BYTES) {
            return Optional.empty();
        }
        byte[] expected = mac(sealed, MAC_BYTES, sealed.length - MAC_BYTES);
        if (!MessageDigest.isEqual(expected, Arrays.copyOf(sealed, MAC_BYTES))) {
            return Optional.empty();
        }
        return Optional.of(Arrays.copyOfRange(sealed, MAC_BYTES, sealed.length));
    }

    private byte[] mac(byte[] data, int offset, int length) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(macKey);
            mac.update(data, offset, length);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
