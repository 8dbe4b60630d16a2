package dev.herd.daemon.confdb;

import static dev.herd.daemon.confdb.WireSamples.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herd.confdb.ConfdbMessage;
import dev.herd.confdb.ConfdbMessage.Applied;
import dev.herd.confdb.ConfdbMessage.SyncData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Large messages leave in payload-sized fragments and come back whole, within the reassembler's limits. */
class ConfdbWireFragmentTest {

    private static final int KIB = 1024;
    private static final int MAX_PAYLOAD = 64 * KIB;

    private final ConfdbReassembler reassembler = new ConfdbReassembler();

    @Test
    void aFiveMibStateCrossesInFragmentsInterleavedWithOtherSendersMessages() throws IOException {
        SyncData big = syncData(state(80, 64 * KIB, 1));
        SyncData other = syncData(state(20, 50 * KIB, 2));
        List<byte[]> bigFragments = ConfdbWire.encode(big, 77, MAX_PAYLOAD);
        List<byte[]> otherFragments = ConfdbWire.encode(other, 77, MAX_PAYLOAD); // same id, other sender
        assertThat(bigFragments).hasSizeGreaterThan(80).allSatisfy(p -> assertThat(p.length).isLessThanOrEqualTo(
                MAX_PAYLOAD));
        long bigBody = bigFragments.stream().mapToLong(p -> p.length - ConfdbWire.FRAGMENT_HEADER_BYTES).sum();
        assertThat(bigBody).isGreaterThan(5L * 1024 * KIB);

        List<ConfdbMessage> received = new ArrayList<>();
        for (int i = 0; i < bigFragments.size(); i++) {
            reassembler.accept(1, bigFragments.get(i)).ifPresent(received::add);
            if (i < otherFragments.size()) {
                reassembler.accept(3, otherFragments.get(i)).ifPresent(received::add);
            }
            reassembler.accept(2, ConfdbWire.encode(new Applied(VIEW, i), i, MAX_PAYLOAD).get(0))
                    .ifPresent(received::add);
        }

        List<ConfdbMessage> states = received.stream().filter(m -> m instanceof SyncData).toList();
        List<ConfdbMessage> applied = received.stream().filter(m -> m instanceof Applied).toList();
        assertThat(states).hasSize(2);
        assertSameMessage(states.get(0), other);
        assertSameMessage(states.get(1), big);
        assertThat(applied).extracting(m -> ((Applied) m).version())
                .containsExactlyElementsOf(LongStream.range(0, bigFragments.size()).boxed().toList());
        assertThat(reassembler.bufferedBytes()).isZero();
        assertThat(reassembler.partialMessages()).isZero();
    }

    @Test
    void aMessageThatFitsExactlyIsSentWholeAndOneByteMoreIsFragmented() {
        ConfdbMessage m = syncData(state(3, 100, 3));
        int bodyBytes = body(m).length;
        assertThat(ConfdbWire.encode(m, 1, bodyBytes + 3)).singleElement()
                .satisfies(p -> assertThat(p[2]).isEqualTo(ConfdbWire.KIND_WHOLE));
        assertThat(ConfdbWire.encode(m, 1, bodyBytes + 2)).hasSize(2)
                .allSatisfy(p -> assertThat(p[2]).isEqualTo(ConfdbWire.KIND_FRAGMENT));
    }

    static LongStream seeds() {
        return LongStream.range(0, 50);
    }

    /** Any payload limit, any message: the fragments respect the limit and reassemble to the message. */
    @ParameterizedTest
    @MethodSource("seeds")
    void everyPayloadLimitRoundTrips(long seed) throws IOException {
        Random random = new Random(seed);
        List<ConfdbMessage> messages = new ArrayList<>(everyKind());
        messages.add(syncData(state(1 + random.nextInt(30), random.nextInt(500), seed)));
        int maxPayload = ConfdbWire.FRAGMENT_HEADER_BYTES + 1 + random.nextInt(400);
        for (ConfdbMessage m : messages) {
            List<byte[]> payloads = ConfdbWire.encode(m, seed, maxPayload);
            Optional<ConfdbMessage> decoded = Optional.empty();
            for (byte[] p : payloads) {
                assertThat(p.length).isLessThanOrEqualTo(maxPayload);
                assertThat(decoded).as("complete before the last fragment").isEmpty();
                decoded = reassembler.accept(5, p);
            }
            assertThat(decoded).hasValueSatisfying(d -> assertSameMessage(d, m));
        }
        assertThat(reassembler.bufferedBytes()).isZero();
    }

    @Test
    void theByteLimitDropsThePartialMessageAndTheSenderRecovers() throws IOException {
        ConfdbReassembler small = new ConfdbReassembler(3 * KIB, 100);
        List<byte[]> fragments = ConfdbWire.encode(syncData(state(10, 500, 4)), 9, KIB);
        small.accept(1, fragments.get(0));
        small.accept(1, fragments.get(1));
        small.accept(1, fragments.get(2));
        assertThatThrownBy(() -> small.accept(1, fragments.get(3))).isInstanceOf(IOException.class)
                .hasMessageContaining("message 9 from node1").hasMessageContaining("above the limit of 3072")
                .hasMessageContaining("dropped its 3015 bytes received so far");
        assertThat(small.bufferedBytes()).isZero();
        assertThat(small.partialMessages()).isZero();
        assertThatThrownBy(() -> small.accept(1, fragments.get(4))).isInstanceOf(IOException.class)
                .hasMessageContaining("fragment 4 of 6 without the ones before it");

        ConfdbMessage next = syncData(state(2, 500, 5));
        Optional<ConfdbMessage> decoded = Optional.empty();
        for (byte[] p : ConfdbWire.encode(next, 10, KIB)) {
            decoded = small.accept(1, p);
        }
        assertThat(decoded).hasValueSatisfying(d -> assertSameMessage(d, next));
    }

