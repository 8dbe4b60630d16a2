package dev.herd.daemon.confdb;

import static dev.herd.daemon.confdb.WireSamples.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herd.confdb.ConfdbMessage;
import dev.herd.confdb.ConfdbMessage.SyncData;
import dev.herd.confdb.ConfdbState;
import dev.herd.confdb.Entry;
import dev.herd.confdb.Op;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The confdb wire format: every message survives the trip, and every malformed body is refused with a reason. */
class ConfdbWireTest {

    static List<ConfdbMessage> everyKind() {
        return WireSamples.everyKind();
    }

    @ParameterizedTest
    @MethodSource("everyKind")
    void everyMessageSurvivesTheTripAndReencodesToTheSameBytes(ConfdbMessage m) throws IOException {
        byte[] body = body(m);
        ConfdbMessage decoded = ConfdbWire.decodeMessage(body);
        assertSameMessage(decoded, m);
        assertThat(body(decoded)).isEqualTo(body);
    }

    @Test
    void theSamplesCoverEveryMessageTypeAndEveryOpType() {
        List<ConfdbMessage> samples = everyKind();
        Set<Class<?>> messageTypes = samples.stream().map(Object::getClass).collect(Collectors.toSet());
        Set<Class<?>> opTypes = samples.stream().filter(m -> m instanceof ConfdbMessage.WriteRequest)
                .map(m -> ((ConfdbMessage.WriteRequest) m).op().getClass()).collect(Collectors.toSet());
        assertThat(messageTypes).containsExactlyInAnyOrder(ConfdbMessage.class.getPermittedSubclasses());
        assertThat(opTypes).containsExactlyInAnyOrder(Op.class.getPermittedSubclasses());
    }

    @Test
    void syncDataOfAnEmptyStateAndOfAThousandEntriesSurvive() throws IOException {
        for (ConfdbState state : List.of(ConfdbState.EMPTY, state(1000, 100, 42))) {
            SyncData m = syncData(state);
            ConfdbMessage decoded = ConfdbWire.decodeMessage(body(m));
            assertSameMessage(decoded, m);
            assertThat(((SyncData) decoded).state().entries()).hasSize(state.entries().size());
        }
    }

    @Test
    void theComparisonSeesADifferenceInsideAValue() {
        ConfdbMessage a = write(new Op.Set("p", new byte[] {1, 2}, 0));
        ConfdbMessage b = write(new Op.Set("p", new byte[] {1, 3}, 0));
        assertThatThrownBy(() -> assertSameMessage(a, b)).isInstanceOf(AssertionError.class);
    }

    @Test
    void aSmallWriteIsCompact() {
        // tag 1, view 12, round 4, origin 4, requestId 8, op tag 1, path 4+15, value 4+100, expectVersion 8 = 161
        List<byte[]> payloads = ConfdbWire.encode(write(new Op.Set("guests/100.toml", new byte[100], -1)), 1, 1400);
        assertThat(payloads).singleElement().satisfies(p -> assertThat(p).hasSize(3 + 161));
        assertThat(payloads.get(0)).startsWith(ConfdbWire.MAGIC, ConfdbWire.FORMAT_VERSION, ConfdbWire.KIND_WHOLE);
    }

    @Test
    void confdbPayloadsAreToldApartFromJson() {
        assertThat(ConfdbWire.isConfdb(ConfdbWire.encode(new ConfdbMessage.Applied(VIEW, 1), 1, 1400).get(0)))
                .isTrue();
        assertThat(ConfdbWire.isConfdb(utf8("{\"type\":\"hello\"}"))).isFalse();
        assertThat(ConfdbWire.isConfdb(new byte[0])).isFalse();
    }

    @Test
    void trailingBytesUnknownTagsAndTruncationAreRefused() {
        byte[] body = body(new ConfdbMessage.Applied(VIEW, 42));
        refused(Arrays.copyOf(body, body.length + 1), "1 trailing bytes after the message");
        refused(Arrays.copyOf(body, body.length - 1), "truncated: version needs 8 bytes, only 7 left");
        refused(new byte[0], "truncated: message type needs 1 bytes, only 0 left");
        refused(new byte[] {99}, "unknown message type 99");
        byte[] write = body(write(new Op.Unlock("x")));
        write[1 + 12 + 4 + 4 + 8] = 9;
        refused(write, "unknown op type 9");
    }

