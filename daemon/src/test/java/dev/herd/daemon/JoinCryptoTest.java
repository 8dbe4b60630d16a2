package dev.herd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The join exchange: the right token works; a wrong token, a changed field or a tampered answer does not. */
class JoinCryptoTest {
    private static final String TOKEN = "0b04119396a6a988762647517f47325bcb77cfe497980c3c";
    private final SecureRandom random = new SecureRandom();

    private JoinProtocol.Request request(String token) {
        return new JoinProtocol.Request("node4", "192.0.2.14:7800", "192.0.2.14:8006", "0.1.0",
                JoinCrypto.newNonce(random), null).withProof(token);
    }

    @Test
    void proofVerifiesOnlyWithTheTokenAndUnchangedFields() {
        JoinProtocol.Request r = request(TOKEN);
        assertThat(r.proof()).doesNotContain(TOKEN);
        assertThat(JoinCrypto.verify(TOKEN, r)).isTrue();
        assertThat(JoinCrypto.verify("another-token", r)).isFalse();
        JoinProtocol.Request renamed = new JoinProtocol.Request("evil", r.clusterAddress(), r.apiAddress(), r.version(),
                r.nonce(), r.proof());
        assertThat(JoinCrypto.verify(TOKEN, renamed)).isFalse();
        assertThat(JoinCrypto.verify(TOKEN, new JoinProtocol.Request(r.name(), r.clusterAddress(), r.apiAddress(),
                r.version(), r.nonce(), null))).isFalse();
    }

    @Test
    void answerOpensOnlyForTheTokenHolderOfThisRequestAndDetectsTampering() {
        JoinProtocol.Request r = request(TOKEN);
        byte[] secret = "cluster key and node list".getBytes(StandardCharsets.UTF_8);
        JoinProtocol.Sealed sealed = JoinCrypto.seal(TOKEN, r.nonce(), secret, random);
        assertThat(sealed.ciphertext()).doesNotContain(HexFormat.of().formatHex(secret));
        assertThat(JoinCrypto.open(TOKEN, r.nonce(), sealed)).get().isEqualTo(secret);
        assertThat(JoinCrypto.open("another-token", r.nonce(), sealed)).isEmpty();
        assertThat(JoinCrypto.open(TOKEN, JoinCrypto.newNonce(random), sealed)).isEmpty(); // not this request
        char[] c = sealed.ciphertext().toCharArray();
        c[3] = c[3] == '0' ? '1' : '0';
        assertThat(JoinCrypto.open(TOKEN, r.nonce(), new JoinProtocol.Sealed(sealed.nonce(), sealed.iv(),
                new String(c)))).isEmpty();
        assertThat(JoinCrypto.open(TOKEN, r.nonce(), new JoinProtocol.Sealed(sealed.nonce(), "zz", "00"))).isEmpty();
    }
}
