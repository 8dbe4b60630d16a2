package dev.herd.daemon.confdb;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Big-endian reads across the chunks of one message body, so a reassembled message is decoded straight from its
 * fragments instead of first being copied into one array as large as the whole state. Every length is checked against
 * the bytes left before anything is allocated, so garbage can cost at most as much memory as it occupies already.
 * Every failure is an {@link IOException} starting with "confdb message: ".
 */
final class WireInput {

    private final List<ByteBuffer> chunks;
    private int chunkIndex;
    private long remaining;
    /** One per message, not shared: CharsetDecoder is stateful. REPORT, because a replaced character in a path would
     * make this member's tree differ from the sender's. */
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);

    /** @param chunks read-only views of the body's pieces, in order; their positions are consumed */
    WireInput(List<ByteBuffer> chunks) {
        this.chunks = chunks;
        long total = 0;
        for (ByteBuffer chunk : chunks) {
            total += chunk.remaining();
        }
        this.remaining = total;
    }

    long remaining() {
        return remaining;
    }

    byte readByte(String what) throws IOException {
        need(1, what);
        ByteBuffer chunk = current();
        remaining--;
        return chunk.get();
    }

    int readInt(String what) throws IOException {
        need(Integer.BYTES, what);
        int v = 0;
        for (int i = 0; i < Integer.BYTES; i++) {
            v = (v << 8) | (readByte(what) & 0xff);
        }
        return v;
    }

    long readLong(String what) throws IOException {
        need(Long.BYTES, what);
        long v = 0;
        for (int i = 0; i < Long.BYTES; i++) {
            v = (v << 8) | (readByte(what) & 0xff);
        }
        return v;
    }

    boolean readBoolean(String what) throws IOException {
        byte b = readByte(what);
        return switch (b) {
            case 0 -> false;
            case 1 -> true;
            default -> throw new IOException("confdb message: " + what + " is the byte " + b + ", not 0 or 1");
        };
    }

    /** An int length, then that many bytes. */
    byte[] readBytes(String what) throws IOException {
        int length = readLength(what);
        byte[] out = new byte[length];
        int done = 0;
        while (done < length) {
            ByteBuffer chunk = current();
            int n = Math.min(chunk.remaining(), length - done);
            chunk.get(out, done, n);
            done += n;
        }
        remaining -= length;
        return out;
    }

    /** An int length, then that many bytes of strict UTF-8 (no overlong forms, no encoded surrogates). */
    String readString(String what) throws IOException {
        byte[] bytes = readBytes(what);
        try {
            CharBuffer chars = utf8.reset().decode(ByteBuffer.wrap(bytes));
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new IOException("confdb message: " + what + " is not valid UTF-8 (" + e + ")", e);
        }
    }

    /** An int count of items, each at least {@code minItemBytes} long, bounded by what the bytes left can hold. */
    int readCount(String what, int minItemBytes) throws IOException {
        int count = readInt(what + " count");
        if (count < 0) {
            throw new IOException("confdb message: " + what + " count " + count + " is negative");
        }
        if ((long) count * minItemBytes > remaining) {
            throw new IOException("confdb message: " + what + " count " + count + " needs at least "
                    + (long) count * minItemBytes + " bytes, but only " + remaining + " are left");
        }
        return count;
    }

    void expectEnd() throws IOException {
        if (remaining != 0) {
            throw new IOException("confdb message: " + remaining + " trailing bytes after the message");
        }
    }

    private int readLength(String what) throws IOException {
        int length = readInt(what + " length");
        if (length < 0) {
            throw new IOException("confdb message: " + what + " length " + length + " is negative");
        }
        if (length > remaining) {
            throw new IOException("confdb message: " + what + " length " + length + " exceeds the " + remaining
                    + " bytes left");
        }
        return length;
    }

    private void need(int bytes, String what) throws IOException {
        if (remaining < bytes) {
            throw new IOException("confdb message: truncated: " + what + " needs " + bytes + " bytes, only "
                    + remaining + " left");
        }
    }

    /** The chunk holding the next byte; callers have checked that one exists. */
    private ByteBuffer current() {
        ByteBuffer chunk = chunks.get(chunkIndex);
        while (!chunk.hasRemaining()) {
            chunk = chunks.get(++chunkIndex);
        }
        return chunk;
    }
}
