package dev.herd.daemon.confdb;

import dev.herd.confdb.ConfdbMessage;
import dev.herd.daemon.confdb.ConfdbWire.Fragment;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns the confdb payloads delivered on the channel back into messages, holding the fragments of large ones until
 * their last piece arrives. Used on the driver's one event thread, so it is not thread-safe.
 *
 * <p>The channel is totally ordered, so one message's fragments arrive in order, though interleaved with other
 * senders' messages; anything else (a gap, a repeated index, a changed count) means the stream is not what the sender
 * wrote, and that partial message is dropped with an {@link IOException} instead of being patched up. Fragments are
 * bounded twice: per message by count, and in total by bytes, so a sender that never finishes (or a flood of
 * garbage) cannot grow the heap without limit. The byte limit should exceed the store's 128 MiB total, since one
 * full SyncData may be in flight from each of a few senders during a sync round.
 */
public final class ConfdbReassembler {

    /** Twice the store's 128 MiB limit: room for a full state plus what else is in flight. */
    public static final long DEFAULT_MAX_BUFFERED_BYTES = 256L * 1024 * 1024;
    /** 128 MiB in 8 KiB fragments needs 16384; leave room for smaller payload limits. */
    public static final int DEFAULT_MAX_FRAGMENTS = 65_536;

    private final long maxBufferedBytes;
    private final int maxFragmentsPerMessage;
    private final Map<Key, Partial> partials = new HashMap<>();
    private long bufferedBytes;

    /**
     * @param maxBufferedBytes       body bytes all partial messages together may hold
     * @param maxFragmentsPerMessage the largest fragment count a message may announce
     */
    public ConfdbReassembler(long maxBufferedBytes, int maxFragmentsPerMessage) {
        if (maxBufferedBytes <= 0 || maxFragmentsPerMessage < 2) {
            throw new IllegalArgumentException("reassembler limits must be positive and allow at least 2 fragments: "
                    + maxBufferedBytes + " bytes, " + maxFragmentsPerMessage + " fragments");
        }
        this.maxBufferedBytes = maxBufferedBytes;
        this.maxFragmentsPerMessage = maxFragmentsPerMessage;
    }

    public ConfdbReassembler() {
        this(DEFAULT_MAX_BUFFERED_BYTES, DEFAULT_MAX_FRAGMENTS);
    }

    /**
     * @param fromNodeId the sender, as the transport identified it (fragments are matched per sender)
     * @param payload    a payload for which {@link ConfdbWire#isConfdb} holds; read, never kept
     * @return the message, once complete; empty while fragments are outstanding
     * @throws IOException if the payload or the message is malformed; a partial message it belonged to is dropped
     */
    public Optional<ConfdbMessage> accept(int fromNodeId, byte[] payload) throws IOException {
        if (ConfdbWire.kind(payload) == ConfdbWire.KIND_WHOLE) {
            return Optional.of(ConfdbWire.decodeBody(ConfdbWire.wholeBody(payload)));
        }
        Fragment f = Fragment.of(payload);
        Key key = new Key(fromNodeId, f.messageId());
        Partial partial = partials.get(key);
        if (partial == null) {
            partial = start(key, f);
        } else if (f.count() != partial.count) {
            drop(key);
            throw new IOException(key + ": fragment " + f.index() + " says " + f.count()
                    + " fragments, earlier ones said " + partial.count + "; dropped the partial message");
        } else if (f.index() != partial.chunks.size()) {
            drop(key);
            throw new IOException(key + ": fragment " + f.index() + " of " + f.count() + " arrived where "
                    + partial.chunks.size() + " was due; dropped the partial message");
        }
        int bytes = f.chunk().remaining();
        if (bufferedBytes + bytes > maxBufferedBytes) {
            long wouldHold = bufferedBytes + bytes;
            long held = partial.bytes;
            drop(key);
            throw new IOException(key + ": fragment " + f.index() + " of " + f.count() + " (" + bytes
                    + " bytes) would raise the buffered fragments to " + wouldHold + " bytes, above the limit of "
                    + maxBufferedBytes + "; dropped its " + held + " bytes received so far");
        }
        // A copy: the transport may reuse its receive buffer once this returns.
        ByteBuffer chunk = ByteBuffer.allocate(bytes).put(f.chunk()).flip();
        partial.chunks.add(chunk);
        partial.bytes += bytes;
        bufferedBytes += bytes;
        if (partial.chunks.size() < partial.count) {
            return Optional.empty();
        }
        drop(key);
        return Optional.of(ConfdbWire.decodeBody(partial.chunks));
    }

    /** Drops every partial message: after a view change, the rest of them may never come. */
    public void reset() {
        partials.clear();
        bufferedBytes = 0;
    }

    /** Drops the partial messages of a node that left. */
    public void forget(int nodeId) {
        Iterator<Map.Entry<Key, Partial>> it = partials.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Key, Partial> e = it.next();
            if (e.getKey().nodeId == nodeId) {
                bufferedBytes -= e.getValue().bytes;
                it.remove();
            }
        }
    }

    /** @return body bytes held by partial messages */
    public long bufferedBytes() {
        return bufferedBytes;
    }

    /** @return how many messages are partly received */
    public int partialMessages() {
        return partials.size();
    }

    private Partial start(Key key, Fragment f) throws IOException {
        if (f.index() != 0) {
            throw new IOException(key + ": fragment " + f.index() + " of " + f.count()
                    + " without the ones before it (lost, or dropped by a view change or an earlier error)");
        }
        // Our encoder sends a message that fits one payload WHOLE, so a fragmented one has at least two pieces.
        if (f.count() < 2 || f.count() > maxFragmentsPerMessage) {
            throw new IOException(key + ": announces " + f.count() + " fragments; expected 2 to "
                    + maxFragmentsPerMessage);
        }
        Partial partial = new Partial(f.count());
        partials.put(key, partial);
        return partial;
    }

    private void drop(Key key) {
        Partial partial = partials.remove(key);
        if (partial != null) {
            bufferedBytes -= partial.bytes;
        }
    }

    private record Key(int nodeId, long messageId) {
        @Override
        public String toString() {
            return "confdb fragments of message " + messageId + " from node" + nodeId;
        }
    }

    private static final class Partial {
        final int count;
        final List<ByteBuffer> chunks = new ArrayList<>();
        long bytes;

        Partial(int count) {
            this.count = count;
        }
    }
}