    @Test
    void fragmentCountsOutsideTheLimitsAreRefused() {
        ConfdbReassembler few = new ConfdbReassembler(KIB * KIB, 3);
        List<byte[]> four = ConfdbWire.encode(syncData(state(4, 100, 6)), 1, 150);
        assertThat(four).hasSizeGreaterThan(3);
        assertThatThrownBy(() -> few.accept(1, four.get(0))).isInstanceOf(IOException.class)
                .hasMessageContaining("announces " + four.size() + " fragments; expected 2 to 3");
        byte[] single = withHeader(four.get(0), 0, 1);
        assertThatThrownBy(() -> few.accept(1, single)).isInstanceOf(IOException.class)
                .hasMessageContaining("announces 1 fragments");
    }

    @Test
    void gapsRepeatsAndChangedCountsDropThePartialMessage() throws IOException {
        List<byte[]> f = ConfdbWire.encode(syncData(state(5, 100, 7)), 4, 150);
        reassembler.accept(1, f.get(0));
        assertThatThrownBy(() -> reassembler.accept(1, f.get(2))).hasMessageContaining(
                "fragment 2 of " + f.size() + " arrived where 1 was due; dropped the partial message");
        assertThat(reassembler.partialMessages()).isZero();

        reassembler.accept(1, f.get(0));
        assertThatThrownBy(() -> reassembler.accept(1, f.get(0))).hasMessageContaining("arrived where 1 was due");

        reassembler.accept(1, f.get(0));
        assertThatThrownBy(() -> reassembler.accept(1, withHeader(f.get(1), 1, f.size() + 1)))
                .hasMessageContaining("says " + (f.size() + 1) + " fragments, earlier ones said " + f.size());
        assertThat(reassembler.bufferedBytes()).isZero();
    }

    @Test
    void resetAndForgetDropPartialMessages() throws IOException {
        List<byte[]> f = ConfdbWire.encode(syncData(state(5, 100, 8)), 4, 150);
        reassembler.accept(1, f.get(0));
        reassembler.accept(2, f.get(0));
        assertThat(reassembler.partialMessages()).isEqualTo(2);

        reassembler.forget(1);
        assertThat(reassembler.partialMessages()).isEqualTo(1);
        assertThat(reassembler.bufferedBytes()).isEqualTo(150 - ConfdbWire.FRAGMENT_HEADER_BYTES);
        assertThatThrownBy(() -> reassembler.accept(1, f.get(1))).hasMessageContaining("without the ones before it");
        assertThat(reassembler.accept(2, f.get(1))).isEmpty();

        reassembler.reset();
        assertThat(reassembler.partialMessages()).isZero();
        assertThat(reassembler.bufferedBytes()).isZero();
        assertThatThrownBy(() -> reassembler.accept(2, f.get(2))).hasMessageContaining("without the ones before it");
    }

    @Test
    void aCorruptBodyIsRefusedWhenItsLastFragmentArrives() throws IOException {
        List<byte[]> f = ConfdbWire.encode(syncData(state(5, 100, 9)), 4, 150);
        byte[] longer = Arrays.copyOf(f.getLast(), f.getLast().length + 1); // one byte after the message
        for (int i = 0; i < f.size() - 1; i++) {
            assertThat(reassembler.accept(1, f.get(i))).isEmpty();
        }
        assertThatThrownBy(() -> reassembler.accept(1, longer)).hasMessage(
                "confdb message: 1 trailing bytes after the message");
        assertThat(reassembler.partialMessages()).isZero();
    }

    @Test
    void badHeadersAreRefused() {
        assertThatThrownBy(() -> reassembler.accept(1, new byte[] {ConfdbWire.MAGIC, 1}))
                .hasMessage("confdb payload: 2 bytes, shorter than the 3-byte header");
        assertThatThrownBy(() -> reassembler.accept(1, utf8("{}x")))
                .hasMessage("confdb payload: starts with 0x7B, not the magic byte 0xCD");
        assertThatThrownBy(() -> reassembler.accept(1, new byte[] {ConfdbWire.MAGIC, 2, 1, 0}))
                .hasMessageContaining("format version 2, this node reads only version 1");
        assertThatThrownBy(() -> reassembler.accept(1, new byte[] {ConfdbWire.MAGIC, 1, 3, 0}))
                .hasMessage("confdb payload: unknown kind 3");
        assertThatThrownBy(() -> reassembler.accept(1, new byte[ConfdbWire.FRAGMENT_HEADER_BYTES]))
                .hasMessageContaining("not the magic byte");
        byte[] empty = new byte[ConfdbWire.FRAGMENT_HEADER_BYTES];
        empty[0] = ConfdbWire.MAGIC;
        empty[1] = 1;
        empty[2] = ConfdbWire.KIND_FRAGMENT;
        assertThatThrownBy(() -> reassembler.accept(1, empty))
                .hasMessageContaining("fragment of 19 bytes carries nothing after its 19-byte header");
    }

    /** A copy of a fragment with its index and count rewritten. */
    private static byte[] withHeader(byte[] fragment, int index, int count) {
        byte[] copy = fragment.clone();
        ByteBuffer.wrap(copy, ConfdbWire.WHOLE_HEADER_BYTES + Long.BYTES, 2 * Integer.BYTES).putInt(index)
                .putInt(count);
        return copy;
    }
}
