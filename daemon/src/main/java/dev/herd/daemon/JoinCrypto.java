package dev.herd.daemon;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keeps the join token and the cluster key off the wire while the API has no TLS yet. The joining host proves it
 * knows the join token with HMAC-SHA256(token, request fields + its nonce), never sending the token; the member
 * answers with the node list and cluster key sealed by AES-256-GCM under HMAC-SHA256(token, both nonces). An
 * eavesdropper learns neither secret; a host without the token can neither get an answer nor read one; a forged or
 * altered answer fails the GCM tag.
 */
final class JoinCrypto {
    static final int NONCE_BYTES = 16;
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;

    private JoinCrypto() {}

    static String newNonce(SecureRandom random) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        return HexFormat.of().formatHex(nonce);
    }

    /** The proof a joining host sends: binds its name, addresses, version and nonce to the token. */
    static String proof(String joinToken, JoinProtocol.Request r) {
        return HexFormat.of().formatHex(hmac(joinToken, "herd-join-request", r.name(), r.clusterAddress(),
                r.apiAddress(), r.version(), r.nonce()));
    }

    static boolean verify(String joinToken, JoinProtocol.Request r) {
        if (r.proof() == null || r.nonce() == null || r.nonce().length() != 2 * NONCE_BYTES) {
            return false;
        }
        return MessageDigest.isEqual(proof(joinToken, r).getBytes(StandardCharsets.US_ASCII),
                r.proof().getBytes(StandardCharsets.US_ASCII));
    }

    static JoinProtocol.Sealed seal(String joinToken, String joinerNonce, byte[] plaintext, SecureRandom random) {
        String memberNonce = newNonce(random);
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        try {
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.ENCRYPT_MODE, responseKey(joinToken, joinerNonce, memberNonce), new GCMParameterSpec(TAG_BITS, iv));
            return new JoinProtocol.Sealed(memberNonce, HexFormat.of().formatHex(iv),
                    HexFormat.of().formatHex(gcm.doFinal(plaintext)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable in this JDK", e);
        }
    }

    /** The plaintext, or empty if the answer was not sealed with this token for this request. */
    static Optional<byte[]> open(String joinToken, String joinerNonce, JoinProtocol.Sealed sealed) {
        try {
            Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
            gcm.init(Cipher.DECRYPT_MODE, responseKey(joinToken, joinerNonce, sealed.nonce()),
                    new GCMParameterSpec(TAG_BITS, HexFormat.of().parseHex(sealed.iv())));
            return Optional.of(gcm.doFinal(HexFormat.of().parseHex(sealed.ciphertext())));
        } catch (GeneralSecurityException | IllegalArgumentException | NullPointerException e) {
            return Optional.empty();
        }
    }

    private static SecretKeySpec responseKey(String joinToken, String joinerNonce, String memberNonce) {
        return new SecretKeySpec(hmac(joinToken, "herd-join-response", joinerNonce, memberNonce), "AES");
    }

    /** HMAC over length-prefixed fields, so that no two field lists give the same input. */
    private static byte[] hmac(String key, String... fields) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            for (String field : fields) {
                byte[] b = (field == null ? "" : field).getBytes(StandardCharsets.UTF_8);
                mac.update(ByteBuffer.allocate(4).putInt(b.length).array());
                mac.update(b);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable in this JDK", e);
        }
    }
}
