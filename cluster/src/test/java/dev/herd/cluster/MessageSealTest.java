package dev.herd.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Any single flipped bit, a truncation or another key makes a sealed message unreadable. Seeded. */
class MessageSealTest {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void tamperingAndOtherKeysAreDetected(long seed) {
        Random random = new Random(seed);
        byte[] keyBytes = new byte[ClusterKey.LENGTH_BYTES];
        random.nextBytes(keyBytes);
        MessageSeal seal = new MessageSeal(ClusterKey.fromHex(java.util.HexFormat.of().formatHex(keyBytes)));
        byte[] payload = ("{\"type\":\"nodeinfo\",\"node_id\":" + random.nextInt(16) + "}").getBytes(StandardCharsets.UTF_8);
        byte[] sealed = seal.seal(payload);

        assertThat(seal.open(sealed)).get().isEqualTo(payload);
        byte[] flipped = sealed.clone();
        int bit = random.nextInt(flipped.length * 8);
        flipped[bit / 8] ^= (byte) (1 << (bit % 8));
        assertThat(seal.open(flipped)).as("bit %d flipped", bit).isEmpty();
        assertThat(seal.open(java.util.Arrays.copyOf(sealed, sealed.length - 1))).isEmpty();
        assertThat(seal.open(new byte[5])).isEmpty();
        assertThat(new MessageSeal(ClusterKey.generate(new SecureRandom())).open(sealed)).isEmpty();
    }
}
