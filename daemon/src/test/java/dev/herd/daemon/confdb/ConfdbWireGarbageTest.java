package dev.herd.daemon.confdb;

import static dev.herd.daemon.confdb.WireSamples.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herd.confdb.ConfdbMessage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Whatever arrives, decoding either yields a message or throws an IOException: never another exception, never an
 * allocation beyond the input. A message that does decode re-encodes to the very same bytes, so the format has one
 * encoding per message. Seeded, so a failure's seed (in the test name) replays it.
 */
class ConfdbWireGarbageTest {

    static LongStream seeds() {
        return LongStream.range(0, 200);
    }

    static List<ConfdbMessage> everyKind() {
        return WireSamples.everyKind();
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void randomBytesDecodeOrAreRefused(long seed) {
        Random random = new Random(seed);
        for (int i = 0; i < 50; i++) {
            byte[] body = new byte[random.nextInt(200)];
            random.nextBytes(body);
            if (body.length > 0 && random.nextBoolean()) {
                body[0] = (byte) (1 + random.nextInt(8)); // a real type tag, to get past the first byte
            }
            decodesOrRefuses(body);
        }
    }

    @ParameterizedTest
    @MethodSource("seeds")
    void bitFlipsDecodeOrAreRefused(long seed) {
        Random random = new Random(seed);
        List<ConfdbMessage> messages = new ArrayList<>(everyKind());
        messages.add(syncData(state(1000, 20, seed)));
        for (ConfdbMessage m : messages) {
            byte[] body = body(m);
            for (int flips = 1; flips <= 3; flips++) {
                byte[] flipped = body.clone();
                for (int i = 0; i < flips; i++) {
                    int bit = random.nextInt(flipped.length * 8);
                    flipped[bit / 8] ^= (byte) (1 << (bit % 8));
                }
                decodesOrRefuses(flipped);
            }
        }
    }

    /** A strict prefix of a message is never a message: every length field says more is to come. */
    @ParameterizedTest
    @MethodSource("everyKind")
    void everyTruncationIsRefused(ConfdbMessage m) {
        byte[] body = body(m);
        for (int length = 0; length < body.length; length++) {
            byte[] truncated = Arrays.copyOf(body, length);
            assertThatThrownBy(() -> ConfdbWire.decodeMessage(truncated)).as("truncated to %d bytes", length)
                    .isInstanceOf(IOException.class).hasMessageStartingWith("confdb message: ");
        }
    }

    /** Damaged and made-up payloads, headers included, from three senders into one reassembler with small limits. */
    @ParameterizedTest
    @MethodSource("seeds")
    void garbledPayloadsAreDecodedOrRefused(long seed) {
        Random random = new Random(seed);
        long maxBufferedBytes = 4096;
        ConfdbReassembler reassembler = new ConfdbReassembler(maxBufferedBytes, 40);
        List<ConfdbMessage> messages = everyKind();
        for (int i = 0; i < 100; i++) {
            List<byte[]> payloads = ConfdbWire.encode(messages.get(random.nextInt(messages.size())),
                    random.nextInt(3), ConfdbWire.FRAGMENT_HEADER_BYTES + 1 + random.nextInt(60));
            int sender = 1 + random.nextInt(3);
            for (byte[] payload : payloads) {
                byte[] sent = switch (random.nextInt(4)) {
                    case 0 -> flipOneBit(payload, random);
                    case 1 -> madeUp(payload, random);
                    default -> payload;
                };
                try {
                    reassembler.accept(sender, sent);
                } catch (IOException e) {
                    assertThat(e.getMessage()).startsWith("confdb ");
                }
                assertThat(reassembler.bufferedBytes()).isBetween(0L, maxBufferedBytes);
            }
        }
    }

    private static void decodesOrRefuses(byte[] body) {
        ConfdbMessage decoded;
        try {
            decoded = ConfdbWire.decodeMessage(body);
        } catch (IOException e) {
            assertThat(e.getMessage()).startsWith("confdb message: ");
            return;
        }
        assertThat(body(decoded)).as("re-encoding of %s", decoded).isEqualTo(body);
    }

    private static byte[] flipOneBit(byte[] payload, Random random) {
        byte[] flipped = payload.clone();
        int bit = random.nextInt(flipped.length * 8);
        flipped[bit / 8] ^= (byte) (1 << (bit % 8));
        return flipped;
    }

    /** The real header (so it gets past the first checks), then random bytes. */
    private static byte[] madeUp(byte[] payload, Random random) {
        byte[] made = new byte[random.nextInt(80)];
        random.nextBytes(made);
        System.arraycopy(payload, 0, made, 0, Math.min(made.length, ConfdbWire.WHOLE_HEADER_BYTES));
        return made;
    }
}
