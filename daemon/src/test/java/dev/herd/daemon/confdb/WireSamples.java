package dev.herd.daemon.confdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herd.confdb.ConfdbMessage;
import dev.herd.confdb.ConfdbMessage.Applied;
import dev.herd.confdb.ConfdbMessage.DigestProbe;
import dev.herd.confdb.ConfdbMessage.DigestReport;
import dev.herd.confdb.ConfdbMessage.ResyncRequest;
import dev.herd.confdb.ConfdbMessage.SyncData;
import dev.herd.confdb.ConfdbMessage.SyncReady;
import dev.herd.confdb.ConfdbMessage.SyncState;
import dev.herd.confdb.ConfdbMessage.WriteRequest;
import dev.herd.confdb.ConfdbState;
import dev.herd.confdb.Entry;
import dev.herd.confdb.Op;
import dev.herd.confdb.ViewId;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

/** Messages to encode, and the comparisons the wire tests share. */
final class WireSamples {

    static final ViewId VIEW = new ViewId(7, 2);
    static final int NO_LIMIT = Integer.MAX_VALUE;

    private WireSamples() {
    }

    /** One of every message type, and a WriteRequest of every Op type, with some extreme field values. */
    static List<ConfdbMessage> everyKind() {
        return List.of(
                new SyncState(VIEW, 3, 5, 42, 6, 0x1234_5678_9abc_def0L, true),
                new SyncState(new ViewId(Long.MAX_VALUE, -1), Integer.MIN_VALUE, Long.MIN_VALUE, -1, 0, -1, false),
                new SyncData(VIEW, 3, state(3, 16, 1)),
                new SyncReady(VIEW, 3, 42, Long.MIN_VALUE),
                new ResyncRequest(VIEW, 4, "digests diverged: node2 ≠ node3 \uD83D\uDC11"),
                new ResyncRequest(VIEW, 4, ""),
                write(new Op.Set("guests/100.toml", utf8("cores = 4\n"), Op.ANY_VERSION)),
                write(new Op.Set("guests/empty", new byte[0], 0)),
                write(new Op.Delete("guests/100.toml", 17)),
                write(new Op.Lock("ha-manager", 60_000, 12)),
                write(new Op.Unlock("ha-manager")),
                new Applied(VIEW, 42),
                new DigestProbe(VIEW, 3),
                new DigestReport(VIEW, 3, 9, 42, 0xfeed_beefL));
    }

    static WriteRequest write(Op op) {
        return new WriteRequest(VIEW, 3, 2, 1001, op);
    }

    static SyncData syncData(ConfdbState state) {
        return new SyncData(VIEW, 1, state);
    }

    /** {@code count} entries with values of {@code valueBytes} random bytes each, reproducible from {@code seed}. */
    static ConfdbState state(int count, int valueBytes, long seed) {
        Random random = new Random(seed);
        TreeMap<String, Entry> entries = new TreeMap<>();
        for (int i = 0; i < count; i++) {
            String path = "guests/" + (100 + i) + ".toml";
            byte[] value = new byte[valueBytes];
            random.nextBytes(value);
            entries.put(path, new Entry(path, value, i + 1, 1 + i % 5));
        }
        return new ConfdbState(4, count, 5, entries);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The body of a message that fits one payload: the WHOLE payload without its header. */
    static byte[] body(ConfdbMessage m) {
        List<byte[]> payloads = ConfdbWire.encode(m, 1, NO_LIMIT);
        assertThat(payloads).hasSize(1);
        byte[] whole = payloads.get(0);
        return Arrays.copyOfRange(whole, ConfdbWire.WHOLE_HEADER_BYTES, whole.length);
    }

    /**
     * Records holding byte[] do not compare by content with equals; compare every field, arrays by content (with
     * Arrays.equals: AssertJ's element-by-element default takes seconds on a 5 MiB state).
     */
    static void assertSameMessage(ConfdbMessage actual, ConfdbMessage expected) {
        assertThat(actual).usingRecursiveComparison().withStrictTypeChecking()
                .withEqualsForType(Arrays::equals, byte[].class).isEqualTo(expected);
    }

    /** Builds a hand-made body, for inputs the encoder would never produce. */
    static byte[] bytes(Writing writing) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try {
            writing.write(new DataOutputStream(buffer));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.toByteArray();
    }

    @FunctionalInterface
    interface Writing {
        void write(DataOutputStream out) throws IOException;
    }
}
