package dev.herd.daemon.confdb;

import static dev.herd.daemon.confdb.ConfdbWire.*;

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
import java.io.IOException;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Reads one message body strictly: every field is read in the order {@link MessageWriter} wrote it, the body must end
 * exactly after the message, and a value a record's constructor refuses becomes an {@link IOException}. There is one
 * encoding of each message, so two members that decode the same bytes can never disagree about what they hold.
 */
final class MessageReader {

    /** path length, value length, version, writer: the least an entry can occupy, to bound the entry count. */
    private static final int MIN_ENTRY_BYTES = Integer.BYTES + Integer.BYTES + Long.BYTES + Integer.BYTES;

    private final WireInput in;

    MessageReader(WireInput in) {
        this.in = in;
    }

    ConfdbMessage message() throws IOException {
        byte tag = in.readByte("message type");
        ConfdbMessage m = switch (tag) {
            case TAG_SYNC_STATE -> syncState();
            case TAG_SYNC_DATA -> syncData();
            case TAG_SYNC_READY -> syncReady();
            case TAG_RESYNC_REQUEST -> resyncRequest();
            case TAG_WRITE_REQUEST -> writeRequest();
            case TAG_APPLIED -> applied();
            case TAG_DIGEST_PROBE -> digestProbe();
            case TAG_DIGEST_REPORT -> digestReport();
            default -> throw new IOException("confdb message: unknown message type " + tag);
        };
        in.expectEnd();
        return m;
    }

    private SyncState syncState() throws IOException {
        ViewId view = view();
        int round = in.readInt("round");
        long gen = in.readLong("gen");
        long version = in.readLong("version");
        long promisedGen = in.readLong("promisedGen");
        long digest = in.readLong("digest");
        boolean quorate = in.readBoolean("quorate");
        return valid("SyncState", () -> new SyncState(view, round, gen, version, promisedGen, digest, quorate));
    }

    private SyncData syncData() throws IOException {
        ViewId view = view();
        int round = in.readInt("round");
        ConfdbState state = state();
        return valid("SyncData", () -> new SyncData(view, round, state));
    }

    private SyncReady syncReady() throws IOException {
        ViewId view = view();
        int round = in.readInt("round");
        long version = in.readLong("version");
        long digest = in.readLong("digest");
        return valid("SyncReady", () -> new SyncReady(view, round, version, digest));
    }

    private ResyncRequest resyncRequest() throws IOException {
        ViewId view = view();
        int round = in.readInt("round");
        String reason = in.readString("ResyncRequest reason");
        return valid("ResyncRequest", () -> new ResyncRequest(view, round, reason));
    }

    private WriteRequest writeRequest() throws IOException {
        ViewId view = view();
        int round = in.readInt("round");
        int originNodeId = in.readInt("originNodeId");
        long requestId = in.readLong("requestId");
        Op op = op();
        return valid("WriteRequest", () -> new WriteRequest(view, round, originNodeId, requestId, op));
    }

    private Applied applied() throws IOException {
        ViewId view = view();
        long version = in.readLong("version");
        return valid("Applied", () -> new Applied(view, version));
    }

    private DigestProbe digestProbe() throws IOException {
        ViewId view = view();
        int round = in.readInt("round");
        return valid("DigestProbe", () -> new DigestProbe(view, round));
    }

    private DigestReport digestReport() throws IOException {
        ViewId view = view();
        int round = in.readInt("round");
        int probe = in.readInt("probe");
        long version = in.readLong("version");
        long digest = in.readLong("digest");
        return valid("DigestReport", () -> new DigestReport(view, round, probe, version, digest));
    }

    private ViewId view() throws IOException {
        long seq = in.readLong("view seq");
        int creator = in.readInt("view creator");
        return valid("view", () -> new ViewId(seq, creator));
    }

    private ConfdbState state() throws IOException {
        long gen = in.readLong("state gen");
        long version = in.readLong("state version");
        long promisedGen = in.readLong("state promisedGen");
        int count = in.readCount("entry", MIN_ENTRY_BYTES);
        TreeMap<String, Entry> entries = new TreeMap<>();
        String previous = null;
        for (int i = 0; i < count; i++) {
            String path = in.readString("entry path");
            // Sorted and unique, as the sender's TreeMap iterates: a duplicate would otherwise silently replace one.
            if (previous != null && previous.compareTo(path) >= 0) {
                throw new IOException("confdb message: entry " + i + " path " + shorten(path) + " does not sort after "
                        + shorten(previous) + ": entries must be sorted and unique");
            }
            byte[] value = in.readBytes("entry value");
            long entryVersion = in.readLong("entry version");
            int writer = in.readInt("entry writer");
            entries.put(path, valid("entry", () -> new Entry(path, value, entryVersion, writer)));
            previous = path;
        }
        return valid("state", () -> new ConfdbState(gen, version, promisedGen, entries));
    }

    private Op op() throws IOException {
        byte tag = in.readByte("op type");
        switch (tag) {
            case OP_SET -> {
                String path = in.readString("Set path");
                byte[] value = in.readBytes("Set value");
                long expectVersion = in.readLong("Set expectVersion");
                return valid("Set", () -> new Op.Set(path, value, expectVersion));
            }
            case OP_DELETE -> {
                String path = in.readString("Delete path");
                long expectVersion = in.readLong("Delete expectVersion");
                return valid("Delete", () -> new Op.Delete(path, expectVersion));
            }
            case OP_LOCK -> {
                String name = in.readString("Lock name");
                long leaseMs = in.readLong("Lock leaseMs");
                long observedVersion = in.readLong("Lock observedVersion");
                return valid("Lock", () -> new Op.Lock(name, leaseMs, observedVersion));
            }
            case OP_UNLOCK -> {
                String name = in.readString("Unlock name");
                return valid("Unlock", () -> new Op.Unlock(name));
            }
            default -> throw new IOException("confdb message: unknown op type " + tag);
        }
    }

    /**
     * Runs only a record constructor (its fields are read already), so what it throws is the sender's bad value, never
     * a bug of this reader; that becomes an IOException like every other malformed input.
     */
    private static <T> T valid(String what, Supplier<T> construction) throws IOException {
        try {
            return construction.get();
        } catch (RuntimeException e) {
            throw new IOException("confdb message: invalid " + what + ": " + e.getMessage(), e);
        }
    }

    /** Garbage can hold a path of megabytes; an error message needs only its start. */
    private static String shorten(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "... (" + s.length() + " chars)";
    }
}
