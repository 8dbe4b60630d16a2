package dev.herd.daemon.confdb;

import dev.herd.confdb.ConfdbMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * The binary form of confdb's messages on the cluster channel, where they travel next to JSON messages.
 *
 * <p>A payload is {@code MAGIC, FORMAT_VERSION, kind} and then either a whole message body ({@link #KIND_WHOLE}) or a
 * fragment ({@link #KIND_FRAGMENT}: {@code messageId long, index int, count int}, then the next piece of the body).
 * A body is a type tag, the view ({@code seq long, creator int}) and the record's fields in declaration order, all
 * big-endian; strings are an int length and UTF-8, byte arrays an int length and the bytes, booleans one byte 0 or 1.
 * A SyncData's entries are an int count and then each entry (path, value, version, writer) in path order.
 *
 * <p>Why fragment here: JGroups' FRAG4 would fragment too, but a 128 MiB state as one message would need one 128 MiB
 * array on each side and bypass our per-message size checks. Here a sender writes the body straight into
 * payload-sized buffers, and {@link ConfdbReassembler} buffers pieces under a byte limit and decodes from them.
 *
 * <p>Why strict: a member that decoded something other than what was sent would silently diverge from the others, so
 * anything unexpected — an unknown tag, a length beyond the bytes left, trailing bytes, invalid UTF-8, a value a
 * record refuses — is an {@link IOException} naming what was wrong, never a guess, an unchecked exception or an
 * allocation larger than the input.
 */
public final class ConfdbWire {

    /** First byte of every confdb payload. The channel's other payloads are JSON, which starts with '{'. */
    public static final byte MAGIC = (byte) 0xCD;
    /** Bumped on any incompatible change; a receiver refuses versions it does not know rather than misread them. */
    static final byte FORMAT_VERSION = 1;
    static final byte KIND_WHOLE = 1;
    static final byte KIND_FRAGMENT = 2;
    /** magic, version, kind */
    static final int WHOLE_HEADER_BYTES = 3;
    /** magic, version, kind, messageId, index, count */
    static final int FRAGMENT_HEADER_BYTES = WHOLE_HEADER_BYTES + Long.BYTES + Integer.BYTES + Integer.BYTES;

    static final byte TAG_SYNC_STATE = 1;
    static final byte TAG_SYNC_DATA = 2;
    static final byte TAG_SYNC_READY = 3;
    static final byte TAG_RESYNC_REQUEST = 4;
    static final byte TAG_WRITE_REQUEST = 5;
    static final byte TAG_APPLIED = 6;
    static final byte TAG_DIGEST_PROBE = 7;
    static final byte TAG_DIGEST_REPORT = 8;

    static final byte OP_SET = 1;
    static final byte OP_DELETE = 2;
    static final byte OP_LOCK = 3;
    static final byte OP_UNLOCK = 4;

    private ConfdbWire() {
    }

    /** @return whether this channel payload is a confdb one (else it is JSON) */
    public static boolean isConfdb(byte[] payload) {
        return payload.length > 0 && payload[0] == MAGIC;
    }

    /**
     * @param messageId       chosen by the sender, unique among its messages, so a receiver can tell its fragments
     *                        apart from those of the sender's other messages
     * @param maxPayloadBytes the largest payload the transport should carry; more than {@link #FRAGMENT_HEADER_BYTES}
     * @return one WHOLE payload if the message fits, else FRAGMENT payloads, each at most {@code maxPayloadBytes}
     * @throws IllegalArgumentException if a string cannot be encoded or the state's keys and paths disagree
     */
    public static List<byte[]> encode(ConfdbMessage m, long messageId, int maxPayloadBytes) {
        FragmentSink sink = new FragmentSink(FRAGMENT_HEADER_BYTES, maxPayloadBytes);
        try {
            new MessageWriter(sink).message(m);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail, yet it did", e);
        }
        if (WHOLE_HEADER_BYTES + sink.bodyBytes() <= maxPayloadBytes) {
            byte[] whole = sink.contiguous(WHOLE_HEADER_BYTES);
            header(ByteBuffer.wrap(whole), KIND_WHOLE);
            return List.of(whole);
        }
        List<byte[]> fragments = sink.buffers();
        int count = fragments.size();
        for (int index = 0; index < count; index++) {
            ByteBuffer header = ByteBuffer.wrap(fragments.get(index));
            header(header, KIND_FRAGMENT);
            header.putLong(messageId).putInt(index).putInt(count);
        }
        return fragments;
    }

    /** Decodes a complete message body (what follows the header of a WHOLE payload). */
    public static ConfdbMessage decodeMessage(byte[] body) throws IOException {
        return decodeBody(List.of(ByteBuffer.wrap(body)));
    }

    /** Decodes a body held in pieces, as reassembled fragments are, without joining them first. */
    static ConfdbMessage decodeBody(List<ByteBuffer> chunks) throws IOException {
        return new MessageReader(new WireInput(chunks)).message();
    }

    /**
     * Checks the payload's header.
     *
     * @return the kind, {@link #KIND_WHOLE} or {@link #KIND_FRAGMENT}
     */
    static byte kind(byte[] payload) throws IOException {
        if (payload.length < WHOLE_HEADER_BYTES) {
            throw new IOException("confdb payload: " + payload.length + " bytes, shorter than the "
                    + WHOLE_HEADER_BYTES + "-byte header");
        }
        if (payload[0] != MAGIC) {
            throw new IOException(String.format("confdb payload: starts with 0x%02X, not the magic byte 0x%02X",
                    payload[0], MAGIC));
        }
        if (payload[1] != FORMAT_VERSION) {
            throw new IOException("confdb payload: format version " + payload[1] + ", this node reads only version "
                    + FORMAT_VERSION + " (members of different releases?)");
        }
        byte kind = payload[2];
        if (kind != KIND_WHOLE && kind != KIND_FRAGMENT) {
            throw new IOException("confdb payload: unknown kind " + kind);
        }
        if (kind == KIND_FRAGMENT && payload.length <= FRAGMENT_HEADER_BYTES) {
            throw new IOException("confdb payload: fragment of " + payload.length + " bytes carries nothing after its "
                    + FRAGMENT_HEADER_BYTES + "-byte header");
        }
        return kind;
    }

    /** The body of a WHOLE payload whose header {@link #kind} accepted, without copying it. */
    static List<ByteBuffer> wholeBody(byte[] payload) {
        return List.of(ByteBuffer.wrap(payload, WHOLE_HEADER_BYTES, payload.length - WHOLE_HEADER_BYTES).slice());
    }

    /** One FRAGMENT payload, split into its header fields and its piece of the body. */
    record Fragment(long messageId, int index, int count, ByteBuffer chunk) {

        /** @param payload a payload whose header {@link #kind} accepted as a fragment */
        static Fragment of(byte[] payload) {
            ByteBuffer b = ByteBuffer.wrap(payload, WHOLE_HEADER_BYTES, FRAGMENT_HEADER_BYTES - WHOLE_HEADER_BYTES);
            long messageId = b.getLong();
            int index = b.getInt();
            int count = b.getInt();
            ByteBuffer chunk = ByteBuffer.wrap(payload, FRAGMENT_HEADER_BYTES, payload.length - FRAGMENT_HEADER_BYTES)
                    .slice();
            return new Fragment(messageId, index, count, chunk);
        }
    }

    private static void header(ByteBuffer b, byte kind) {
        b.put(MAGIC).put(FORMAT_VERSION).put(kind);
    }
}