    @Test
    void lengthsBeyondTheBytesLeftOrNegativeAreRefusedBeforeAllocating() {
        refused(syncDataWithOneEntry(out -> out.writeInt(Integer.MAX_VALUE)),
                "entry path length 2147483647 exceeds the 20 bytes left");
        refused(syncDataWithOneEntry(out -> out.writeInt(-5)), "entry path length -5 is negative");
        refused(bytes(out -> {
            syncDataHead(out);
            out.writeInt(Integer.MAX_VALUE);
        }), "entry count 2147483647 needs at least 42949672940 bytes, but only 0 are left");
        refused(bytes(out -> {
            syncDataHead(out);
            out.writeInt(-1);
        }), "entry count -1 is negative");
    }

    @Test
    void invalidUtf8AndNonBooleanBytesAreRefused() {
        refused(resync(new byte[] {(byte) 0xC0, (byte) 0x80}), "ResyncRequest reason is not valid UTF-8");
        refused(resync(new byte[] {'a', (byte) 0xFF}), "ResyncRequest reason is not valid UTF-8");
        refused(resync(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}), "ResyncRequest reason is not valid UTF-8");
        byte[] syncState = body(everyKind().get(0));
        syncState[syncState.length - 1] = 2;
        refused(syncState, "quorate is the byte 2, not 0 or 1");
    }

    @Test
    void valuesTheRecordsRefuseBecomeIoExceptions() {
        refused(syncDataWithEntry(0), "invalid entry: entry guests/1: version must be positive, got 0");
        refused(bytes(out -> {
            head(out, ConfdbWire.TAG_SYNC_DATA);
            out.writeInt(1);
            out.writeLong(6);
            out.writeLong(0);
            out.writeLong(5);
            out.writeInt(0);
        }), "invalid state: gen 6 above promisedGen 5");
    }

    @Test
    void entriesMustBeSortedAndUnique() {
        for (String[] paths : List.of(new String[] {"b", "a"}, new String[] {"a", "a"})) {
            refused(bytes(out -> {
                syncDataHead(out);
                out.writeInt(2);
                for (String path : paths) {
                    string(out, path);
                    out.writeInt(0);
                    out.writeLong(1);
                    out.writeInt(1);
                }
            }), "entry 1 path a does not sort after " + paths[0] + ": entries must be sorted and unique");
        }
    }

    @Test
    void theEncoderRefusesWhatItCouldNotCarryFaithfully() {
        assertThatThrownBy(() -> ConfdbWire.encode(new ConfdbMessage.ResyncRequest(VIEW, 1, "bad \uD800"), 1, 1400))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lone surrogate");
        assertThatThrownBy(() -> ConfdbWire.encode(new ConfdbMessage.Applied(VIEW, 1), 1, 19))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no room after its 19-byte header");
        TreeMap<String, Entry> misfiled = new TreeMap<>();
        misfiled.put("a", new Entry("b", new byte[0], 1, 1));
        assertThatThrownBy(() -> ConfdbWire.encode(syncData(new ConfdbState(0, 1, 0, misfiled)), 1, 1400))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key a holds the entry of path b");
    }

    private static void refused(byte[] body, String reason) {
        assertThatThrownBy(() -> ConfdbWire.decodeMessage(body)).isInstanceOf(IOException.class)
                .hasMessageStartingWith("confdb message: ").hasMessageContaining(reason);
    }

    private static void head(DataOutputStream out, byte tag) throws IOException {
        out.writeByte(tag);
        out.writeLong(VIEW.seq());
        out.writeInt(VIEW.creatorNodeId());
    }

    /** A SyncData up to, not including, its entry count. */
    private static void syncDataHead(DataOutputStream out) throws IOException {
        head(out, ConfdbWire.TAG_SYNC_DATA);
        out.writeInt(1);
        out.writeLong(1);
        out.writeLong(1);
        out.writeLong(1);
    }

    /** A SyncData with one entry whose path length is written by {@code pathLength}, then 20 more bytes. */
    private static byte[] syncDataWithOneEntry(WireSamples.Writing pathLength) {
        return bytes(out -> {
            syncDataHead(out);
            out.writeInt(1);
            pathLength.write(out);
            out.write(new byte[4 + 8 + 4 + 4]);
        });
    }

    private static byte[] syncDataWithEntry(long version) {
        return bytes(out -> {
            syncDataHead(out);
            out.writeInt(1);
            string(out, "guests/1");
            out.writeInt(1);
            out.writeByte('x');
            out.writeLong(version);
            out.writeInt(3);
        });
    }

    private static byte[] resync(byte[] reason) {
        return bytes(out -> {
            head(out, ConfdbWire.TAG_RESYNC_REQUEST);
            out.writeInt(1);
            out.writeInt(reason.length);
            out.write(reason);
        });
    }

    private static void string(DataOutputStream out, String s) throws IOException {
        byte[] b = utf8(s);
        out.writeInt(b.length);
        out.write(b);
    }
}
