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
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Writes one message body in the layout {@link MessageReader} reads; see {@link ConfdbWire} for the format. */
final class MessageWriter {

    private final DataOutputStream out;
    /** REPORT, not replace: a lone surrogate turned into '?' would give the receivers a different path. */
    private final CharsetEncoder utf8 = StandardCharsets.UTF_8.newEncoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);

    MessageWriter(OutputStream sink) {
        this.out = new DataOutputStream(sink);
    }

    void message(ConfdbMessage m) throws IOException {
        switch (m) {
            case SyncState s -> {
                head(TAG_SYNC_STATE, s.view());
                out.writeInt(s.round());
                out.writeLong(s.gen());
                out.writeLong(s.version());
                out.writeLong(s.promisedGen());
                out.writeLong(s.digest());
                out.writeBoolean(s.quorate());
            }
            case SyncData d -> {
                head(TAG_SYNC_DATA, d.view());
                out.writeInt(d.round());
                state(d.state());
            }
            case SyncReady r -> {
                head(TAG_SYNC_READY, r.view());
                out.writeInt(r.round());
                out.writeLong(r.version());
                out.writeLong(r.digest());
            }
            case ResyncRequest r -> {
                head(TAG_RESYNC_REQUEST, r.view());
                out.writeInt(r.round());
                string(r.reason(), "ResyncRequest reason");
            }
            case WriteRequest w -> {
                head(TAG_WRITE_REQUEST, w.view());
                out.writeInt(w.round());
                out.writeInt(w.originNodeId());
                out.writeLong(w.requestId());
                op(w.op());
            }
            case Applied a -> {
                head(TAG_APPLIED, a.view());
                out.writeLong(a.version());
            }
            case DigestProbe p -> {
                head(TAG_DIGEST_PROBE, p.view());
                out.writeInt(p.round());
            }
            case DigestReport r -> {
                head(TAG_DIGEST_REPORT, r.view());
                out.writeInt(r.round());
                out.writeInt(r.probe());
                out.writeLong(r.version());
                out.writeLong(r.digest());
            }
        }
        out.flush();
    }

    private void head(byte tag, ViewId view) throws IOException {
        out.writeByte(tag);
        out.writeLong(view.seq());
        out.writeInt(view.creatorNodeId());
    }

    private void state(ConfdbState state) throws IOException {
        out.writeLong(state.gen());
        out.writeLong(state.version());
        out.writeLong(state.promisedGen());
        out.writeInt(state.entries().size());
        // The key is not sent separately: the receiver rebuilds it from the entry's path, so they must agree here.
        for (Map.Entry<String, Entry> e : state.entries().entrySet()) {
            Entry entry = e.getValue();
            if (!e.getKey().equals(entry.path())) {
                throw new IllegalArgumentException("confdb state: key " + e.getKey() + " holds the entry of path "
                        + entry.path());
            }
            string(entry.path(), "entry path");
            bytes(entry.value(), entry.path());
            out.writeLong(entry.version());
            out.writeInt(entry.writerNodeId());
        }
    }

    private void op(Op op) throws IOException {
        switch (op) {
            case Op.Set s -> {
                out.writeByte(OP_SET);
                string(s.path(), "Set path");
                bytes(s.value(), s.path());
                out.writeLong(s.expectVersion());
            }
            case Op.Delete d -> {
                out.writeByte(OP_DELETE);
                string(d.path(), "Delete path");
                out.writeLong(d.expectVersion());
            }
            case Op.Lock l -> {
                out.writeByte(OP_LOCK);
                string(l.name(), "Lock name");
                out.writeLong(l.leaseMs());
                out.writeLong(l.observedVersion());
            }
            case Op.Unlock u -> {
                out.writeByte(OP_UNLOCK);
                string(u.name(), "Unlock name");
            }
        }
    }

    private void string(String s, String what) throws IOException {
        if (s == null) {
            throw new NullPointerException("confdb message: " + what + " is null");
        }
        ByteBuffer encoded;
        try {
            encoded = utf8.reset().encode(CharBuffer.wrap(s));
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("confdb message: " + what + " contains a lone surrogate, which UTF-8"
                    + " cannot carry: " + s, e);
        }
        out.writeInt(encoded.remaining());
        out.write(encoded.array(), encoded.arrayOffset() + encoded.position(), encoded.remaining());
    }

    private void bytes(byte[] b, String path) throws IOException {
        if (b == null) {
            throw new NullPointerException("confdb message: the value of " + path + " is null");
        }
        out.writeInt(b.length);
        out.write(b);
    }
}
